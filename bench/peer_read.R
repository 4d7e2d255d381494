# bench/peer_read.R -- the R data.table peer of bench/read.sh.
#
#   Rscript bench/peer_read.R FILE [THREADS]
#
# Reads FILE with data.table::fread (types inferred), the fastest CSV reader
# an R analyst has, and prints one line:
#   data.table VERSION threads=T read_seconds=S rows=R cols=C
# THREADS: fread's thread count; default: data.table's own default
# (half the logical CPUs, i.e. 1 on a 2-core machine). read_seconds is the
# fread call alone (R's start-up and library() are outside it).
suppressMessages(library(data.table))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 2) setDTthreads(as.integer(args[2]))
t0 <- proc.time()[["elapsed"]]
dt <- fread(args[1], showProgress = FALSE)
sec <- proc.time()[["elapsed"]] - t0
cat(sprintf("data.table %s threads=%d read_seconds=%.3f rows=%d cols=%d\n",
            as.character(packageVersion("data.table")), getDTthreads(), sec, nrow(dt), ncol(dt)))
