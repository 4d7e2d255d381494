#!/usr/bin/env python3
"""verify.py -- recomputes, independently of aimaq (standard library only),
what `aimaq potential --allow-missing` must give on settlements.csv with
methods/kz-snp-potential-2025.yaml, and compares it with aimaq's CSV output.

The methodology, reduced to the two indicators the data has:
  economic    = 100 * (max d - d) / (max d - min d)   d = distance_to_market_km
  demographic = 100 * (p - min p) / (max p - min p)    p = population
  score       = (economic + demographic) / 2           (pillar weights 1 and 1)
over the units with both values (a unit missing one of the 2 indicators misses
a share 0.5 > max_share 0.25 and is excluded); classes in order: uninhabited
(population == 0), high (score >= type-7 quantile 0.6667 of the scores),
medium (>= quantile 0.3333), low.

usage: python3 verify.py SETTLEMENTS.csv [AIMAQ_UNITS.csv]
Prints the class summary; with aimaq's units (id, score, rank, class, ...)
checks every score to 1e-9 and every class and rank, exit 1 on a difference.
"""
import csv
import math
import sys


def q7(sorted_v, p):
    h = (len(sorted_v) - 1) * p
    lo = math.floor(h)
    if lo + 1 >= len(sorted_v):
        return sorted_v[-1]
    return sorted_v[lo] + (h - lo) * (sorted_v[lo + 1] - sorted_v[lo])


def main():
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
    num = lambda s: float(s) if s != "" else None
    d = [num(r["distance_to_market_km"]) for r in rows]
    p = [num(r["population"]) for r in rows]
    inc = [i for i in range(len(rows)) if d[i] is not None and p[i] is not None]
    dmin, dmax = min(d[i] for i in inc), max(d[i] for i in inc)
    pmin, pmax = min(p[i] for i in inc), max(p[i] for i in inc)
    score = {}
    for i in inc:
        eco = 100 * (1.0 - (d[i] - dmin) / (dmax - dmin))
        dem = 100 * ((p[i] - pmin) / (pmax - pmin))
        score[i] = 0.5 * eco + 0.5 * dem
    s = sorted(score.values())
    hi, med = q7(s, 0.6667), q7(s, 0.3333)
    cls = {}
    for i in range(len(rows)):
        if i not in score:
            cls[i] = "excluded"
        elif p[i] == 0:
            cls[i] = "uninhabited"
        elif score[i] >= hi:
            cls[i] = "high"
        elif score[i] >= med:
            cls[i] = "medium"
        else:
            cls[i] = "low"
    order = sorted(score, key=lambda i: (-score[i], i))
    rank = {i: k + 1 for k, i in enumerate(order)}
    total = sum(p[i] for i in score)
    print(f"settlements {len(rows)}, scored {len(score)}, excluded {len(rows) - len(score)}; "
          f"thresholds high {hi:.6f}, medium {med:.6f}")
    print("class,count,population,population_share")
    for c in ("uninhabited", "high", "medium", "low", "excluded"):
        members = [i for i in cls if cls[i] == c]
        pop = sum(p[i] for i in members if p[i] is not None)
        share = f"{pop / total:.6f}" if c != "excluded" else ""
        print(f"{c},{len(members)},{pop:.0f},{share}")
    if len(sys.argv) < 3:
        return 0
    bad = 0
    out = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
    for i, r in enumerate(out):
        if r["id"] != rows[i]["code"]:
            sys.exit(f"row {i}: id {r['id']} != {rows[i]['code']}")
        if cls[i] != r["class"]:
            bad += 1
            print(f"class differs: {r['id']} aimaq {r['class']} here {cls[i]}")
        if i in score and (abs(float(r["score"]) - score[i]) > 1e-9 or int(r["rank"]) != rank[i]):
            bad += 1
            print(f"score/rank differs: {r['id']} aimaq {r['score']} {r['rank']} here {score[i]} {rank[i]}")
    print(f"compared {len(out)} units with aimaq: {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
