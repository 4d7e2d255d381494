# regress_peer.R DIR lag|error METHOD -- spatialreg lagsarlm/errorsarlm on DIR/lattice.*;
# prints: model method seconds(fit only) rho|lambda b0 b1 b2 logL se(rho|lambda)
suppressMessages({library(spdep); library(spatialreg)})
args <- commandArgs(TRUE); dir <- args[1]; model <- args[2]; method <- args[3]
d <- read.csv(file.path(dir, "lattice.csv"))
nb <- read.gal(file.path(dir, "lattice.gal"), region.id = d$id)
lw <- nb2listw(nb, style = "W")
t0 <- proc.time()[["elapsed"]]
f <- if (model == "lag") lagsarlm else errorsarlm
m <- f(y ~ x1 + x2, data = d, listw = lw, method = method)
t1 <- proc.time()[["elapsed"]]
par <- if (model == "lag") m$rho else m$lambda
se <- if (model == "lag") m$rho.se else m$lambda.se
cat(sprintf("%s %s %.3f %.10f %.10f %.10f %.10f %.6f %.8f\n", model, method, t1 - t0, par,
            coef(m)[["(Intercept)"]], coef(m)[["x1"]], coef(m)[["x2"]], m$LL, se))
