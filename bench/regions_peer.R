# regions_peer.R -- the spdep side of bench/regions.sh: makes a SIDE x SIDE
# rook lattice with three smooth, noisy variables (seed 42), writes it as
# OUT.csv and its neighbours as OUT.gal (so aimaq reads the same graph), and
# times spdep::skater with the squared objective aimaq and rgeoda minimise
# (spdep's default is the sum of Euclidean distances to the means).
# usage: Rscript bench/regions_peer.R SIDE K OUT [data-only]
# prints: spdep,VERSION,N,K,prep_seconds,skater_seconds,cpu_seconds,within_ss
# (seconds are wall time; cpu_seconds, nbcosts + mstree + skater, is the
# steadier measure on a shared machine)
args <- commandArgs(TRUE); side <- as.integer(args[1]); k <- as.integer(args[2]); out <- args[3]
suppressMessages(library(spdep))
set.seed(42)
n <- side * side
xy <- expand.grid(x = 0:(side - 1), y = 0:(side - 1))
d <- data.frame(id = seq_len(n), x = xy$x, y = xy$y,
  v1 = sin(xy$x / 9) + cos(xy$y / 13) + rnorm(n, sd = 0.3),
  v2 = cos(xy$x / 17) * sin(xy$y / 7) + rnorm(n, sd = 0.3),
  v3 = (xy$x + xy$y) / side + rnorm(n, sd = 0.3))
write.csv(d, paste0(out, ".csv"), row.names = FALSE, quote = FALSE)
nb <- cell2nb(side, side, type = "rook")
write.nb.gal(nb, paste0(out, ".gal"))
if (length(args) > 3) quit(save = "no")
z <- scale(d[, c("v1", "v2", "v3")])
cpu <- function() { t <- proc.time(); t[["user.self"]] + t[["sys.self"]] }
t0 <- proc.time()[["elapsed"]]; c0 <- cpu()
costs <- nbcosts(nb, z)
lw <- nb2listw(nb, costs, style = "B")
mst <- mstree(lw)
t1 <- proc.time()[["elapsed"]]; c1 <- cpu()
ss <- function(data, id) sum(scale(data[id, , drop = FALSE], scale = FALSE)^2)
res <- skater(mst[, 1:2], z, ncuts = k - 1, method = ss)
t2 <- proc.time()[["elapsed"]]; c2 <- cpu()
g <- res$groups
w <- sum(sapply(split(seq_len(n), g), function(i) ss(z, i)))
cat(sprintf("spdep,%s,%d,%d,%.3f,%.3f,%.3f,%.10f\n", packageVersion("spdep"), n, k, t1 - t0,
            t2 - t1, c2 - c0, w))
