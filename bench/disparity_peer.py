#!/usr/bin/env python3
"""numpy peer for bench/disparity.sh: the disparity measures of issue 3 as a
competent numpy user writes them, on the same units aimaq reads.

usage: disparity_peer.py prepare POINTS_CSV COPIES OUTDIR
           writes OUTDIR/units.csv (income,pop,group) and OUTDIR/units.npz:
           the gen.py points (income, pop, district) repeated COPIES times
           (gen.py at N = 1,000,000 has round(sqrt(N)) = 1,000 districts)
       disparity_peer.py run OUTDIR
           prints one line: seconds=... and the results, single-threaded
"""
import sys
import time

import numpy as np


def prepare(points, copies, out):
    cols = np.genfromtxt(points, delimiter=",", names=True, usecols=("pop", "income", "group"),
                         dtype=None, encoding="ascii")
    inc = np.tile(cols["income"].astype(float), copies)
    pop = np.tile(cols["pop"].astype(float), copies)
    grp = np.tile(cols["group"].astype(np.int64), copies)
    np.savez(out + "/units.npz", income=inc, pop=pop, group=grp)
    with open(out + "/units.csv", "w") as f:
        f.write("income,pop,group\n")
        chunk = 1_000_000
        for a in range(0, inc.size, chunk):
            b = min(a + chunk, inc.size)
            f.write("".join("%.2f,%d,%d\n" % t for t in
                            zip(inc[a:b], pop[a:b].astype(np.int64), grp[a:b])))


def measures(y, p, grp):
    """Weighted Gini, Theil T and L with between/within by group, Atkinson."""
    W = p.sum()
    yw = p * y
    Y = yw.sum()
    mu = Y / W
    # Gini: sort once, trapezoid Lorenz area (exact for ties)
    o = np.argsort(y, kind="stable")
    ps, inc = p[o], yw[o]
    L = np.cumsum(inc) / Y
    Lprev = np.concatenate(([0.0], L[:-1]))
    gini = 1.0 - np.sum(ps / W * (L + Lprev))
    # one log per unit
    ly = np.log(y)
    g = grp - grp.min()
    Wg = np.bincount(g, weights=p)
    Yg = np.bincount(g, weights=yw)
    keep = Wg > 0
    mug = np.where(keep, Yg / np.where(keep, Wg, 1), 1.0)
    lmug = np.log(mug)
    lr_g = ly - lmug[g]                    # ln(y / mu_g)
    lmu = np.log(mu)
    # totals
    theil_t = np.sum(yw * (ly - lmu)) / Y
    theil_l = -np.sum(p * (ly - lmu)) / W
    # within: each group's own index, weighted by its share
    Tg = np.bincount(g, weights=yw * lr_g)[keep] / Yg[keep]
    Lg = -np.bincount(g, weights=p * lr_g)[keep] / Wg[keep]
    sg, vg = Yg[keep] / Y, Wg[keep] / W
    t_within, l_within = np.sum(sg * Tg), np.sum(vg * Lg)
    q = mug[keep] / mu
    t_between, l_between = np.sum(sg * np.log(q)), -np.sum(vg * np.log(q))
    # Atkinson e = 0.5, 1, 2
    a05 = 1 - (np.sum(p * np.sqrt(y)) / W) ** 2 / mu
    a1 = 1 - np.exp(np.sum(p * ly) / W) / mu
    a2 = 1 - (W / np.sum(p / y)) / mu
    return dict(gini=gini, theil_t=theil_t, theil_l=theil_l, t_between=t_between,
                t_within=t_within, l_between=l_between, l_within=l_within,
                a05=a05, a1=a1, a2=a2)


def run(d):
    z = np.load(d + "/units.npz")
    y, p, grp = z["income"], z["pop"], z["group"]
    t0 = time.perf_counter()
    r = measures(y, p, grp)
    sec = time.perf_counter() - t0
    print("seconds=%.6f %s" % (sec, " ".join("%s=%.12g" % kv for kv in r.items())))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        run(sys.argv[2])
