#!/usr/bin/env python3
"""verify.py -- recomputes the before/after table of plan.yaml without aimaq
(standard library only), as an independent check of the numbers that
tests/cli/scenario_kz.sh asserts. Run from the repository root:

    python3 examples/kz/scenario/verify.py

It follows the plan as docs/scenario.md defines it: straight-line minutes =
great-circle km (haversine, R = 6371.0088 km) x 1.3 / 60 km/h x 60; movers
are inhabited hamlets and isolated dwellings more than 60 minutes from every
district or regional centre; each goes to the nearest inhabited district or
regional centre within 120 minutes (ties: the first in file order), or
stays; GRP per capita of four regions x 1.05^5; Theil T and max/min over
inhabited settlements weighted by their people.

    python3 examples/kz/scenario/verify.py potential

does the same for plan_potential.yaml on settlements_potential.csv: movers
are inhabited settlements classed low (column potential) more than 60
minutes from every district or regional centre; each goes to the nearest
inhabited non-moving settlement classed high or that is a district or
regional centre, within 90 minutes (ties: the first in file order), or
stays; no growth. It prints every row of aimaq's table in aimaq's order
(classes in order of first appearance in the file).
"""
import csv
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
R = 6371.0088
CIRCUITY, KMH = 1.3, 60.0
ASSUME = {"village": 789, "hamlet": 127, "isolated_dwelling": 11}
CENTRES = {"district_centre", "regional_centre"}
GROW = {"610000000", "330000000", "310000000", "790000000"}


def minutes(a, b):
    p1, p2 = math.radians(a[1]), math.radians(b[1])
    dp, dl = p2 - p1, math.radians(b[0] - a[0])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1.0, math.sqrt(h))) * CIRCUITY / KMH * 60


def theil_ratio_mean(x, w):
    sel = [(a, b) for a, b in zip(x, w) if b > 0 and a > 0]
    W = sum(b for _, b in sel)
    mu = sum(a * b for a, b in sel) / W
    t = sum(b / W * a / mu * math.log(a / mu) for a, b in sel)
    xs = [a for a, _ in sel]
    return t, max(xs) / min(xs), mu


def measure(rows, pop, ind, moved):
    out = [("settlements inhabited", sum(p > 0 for p in pop)), ("population", sum(pop)),
           ("people moved", moved)]
    for name, kinds in (("district or regional centre", CENTRES), ("regional centre", {"regional_centre"})):
        cen = [r["pt"] for r in rows if r["class"] in kinds]
        t = [min(minutes(c, r["pt"]) for c in cen) for r in rows]
        w30 = sum(p for p, m in zip(pop, t) if m <= 30)
        w60 = sum(p for p, m in zip(pop, t) if m <= 60)
        mean = sum(p * m for p, m in zip(pop, t)) / sum(pop)
        out += [(name + ": people within 30 min", w30), (name + ": people within 60 min", w60),
                (name + ": mean minutes", mean)]
    t, ratio, mu = theil_ratio_mean(ind, pop)
    out += [("grp_pc_2022: Theil T", t), ("grp_pc_2022: max/min ratio", ratio),
            ("grp_pc_2022: population-weighted mean", mu)]
    for c in ("isolated_dwelling", "hamlet", "village", "regional_centre", "town", "district_centre"):
        out += [(f"class {c}: settlements inhabited", sum(1 for r, p in zip(rows, pop) if r["class"] == c and p > 0)),
                (f"class {c}: population", sum(p for r, p in zip(rows, pop) if r["class"] == c and p > 0))]
    return out


def nearest_minutes(rows, facilities):
    """Minutes from every settlement to the nearest point of FACILITIES."""
    return [min(minutes(c, r["pt"]) for c in facilities) for r in rows]


def potential_table(rows, pop, ind, moved, times):
    out = [("settlements inhabited", sum(p > 0 for p in pop)), ("population", sum(pop)),
           ("people moved", moved)]
    for name, t in times:
        out += [(name + ": people within 30 min", sum(p for p, m in zip(pop, t) if m <= 30)),
                (name + ": people within 60 min", sum(p for p, m in zip(pop, t) if m <= 60)),
                (name + ": mean minutes", sum(p * m for p, m in zip(pop, t)) / sum(pop)),
                (name + ": people unreachable", 0)]
    t, ratio, mu = theil_ratio_mean(ind, pop)
    out += [("grp_pc_2022: Theil T", t), ("grp_pc_2022: max/min ratio", ratio),
            ("grp_pc_2022: population-weighted mean", mu)]
    for c in dict.fromkeys(r["potential"] for r in rows):
        out += [(f"class {c}: settlements inhabited", sum(1 for r, p in zip(rows, pop) if r["potential"] == c and p > 0)),
                (f"class {c}: population", sum(p for r, p in zip(rows, pop) if r["potential"] == c and p > 0))]
    return out


def main_potential():
    with open(os.path.join(HERE, "settlements_potential.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    pop, assumed, nassumed = [], 0, 0
    for r in rows:
        r["pt"] = (float(r["lon"]), float(r["lat"]))
        if r["pop"]:
            pop.append(float(r["pop"]))
        else:
            pop.append(float(ASSUME[r["place"]]))
            assumed += pop[-1]
            nassumed += 1
    ind = [float(r["grp_pc_2022"]) for r in rows]
    # settlement points do not move, so each settlement's time to a service
    # is the same before and after
    tc = nearest_minutes(rows, [r["pt"] for r in rows if r["class"] in CENTRES])
    th = nearest_minutes(rows, [r["pt"] for r in rows if r["potential"] == "high"])
    times = [("district or regional centre", tc), ("high-potential settlement", th)]
    n = len(rows)
    movers = [i for i in range(n) if rows[i]["potential"] == "low" and pop[i] > 0 and tc[i] > 60]
    mset = set(movers)
    recv = [j for j in range(n) if j not in mset and pop[j] > 0
            and (rows[j]["potential"] == "high" or rows[j]["class"] in CENTRES)]
    new, moved, stay, staypop = pop[:], 0.0, 0, 0.0
    for i in movers:
        best = min(recv, key=lambda j: (minutes(rows[j]["pt"], rows[i]["pt"]), j))
        if minutes(rows[best]["pt"], rows[i]["pt"]) > 90:
            stay += 1
            staypop += new[i]
            continue
        new[best] += new[i]
        moved += new[i]
        new[i] = 0
    notes = [("note: straight-line times (not road times): circuity", CIRCUITY),
             ("note: straight-line times (not road times): km/h", KMH),
             ("note: settlements with assumed population", nassumed),
             ("note: people assumed (declared in the plan)", assumed),
             ("note: potential classes: indicators used (of 23; an illustration)", 2)]
    before = notes + potential_table(rows, pop, ind, 0, times)
    after = notes + potential_table(rows, new, ind, moved, times)
    print(f"movers {len(movers)}, stay {stay} with {staypop:.15g} people")
    print("metric,before,after,change")
    for (k, b), (_, a) in zip(before, after):
        print(f"{k},{b:.15g},{a:.15g},{a - b:.15g}")


def main():
    if sys.argv[1:] == ["potential"]:
        return main_potential()
    with open(os.path.join(HERE, "settlements.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    pop, assumed = [], 0
    for r in rows:
        r["pt"] = (float(r["lon"]), float(r["lat"]))
        if r["pop"]:
            pop.append(float(r["pop"]))
        else:
            pop.append(float(ASSUME[r["place"]]))
            assumed += pop[-1]
    ind = [float(r["grp_pc_2022"]) for r in rows]
    before = measure(rows, pop, ind, 0)
    n = len(rows)
    cen = [r["pt"] for r in rows if r["class"] in CENTRES]
    movers = [i for i in range(n) if rows[i]["class"] in ("hamlet", "isolated_dwelling") and pop[i] > 0
              and min(minutes(c, rows[i]["pt"]) for c in cen) > 60]
    mset = set(movers)
    recv = [j for j in range(n) if j not in mset and pop[j] > 0 and rows[j]["class"] in CENTRES]
    new, moved, stay = pop[:], 0.0, 0
    for i in movers:
        best = min(recv, key=lambda j: (minutes(rows[j]["pt"], rows[i]["pt"]), j))
        if minutes(rows[best]["pt"], rows[i]["pt"]) > 120:
            stay += 1
            continue
        new[best] += new[i]
        moved += new[i]
        new[i] = 0
    ind2 = [v * 1.05 ** 5 if r["region"] in GROW else v for v, r in zip(ind, rows)]
    after = measure(rows, new, ind2, moved)
    print(f"assumed people {assumed:.15g}; movers {len(movers)}, stay {stay}")
    print("metric,before,after,change")
    for (k, b), (_, a) in zip(before, after):
        print(f"{k},{b:.15g},{a:.15g},{a - b:.15g}")


if __name__ == "__main__":
    main()
