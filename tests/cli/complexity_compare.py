"""complexity_compare.py -- compares `aimaq complexity --format csv` output
with a Stata ground-truth fixture of py-ecomplexity
(tests/data/complexity/SOURCE.md), column by column, at py-ecomplexity's
tolerances: exact for M, diversity and ubiquity; rtol 1e-5 for RCA, ECI and
PCI; rtol 1e-4 for density, COI and COG (with an absolute floor of 1e-9 for
the zeros of COG). Prints what differs; exits 1 if anything does.

usage: python3 complexity_compare.py FIXTURE OURS [COLUMNS]
"""
import csv
import math
import sys

TOL = {"rca": 1e-5, "eci": 1e-5, "pci": 1e-5, "density": 1e-4, "coi": 1e-4, "cog": 1e-4,
       "M": 0, "diversity": 0, "ubiquity": 0}


def num(s):
    return float("nan") if s in ("", ".") else float(s)


def main():
    fixture, ours = sys.argv[1], sys.argv[2]
    cols = sys.argv[3].split(",") if len(sys.argv) > 3 else list(TOL)
    want = {}
    with open(fixture, newline="") as f:
        for r in csv.DictReader(f):
            want[(r["year"], r["origin"], r["hs92"])] = r
    got = {}
    with open(ours, newline="") as f:
        for r in csv.DictReader(f):
            got[(r["period"], r["unit"], r["activity"])] = r
    bad = 0
    if set(want) != set(got):
        print("rows differ: %d only in the fixture, %d only in ours"
              % (len(set(want) - set(got)), len(set(got) - set(want))))
        bad += 1
    for key in sorted(set(want) & set(got)):
        for c in cols:
            w, g = num(want[key][c]), num(got[key][c])
            tol = TOL[c]
            ok = (math.isnan(w) and math.isnan(g)) or abs(w - g) <= tol * abs(w) + (1e-9 if tol else 0)
            if not ok:
                bad += 1
                if bad <= 20:
                    print("%s %s: fixture %r, ours %r" % ("/".join(key), c, want[key][c], got[key][c]))
    print("%d rows, %d columns compared, %d differences" % (len(set(want) & set(got)), len(cols), bad))
    sys.exit(1 if bad else 0)


main()
