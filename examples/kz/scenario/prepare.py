#!/usr/bin/env python3
"""prepare.py -- builds settlements.csv, the settlement table of the
Kazakhstan scenario (plan.yaml), from the example's real data. Standard
library only; run from the repository root:

    build/aimaq match examples/kz/osm_places.geojson --to-level settlement \
        --within region --db STORE --format csv --output OUT/osm_settlement.csv
    python3 examples/kz/scenario/prepare.py OUT/osm_settlement.csv ../shared/data

(STORE: a store with the KATO units and region boundaries, as
examples/kz/run.sh builds.) `aimaq match` is used only for the region that
contains each point (its `parent` column).

One row per OpenStreetMap place point (examples/kz/osm_places.geojson,
9,899 points), less the points in no region of Kazakhstan (the export
reaches into Russia, China and Uzbekistan). Columns:
  id          OSM node id ("geoBoundaries ADM2 Qyzylorda" for the one city
              without an OSM point, placed at its ADM2 polygon's centroid)
  name        OSM name (name, else name:kk, else name:ru; may be empty)
  lon, lat    WGS84
  place       OSM place class (city, town, village, hamlet, isolated_dwelling)
  class       regional_centre  the 17 region centres and the 3 cities of
                               republican significance (REGION_CENTRES)
              district_centre  the district centres of the BNS 2023 bulletin
                               (sheet 03: under each district, its village
                               row, else its first town or settlement row)
              town             other towns and settlements of the bulletin,
                               and OSM city/town points it does not list
              village, hamlet, isolated_dwelling   the OSM class
  region      KATO code of the region whose boundary contains the point
  pop         people: the BNS 2023-01-01 count for places of the bulletin;
              else the OSM population tag (year unknown); else EMPTY
  pop_source  bns_2023, osm_tag, or empty (unknown: the plan must say what
              it assumes)
  grp_pc_2022 GRP per capita of the region in 2022, thousand tenge (BNS,
              examples/kz/grp_per_capita.csv)
No number is invented here; matches of bulletin names to points are by
exact (normalised) name within the region, and the unmatched are listed
in unmatched_bns.csv.

A second mode joins the potential classes of examples/kz/potential onto
this table, for plan_potential.yaml; it reads settlements.csv and writes
only settlements_potential.csv (or OUTPUT):

    python3 examples/kz/scenario/prepare.py --potential POTENTIAL_DIR [OUTPUT]

POTENTIAL_DIR is the output of examples/kz/potential/run.sh (out/kz/potential
after examples/kz/run.sh): its settlements.csv gives each KATO code its OSM
node (osm_id), its potential.csv the class of each code. The output is
settlements.csv with one more column:
  potential   high, medium, low, uninhabited or excluded as `aimaq potential`
              classed the KATO settlement whose OSM point this row is (2 of
              the 23 indicators of the 2025 methodology: an illustration);
              unclassified for every other row (towns, cities, and OSM
              points the potential example could not tie to a KATO code)
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EX = os.path.dirname(HERE)

# Region code -> (BNS region name, Kazakh name of its centre). Centres of
# the regions after the 2022 reform; the three cities are their own centre.
REGION_CENTRES = {
    "100000000": ("Абай", "Семей"), "110000000": ("Ақмола", "Көкшетау"),
    "150000000": ("Ақтөбе", "Ақтөбе"), "190000000": ("Алматы", "Қонаев"),
    "230000000": ("Атырау", "Атырау"), "270000000": ("Батыс Қазақстан", "Орал"),
    "310000000": ("Жамбыл", "Тараз"), "330000000": ("Жетісу", "Талдықорған"),
    "350000000": ("Қарағанды", "Қарағанды"), "390000000": ("Қостанай", "Қостанай"),
    "430000000": ("Қызылорда", "Қызылорда"), "470000000": ("Маңғыстау", "Ақтау"),
    "550000000": ("Павлодар", "Павлодар"), "590000000": ("Солтүстік Қазақстан", "Петропавл"),
    "610000000": ("Түркістан", "Түркістан"), "620000000": ("Ұлытау", "Жезқазған"),
    "630000000": ("Шығыс Қазақстан", "Өскемен"), "710000000": ("Астана қаласы", "Астана"),
    "750000000": ("Алматы қаласы", "Алматы"), "790000000": ("Шымкент қаласы", "Шымкент"),
}
# Bulletin spellings that differ from every OSM name of the place
ALIASES = {"Түкістан қаласы": "Түркістан"}  # a typo in the bulletin (sheet 03)
# Bulletin places with no OSM point at all, placed at the centroid of their
# city administration's polygon in geoBoundaries ADM2 (as
# examples/kz/potential does): Kyzylorda, 64 x 82 km around the city, so the
# point is a few km off. Their id says where the point comes from.
ADM2_FALLBACK = {"қызылорда": "Qyzylorda"}
SUFFIXES = (" қаласы", " қ.ә.", " қ.", " к.", " а.", " с.")
# Latin letters OSM mappers typed inside Cyrillic words (kz-settlements-osm/SOURCE.md)
LATIN = str.maketrans({"i": "і", "a": "а", "Y": "Ү", "H": "Н", "o": "о", "e": "е", "c": "с"})


def norm(s):
    s = " ".join((s or "").split())
    for suf in SUFFIXES:
        if s.endswith(suf):
            s = s[: -len(suf)]
    return s.translate(LATIN).lower().replace("ё", "е")


def adm2_point(shared, shape_name):
    """Area-weighted centroid of the outer rings of the one ADM2 shape named so."""
    with open(os.path.join(shared, "kz-boundaries", "geoBoundaries-KAZ-ADM2.geojson"), encoding="utf-8") as f:
        hits = [g for g in json.load(f)["features"] if g["properties"]["shapeName"] == shape_name]
    if len(hits) != 1:
        sys.exit(f"prepare.py: {len(hits)} geoBoundaries ADM2 shapes named {shape_name}")
    geom = hits[0]["geometry"]
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    a = cx = cy = 0.0
    for poly in polys:
        ring = poly[0]
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
            c = x0 * y1 - x1 * y0
            a += c
            cx += (x0 + x1) * c
            cy += (y0 + y1) * c
    return round(cx / (3 * a), 7), round(cy / (3 * a), 7)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def bns_places(shared):
    """Bulletin rows of towns, settlements and district-centre villages:
    (region code, name, kind, total, is_district_centre)."""
    rows = read_csv(os.path.join(shared, "kz-population",
                                 "population_by_town_and_district_centre_2023-01-01.csv"))
    code_of = {v[0]: k for k, v in REGION_CENTRES.items()}
    out, district = [], None
    for r in rows:
        kind = r["kind"]
        if kind in ("country", "region", "city_administration"):
            district = None
            if kind == "region" and r["region_kk"] in ("Астана қаласы", "Алматы қаласы", "Шымкент қаласы"):
                out.append([code_of[r["region_kk"]], r["name_kk"], "town", int(r["total"]), False])
            continue
        if kind == "district":
            district = {"villages": [], "towns": []}
            district_rows.append(district)
            continue
        rec = [code_of[r["region_kk"]], r["name_kk"], kind, int(r["total"]), False]
        out.append(rec)
        if district is not None:
            district["villages" if kind == "village" else "towns"].append(rec)
    for d in district_rows:
        centre = d["villages"][0] if d["villages"] else (d["towns"][0] if d["towns"] else None)
        if centre:
            centre[4] = True
    return out


district_rows = []


def join_potential(potdir, output):
    """Writes settlements.csv plus a `potential` column (see the header)."""
    code_of = {}
    for r in read_csv(os.path.join(potdir, "settlements.csv")):
        if r["osm_id"] in code_of:
            sys.exit(f"prepare.py: OSM node {r['osm_id']} stands for two KATO codes in {potdir}")
        code_of[r["osm_id"]] = r["code"]
    cls = {r["id"]: r["class"] for r in read_csv(os.path.join(potdir, "potential.csv"))}
    with open(os.path.join(HERE, "settlements.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    counts = {}
    with open(output, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(rows[0] + ["potential"])
        for r in rows[1:]:
            code = code_of.get(r[0])
            c = cls[code] if code else "unclassified"
            counts[c] = counts.get(c, 0) + 1
            w.writerow(r + [c])
    print(f"{output}: {len(rows) - 1} places; potential classes:", counts)


def main():
    if len(sys.argv) in (3, 4) and sys.argv[1] == "--potential":
        join_potential(sys.argv[2], sys.argv[3] if len(sys.argv) == 4
                       else os.path.join(HERE, "settlements_potential.csv"))
        return
    if len(sys.argv) != 3:
        sys.exit("usage: prepare.py OSM_SETTLEMENT_MATCH.csv SHARED_DATA_DIR")
    match = read_csv(sys.argv[1])
    shared = sys.argv[2]
    feats = json.load(open(os.path.join(EX, "osm_places.geojson"), encoding="utf-8"))["features"]
    assert len(match) == len(feats)
    grp = {r["code"]: r["grp_pc_kzt_thousand"] for r in read_csv(os.path.join(EX, "grp_per_capita.csv"))
           if r["year"] == "2022"}
    rows = []
    outside = 0
    for m, f in zip(match, feats):
        p = f["properties"]
        if not m["parent"]:
            outside += 1  # in no region of Kazakhstan: the export reaches over the border
            continue
        lon, lat = f["geometry"]["coordinates"][:2]
        pop = p.get("population")
        name = p.get("name") or p.get("name:kk") or p.get("name:ru") or ""
        rows.append({
            "id": p["osm_id"], "name": name, "lon": lon, "lat": lat, "place": p["place"],
            "class": p["place"] if p["place"] in ("village", "hamlet", "isolated_dwelling") else "town",
            "region": m["parent"], "pop": int(pop) if pop else "",
            "pop_source": "osm_tag" if pop else "",
            "names": {norm(p.get(k)) for k in ("name", "name:kk", "name:ru") if p.get(k)},
        })
    rank = {"city": 0, "town": 1, "village": 2, "hamlet": 3, "isolated_dwelling": 4}
    unmatched = []
    centres = {code: norm(c) for code, (_, c) in REGION_CENTRES.items()}
    for code, name, kind, total, is_dc in bns_places(shared):
        key = norm(ALIASES.get(name, name))
        cands = []
        # Kazakh short forms of Russian town names: Степногор -> Степногорск
        for k in (key, key + "ск", key + "ка"):
            cands = cands or [r for r in rows if r["region"] == code and k in r["names"]
                              and r["pop_source"] != "bns_2023"]  # one bulletin row per point
        if not cands and key in ADM2_FALLBACK:
            lon, lat = adm2_point(shared, ADM2_FALLBACK[key])
            rows.append({"id": "geoBoundaries ADM2 " + ADM2_FALLBACK[key], "name": name, "lon": lon,
                         "lat": lat, "place": "city", "class": "town", "region": code, "pop": "",
                         "pop_source": "", "names": {key}})
            cands = [rows[-1]]
        if not cands:
            unmatched.append([code, name, kind, total])
            continue
        # several points of one name: the highest OSM place class, then the
        # largest tagged population
        best = min(cands, key=lambda r: (rank[r["place"]], -(r["pop"] or 0) if r["pop_source"] == "osm_tag" else 0))
        best["pop"], best["pop_source"] = total, "bns_2023"
        if centres.get(code) == key and kind == "town":
            best["class"] = "regional_centre"
        elif best["class"] != "regional_centre":
            best["class"] = "district_centre" if is_dc else "town"
    found = {r["region"] for r in rows if r["class"] == "regional_centre"}
    for code in REGION_CENTRES:
        if code not in found:
            print("warning: no regional centre found for", code, file=sys.stderr)
    cols = ["id", "name", "lon", "lat", "place", "class", "region", "pop", "pop_source", "grp_pc_2022"]
    with open(os.path.join(HERE, "settlements.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            r["grp_pc_2022"] = grp.get(r["region"], "")
            w.writerow([r[c] for c in cols])
    with open(os.path.join(HERE, "unmatched_bns.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "name_kk", "kind", "population_2023"])
        w.writerows(unmatched)
    n = len(rows)
    print(f"{n} places; classes:",
          {c: sum(r['class'] == c for r in rows) for c in sorted({r['class'] for r in rows})},
          f"; population from BNS {sum(r['pop_source'] == 'bns_2023' for r in rows)},"
          f" OSM tag {sum(r['pop_source'] == 'osm_tag' for r in rows)},"
          f" unknown {sum(r['pop_source'] == '' for r in rows)};"
          f" bulletin places not found: {len(unmatched)}; left out, outside Kazakhstan's regions: {outside}")


if __name__ == "__main__":
    main()
