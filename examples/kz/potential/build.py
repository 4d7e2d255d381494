#!/usr/bin/env python3
"""build.py -- the real input of the 2025 potential methodology for the
Kazakhstan example: one row per rural settlement (KATO) that OpenStreetMap
locates, with the few indicators public data gives. Standard library only.

It is driven by run.sh, which calls `aimaq match` between the stages (all
name matching is aimaq's); this file only reshapes files, joins them on
codes and computes great-circle distances. Stages:

  python3 build.py names OUT      BNS 2023 district rows -> OUT/bns_districts.csv
                                  (name, parent = region KATO code)
  python3 build.py centres OUT    with OUT/bns_districts_matched.csv: the BNS
                                  district-centre villages and towns of 50,000+
                                  -> OUT/bns_centres.csv, OUT/bns_towns.csv
                                  (name, parent = district KATO code)
  python3 build.py join OUT       everything -> OUT/settlements.csv

Every column is described in README.md. No value is invented: a value not in
a source stays empty.
"""
import csv
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EX = os.path.dirname(HERE)                       # examples/kz
# Copies of the shared sources kept in examples/kz (prepare.py makes them),
# so the example runs on a clone alone.
BNS_TOWNS = os.path.join(EX, "population_town_2023.csv")
MARKET_MIN_POP = 50000      # a "sales market" here: a town of at least 50,000 residents (BNS 2023)
EARTH_KM = 6371.0088        # mean Earth radius (IUGG), as aimaq's network code uses
PLACE_ORDER = {"village": 0, "hamlet": 1, "isolated_dwelling": 2, "town": 3, "city": 4}


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def units():
    return {r["code"]: r for r in read_csv(os.path.join(EX, "units.csv"))}


def region_codes():
    """BNS region name (Kazakh, e.g. 'Абай', 'Астана қаласы') -> KATO code."""
    out = {}
    for c, u in units().items():
        if u["level"] != "oblast" or u["valid_to"]:
            continue
        n = u["name_kk"]
        for suffix in (" облысы", " қ."):
            if n.endswith(suffix):
                n = n[: -len(suffix)] + (" қаласы" if suffix == " қ." else "")
        out[n] = c
    return out


def bns_rows():
    """Rows of the BNS town and district-centre sheet with the region code."""
    regions = region_codes()
    rows = read_csv(BNS_TOWNS)
    for r in rows:
        if r["kind"] == "country":
            continue
        if r["region_kk"] not in regions:
            sys.exit(f"build.py: BNS region '{r['region_kk']}' has no KATO region")
        r["region_code"] = regions[r["region_kk"]]
    return [r for r in rows if r["kind"] != "country"]


def stage_names(out):
    rows = [[r["name_kk"], r["region_code"]] for r in bns_rows()
            if r["kind"] in ("district", "city_administration")]
    write_csv(os.path.join(out, "bns_districts.csv"), ["name", "parent"], rows)


def matched(path, key="row"):
    """aimaq match CSV output: row -> code of the rows it matched."""
    return {int(float(r[key])): r["code"] for r in read_csv(path) if r["status"] == "matched"}


def stage_centres(out):
    dist = matched(os.path.join(out, "bns_districts_matched.csv"))
    centres, towns = [], []
    line, k, district = 1, 1, ""
    for r in bns_rows():
        line += 1
        if r["kind"] in ("district", "city_administration"):
            k += 1                           # data line of bns_districts.csv
            district = dist.get(k, "")
            continue
        if r["kind"] == "region":
            district = ""
            continue
        if not district:
            continue                         # unmatched district: say so in the join
        if r["kind"] == "village":
            centres.append([r["name_kk"], district, r["total"], line])
        elif r["kind"] == "town" and int(r["total"]) >= MARKET_MIN_POP:
            towns.append([r["name_kk"], district, r["total"], line, r["region_code"]])
    write_csv(os.path.join(out, "bns_centres.csv"), ["name", "parent", "population", "bns_line"], centres)
    write_csv(os.path.join(out, "bns_towns.csv"), ["name", "parent", "population", "bns_line", "region"],
              towns)


def osm_points():
    with open(os.path.join(EX, "osm_places.geojson"), encoding="utf-8") as f:
        return json.load(f)["features"]


def osm_by_code(path, feats, places=None):
    """code -> the OSM feature matched to it; several points on one code:
    the most settlement-like place class, then the first row."""
    best = {}
    for row, code in matched(path).items():
        f = feats[row - 1]
        p = f["properties"]
        if places and p["place"] not in places:
            continue
        rank = (PLACE_ORDER.get(p["place"], 9), row)
        if code not in best or rank < best[code][0]:
            best[code] = (rank, f)
    return {c: v[1] for c, v in best.items()}


def km(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def osm_population(p):
    v = (p.get("population") or "").strip()
    return int(v) if v.isdigit() else None


# The BNS sheet misspells Түркістан; the OSM export has no point for Қызылорда,
# which is then placed at the centroid of its city administration's polygon in
# geoBoundaries ADM2 ("Qyzylorda", 64 x 82 km around the city: a few km off).
TOWN_ALIASES = {"түкістан": "түркістан"}
ADM2 = os.path.join(EX, "kyzylorda_adm2.geojson")
ADM2_FALLBACK = {"қызылорда": "Qyzylorda"}


def polygon_centroid(geom):
    """Area-weighted centroid of the outer rings of a (Multi)Polygon."""
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    a_sum = cx = cy = 0.0
    for poly in polys:
        ring = poly[0]
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
            c = x0 * y1 - x1 * y0
            a_sum += c
            cx += (x0 + x1) * c
            cy += (y0 + y1) * c
    return cx / (3 * a_sum), cy / (3 * a_sum)


def adm2_point(shape_name):
    with open(ADM2, encoding="utf-8") as f:
        hits = [g for g in json.load(f)["features"] if g["properties"]["shapeName"] == shape_name]
    if len(hits) != 1:
        sys.exit(f"build.py: {len(hits)} geoBoundaries ADM2 shapes named {shape_name}")
    x, y = polygon_centroid(hits[0]["geometry"])
    return {"geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]},
            "properties": {"place": "city", "source": f"geoBoundaries ADM2 {shape_name} centroid"}}


def name_key(s):
    return " ".join((s or "").casefold().replace("ё", "е").split())


def market_points(out, feats):
    """Markets: BNS towns of 50,000+ and the three cities of republican
    significance, located at the OSM city or town point of the same name
    (case-folded; name, name:kk or name:ru) in the same region (the region
    aimaq match found the point in). Returns [(code, name, feature)], and
    the names of the towns without a point."""
    region_of = {int(r["row"]): r["parent"] for r in read_csv(os.path.join(out, "osm_settlement.csv"))}
    towns = matched(os.path.join(out, "bns_towns_matched.csv"))
    bns_t = read_csv(os.path.join(out, "bns_towns.csv"))
    wanted = [(towns.get(i + 2, ""), t["name"], t["region"]) for i, t in enumerate(bns_t)]
    wanted += [(r["region_code"], r["name_kk"], r["region_code"]) for r in bns_rows()
               if r["kind"] == "region" and r["name_kk"].endswith(" қаласы")]
    found, missing = [], []
    for code, name, region in wanted:
        k = name_key(name)
        for suffix in (" қаласы", " қ."):
            if k.endswith(suffix):
                k = k[: -len(suffix)]
        k = TOWN_ALIASES.get(k, k)
        pts = [f for i, f in enumerate(feats) if f["properties"]["place"] in ("city", "town")
               and region_of.get(i + 1) == region
               and k in (name_key(f["properties"].get(a)) for a in ("name", "name:kk", "name:ru"))]
        if pts:
            found.append((code, name, pts[0]))
        elif k in ADM2_FALLBACK:
            found.append((code, name, adm2_point(ADM2_FALLBACK[k])))
        else:
            missing.append(name)
    return found, missing


def stage_join(out):
    u = units()
    feats = osm_points()
    # settlements located by OSM (aimaq match, settlement level, within region)
    located = osm_by_code(os.path.join(out, "osm_settlement.csv"), feats)
    # BNS district centres (villages) matched to KATO settlements
    bns_c = read_csv(os.path.join(out, "bns_centres.csv"))
    centre_pop = {}
    for row, code in matched(os.path.join(out, "bns_centres_matched.csv")).items():
        centre_pop[code] = int(bns_c[row - 2]["population"])
    markets, missing = market_points(out, feats)
    rows = []
    for code in sorted(located):
        unit = u.get(code)
        if not unit or unit["level"] != "settlement" or unit["kind"] not in ("village", "other"):
            continue                         # towns and urban settlements are not rural
        f = located[code]
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        best = min(markets, key=lambda m: km(lon, lat, *m[2]["geometry"]["coordinates"][:2]))
        dist = km(lon, lat, *best[2]["geometry"]["coordinates"][:2])
        if code in centre_pop:
            pop, src, role = centre_pop[code], "BNS 2023-01-01", "district_centre"
        else:
            op = osm_population(p)
            pop, src, role = op, ("OSM population tag (year unknown)" if op is not None else ""), "village"
        rows.append([code, unit["name_kk"], unit["name_ru"], code[:2] + "0000000", code[:4] + "00000",
                     f"{lon:.7f}", f"{lat:.7f}", p["osm_id"], p["place"], role,
                     "" if pop is None else pop, src, f"{dist:.3f}", best[0], best[1]])
    write_csv(os.path.join(out, "settlements.csv"),
              ["code", "name_kk", "name_ru", "region", "district", "lon", "lat", "osm_id", "osm_place",
               "role", "population", "population_source", "distance_to_market_km", "market_code",
               "market_name"], rows)
    print(f"build.py: {len(rows)} rural settlements located; {len(centre_pop)} district centres with "
          f"BNS population; {sum(1 for r in rows if r[11].startswith('OSM'))} with an OSM population "
          f"tag; {sum(1 for r in rows if r[10] == '')} without population; {len(markets)} markets (no OSM point: {', '.join(missing) or 'none'})",
          file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("names", "centres", "join"):
        sys.exit("usage: build.py names|centres|join OUTDIR")
    {"names": stage_names, "centres": stage_centres, "join": stage_join}[sys.argv[1]](sys.argv[2])
