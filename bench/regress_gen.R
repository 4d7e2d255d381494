# regress_gen.R SIDE DIR -- bench/regress.sh input: a SIDE x SIDE rook lattice (spdep cell2nb),
# x1, x2 ~ N(0,1), y = (I - 0.5 W)^-1 (1 + 2 x1 - x2 + e), seed 42; DIR/lattice.csv and .gal.
suppressMessages({library(spdep); library(spatialreg)})
args <- commandArgs(TRUE); s <- as.integer(args[1]); out <- args[2]
set.seed(42)
nb <- cell2nb(s, s, type = "rook")
lw <- nb2listw(nb, style = "W")
n <- s * s
x1 <- rnorm(n); x2 <- rnorm(n)
# a sparse solve: invIrW would form the dense n x n inverse
W <- as(lw, "CsparseMatrix")
y <- as.vector(Matrix::solve(Matrix::Diagonal(n) - 0.5 * W, 1 + 2 * x1 - x2 + rnorm(n)))
write.csv(data.frame(id = 1:n, y = y, x1 = x1, x2 = x2), file.path(out, "lattice.csv"), row.names = FALSE)
write.nb.gal(nb, file.path(out, "lattice.gal"))
