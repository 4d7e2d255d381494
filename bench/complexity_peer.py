"""complexity_peer.py -- the numpy side of bench/complexity.sh.

  gen FILE NU NA NT SEED   writes NT periods of an NU x NA value matrix
                           (float64, row-major, period after period)
  run FILE NU NA NT        computes, per period, what aq_cx_compute does,
                           with the same formulas and conventions (the Stata
                           package's: docs/complexity.md), and prints the
                           same check lines as complexity_bench.c

The computation is what an analyst would write in numpy: dense matrix
products through BLAS, the eigenproblem on the smaller side with eigh
(py-ecomplexity's np.linalg.eig on the full activity matrix is far slower
at 5,000 activities), proximity, density, COI and COG as matrix products.
"""
import sys
import time

import numpy as np


def gen(path, nu, na, nt, seed):
    rng = np.random.default_rng(seed)
    # sizes of units and activities persist over the years; cells come and
    # go (most regions have no employment in most detailed activities)
    ue = rng.normal(0, 1, nu)[:, None]
    ae = rng.normal(0, 1, na)[None, :]
    with open(path, "wb") as f:
        for _ in range(nt):
            x = rng.lognormal(ue + ae, 1.5) * (rng.random((nu, na)) > 0.6)
            x.astype(np.float64).tofile(f)


def period(x):
    nu, na = x.shape
    rca = (x / x.sum(1)[:, None]) / (x.sum(0) / x.sum())[None, :]
    M = (rca >= 1).astype(np.float64)
    d = M.sum(1)
    u = M.sum(0)
    B = M / np.sqrt(d)[:, None] / np.sqrt(u)[None, :]
    if nu <= na:
        w, V = np.linalg.eigh(B @ B.T)
        kc = V[:, -2] / np.sqrt(d)
        kp = (M.T @ kc) / u / w[-2]
    else:
        w, V = np.linalg.eigh(B.T @ B)
        kp = V[:, -2] / np.sqrt(u)
        kc = (M @ kp) / d
    sg = -1.0 if np.corrcoef(d, kc)[0, 1] < 0 else 1.0
    sg /= np.linalg.norm(kp)
    kc *= sg
    kp *= sg
    rows = nu * na
    m = kc.mean()
    s = kc.std() * np.sqrt(rows / (rows - 1))
    eci = (kc - m) / s
    phi = M.T @ M
    phi /= np.maximum(u[:, None], u[None, :])
    np.fill_diagonal(phi, 0)
    density = (M @ phi) / phi.sum(0)[None, :]
    coi = ((1 - M) * density * kp[None, :]).sum(1)
    coi = (coi - coi.mean()) / (coi.std() * np.sqrt(rows / (rows - 1)))
    Y = phi * (kp / phi.sum(1))[:, None]
    cog = (1 - M) * ((1 - M) @ Y) / s
    return eci, density, cog, coi


def run(path, nu, na, nt):
    data = np.memmap(path, dtype=np.float64, mode="r", shape=(nt, nu, na))
    total = 0.0
    ctotal = 0.0
    for t in range(nt):
        x = np.array(data[t])
        t0, c0 = time.perf_counter(), time.process_time()
        eci, density, cog, coi = period(x)
        total += time.perf_counter() - t0
        ctotal += time.process_time() - c0
        print("check,%d,%.12g,%.12g,%.12g,%.12g,%.12g,%.12g"
              % (t, eci[0], eci[1], eci[2], np.nansum(density), np.nansum(cog), np.abs(coi).sum()))
    print("time,numpy-%s,all,%.3f,%.3f" % (np.__version__, total, ctotal))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
