#!/usr/bin/env python3
"""Derives examples/kz/districts.geojson: district boundaries with KATO codes,
from geoBoundaries ADM2 (../shared/data/kz-boundaries/), by aimaq's name
matching checked against the OpenStreetMap places inside each polygon.
Standard library only; deterministic. Run from the repository root after
examples/kz/run.sh has built out/kz/kz.db and out/kz/osm_places_matched.geojson:

  python3 examples/kz/districts.py ../shared/data build/aimaq

A polygon is kept when `aimaq match` gives it a KATO district code, at
least 3 OSM places matched to KATO settlements lie inside it, and at least
two thirds of them belong to that district. Every other polygon, every
kept one that also holds other districts' places, and every KATO district
left without a boundary is printed for examples/kz/SOURCE.md. Coordinates
are simplified (Douglas-Peucker, 0.005 degrees, about 500 m) and rounded to
4 decimals to keep the file small.
"""
import collections
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
AQ = sys.argv[2] if len(sys.argv) > 2 else "build/aimaq"
OUT = os.path.dirname(os.path.abspath(__file__))
DB = "out/kz/kz.db"
ADM2 = f"{SRC}/kz-boundaries/geoBoundaries-KAZ-ADM2.geojson"
TOL = 0.005


def rings_of(g):
    return [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]


def inside(poly, x, y):
    hit = False
    for ring in poly:
        j = len(ring) - 1
        for i in range(len(ring)):
            xi, yi = ring[i][:2]
            xj, yj = ring[j][:2]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                hit = not hit
            j = i
    return hit


def simplify(pts, tol):
    """Douglas-Peucker on one closed ring; keeps at least 4 points."""
    if len(pts) < 5:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (xa, ya), (xb, yb) = pts[a][:2], pts[b][:2]
        dx, dy = xb - xa, yb - ya
        norm = (dx * dx + dy * dy) ** 0.5
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            x, y = pts[i][:2]
            d = abs(dy * (x - xa) - dx * (y - ya)) / norm if norm else ((x - xa) ** 2 + (y - ya) ** 2) ** 0.5
            if d > best:
                best, idx = d, i
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    out = [p for p, k in zip(pts, keep) if k]
    if len(out) < 4:
        out = [pts[0], pts[len(pts) // 3], pts[2 * len(pts) // 3], pts[-1]]
    return [[round(p[0], 4), round(p[1], 4)] for p in out]


def main():
    adm2 = json.load(open(ADM2, encoding="utf-8"))
    res = subprocess.run([AQ, "match", ADM2, "--to-level", "district", "--within", "region", "--name-column", "shapeName",
                          "--renames", f"{OUT}/district_renames.csv", "--db", DB, "--format", "csv"],
                         check=True, capture_output=True, text=True)
    matched = list(csv.DictReader(io.StringIO(res.stdout)))
    db = sqlite3.connect(DB)
    names = {c: kk for c, kk in db.execute("SELECT code, name_kk FROM units WHERE level = 'district'")}
    parent = dict(db.execute("SELECT code, parent FROM units"))
    level = dict(db.execute("SELECT code, level FROM units"))

    def district_of(c):
        while c and level.get(c) != "district":
            c = parent.get(c)
        return c

    places = []
    for f in json.load(open("out/kz/osm_places_matched.geojson", encoding="utf-8"))["features"]:
        p = f["properties"]
        if p.get("status") == "matched" and f["geometry"]:
            d = district_of(p["code"])
            if d:
                places.append((*f["geometry"]["coordinates"][:2], d))

    feats, notes, shipped = [], [], set()
    for f, m in zip(adm2["features"], matched):
        name, code = f["properties"]["shapeName"], m["code"]
        polys = rings_of(f["geometry"])
        xs = [c[0] for p in polys for c in p[0]]
        ys = [c[1] for p in polys for c in p[0]]
        cnt = collections.Counter(d for x, y, d in places if min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys)
                                  and any(inside(p, x, y) for p in polys))
        total = sum(cnt.values())
        top = ", ".join(f"{d} {names.get(d, '?')} {k}" for d, k in cnt.most_common(3)) or "none"
        if not code:
            notes.append(f"| {name} | {m['status']} | {m['candidates'] or '—'} | not shipped | places inside: {top} |")
            continue
        share = cnt[code] / total if total else 0
        if total < 3 or share < 2 / 3 or code in shipped:
            why = "no OSM places inside" if total < 3 else "a second polygon for the code" if code in shipped else \
                  f"only {cnt[code]} of {total} places inside belong to it"
            notes.append(f"| {name} | {code} {names[code]} ({m['method']}) | | not shipped: {why} | places inside: {top} |")
            continue
        shipped.add(code)
        if share < 1 or m["method"] == "renamed":
            notes.append(f"| {name} | {code} {names[code]} ({m['method']}) | | shipped; {cnt[code]} of {total} places "
                         f"inside belong to it | places inside: {top} |")
        geom = [[simplify(r, TOL) for r in p] for p in polys]
        feats.append({"type": "Feature",
                      "properties": {"code": code, "adm2_name": name, "adm2_id": f["properties"]["shapeID"]},
                      "geometry": {"type": "MultiPolygon", "coordinates": geom}})
    feats.sort(key=lambda f: f["properties"]["code"])
    with open(os.path.join(OUT, "districts.geojson"), "w", encoding="utf-8") as out:
        json.dump({"type": "FeatureCollection", "features": feats}, out, ensure_ascii=False, separators=(",", ":"))
    print(f"districts.geojson: {len(feats)} of {len(adm2['features'])} ADM2 polygons, KATO district codes")
    print("| ADM2 shapeName | match | candidates | result | OSM places inside (KATO district, count) |")
    print("|---|---|---|---|---|")
    print("\n".join(notes))
    left = sorted(set(names) - shipped)
    print(f"\nKATO districts without a boundary ({len(left)}):", "; ".join(f"{c} {names[c]}" for c in left))


if __name__ == "__main__":
    main()
