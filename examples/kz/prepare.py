#!/usr/bin/env python3
"""Derives the shipped Kazakhstan example (examples/kz/*.csv, *.geojson) from
the public datasets in ../shared/data. Standard library only; deterministic.
Run from the repository root:  python3 examples/kz/prepare.py ../shared/data

What is derived and how is written in examples/kz/SOURCE.md. Nothing here
changes a value: files are re-keyed on KATO codes, renamed and filtered.
districts.geojson is derived by districts.py instead, which needs aimaq and
the store that run.sh builds (its name matching decides the codes).
"""
import csv
import json
import shutil
import os
import sys
import unicodedata

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
OUT = os.path.dirname(os.path.abspath(__file__))
EDITION = "NK RK 11-2025"

# KATO code of each first-level unit -> (OSM relation id in OSMB-KZ_obl.geojson,
# English name as in population_by_region_2023-01-01.csv). Written out by hand
# because the three files spell the names differently (checked one by one).
REGIONS = {
    "100000000": (85126, "Abai Region"), "110000000": (85115, "Akmola Region"),
    "150000000": (85101, "Aktobe Region"), "190000000": (85102, "Almaty Region"),
    "230000000": (85104, "Atyrau Region"), "270000000": (85122, "West Kazakhstan Region"),
    "310000000": (85105, "Jambyl Region"), "330000000": (85127, "Jetisu Region"),
    "350000000": (85106, "Karaganda Region"), "390000000": (85109, "Kostanay Region"),
    "430000000": (85107, "Kyzylorda Region"), "470000000": (85117, "Mangystau Region"),
    "550000000": (85111, "Pavlodar Region"), "590000000": (85112, "North Kazakhstan Region"),
    "610000000": (85116, "Turkistan Region"), "620000000": (85128, "Ulytau Region"),
    "630000000": (85103, "East Kazakhstan Region"), "710000000": (85123, "Astana city"),
    "750000000": (85124, "Almaty city"), "790000000": (85125, "Shymkent city"),
}
COUNTRY = "000000000"
SOUTH_KAZAKHSTAN = "510000000"  # retired in 2018, still in the GRP series
# Regions created by reforms: KATO code -> date the new unit began (Presidential
# decrees of 19 June 2018 and 3 May 2022, in force 8 June 2022).
VALID_FROM = {"610000000": "2018-06-19", "790000000": "2018-06-19",
              "100000000": "2022-06-08", "330000000": "2022-06-08", "620000000": "2022-06-08"}


def key(s):
    s = unicodedata.normalize("NFC", s).replace("\u00a0", " ").casefold()
    return " ".join(s.split())


def kind_of(level, name_ru):
    n = name_ru.strip()
    if n.startswith("г.") or n.endswith("Г.А."):
        return "city" if level != "district" else "city_administration"
    if level == "district":
        return "district"
    if "район" in n:
        return "city_district"
    if n.endswith("с.о.") or n.endswith("а.о."):
        return "rural_okrug"
    if n.endswith("п.о.") or n.startswith("п."):
        return "settlement_okrug" if level == "sub_district" else "urban_settlement"
    if n.startswith("с.") or n.startswith("а."):
        return "village"
    return "region" if level == "oblast" else "other"


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main():
    kato = list(csv.DictReader(open(f"{SRC}/kz-kato/kato.csv", encoding="utf-8")))
    codes = {r["kato"] for r in kato}
    osmb = json.load(open(f"{SRC}/kz-boundaries/OSMB-KZ_obl.geojson", encoding="utf-8"))
    osm_by_id = {f["properties"]["id"]: f for f in osmb["features"]}
    name_en = {c: osm_by_id[i]["properties"]["name"] for c, (i, _) in REGIONS.items()}

    # units.csv: the country, KATO 2025 and the retired South Kazakhstan region.
    units = [[COUNTRY, "", "country", "country", "Қазақстан Республикасы", "Республика Казахстан",
              "Kazakhstan", "", "", ""]]
    for r in kato:
        c, level = r["kato"], r["level"]
        if level == "oblast":
            parent = COUNTRY
        else:
            # The nearest existing ancestor: okrug, district, then region
            # (districts of the three cities are okrug-level codes).
            cands = [c[:6] + "000", c[:4] + "00000", c[:2] + "0000000"]
            parent = next(p for p in cands if p != c and p in codes and
                          (level != "sub_district" or p != c[:6] + "000"))
        units.append([c, parent, level, kind_of(level, r["name_ru"]), r["name_kk"], r["name_ru"],
                      name_en.get(c, ""), VALID_FROM.get(c, ""), "", EDITION])
    units.append([SOUTH_KAZAKHSTAN, COUNTRY, "oblast", "region", "Оңтүстік Қазақстан облысы",
                  "Южно-Казахстанская область", "South Kazakhstan Region", "", "2018-06-19", "GK RK 11-2009"])
    write("units.csv", ["code", "parent", "level", "kind", "name_kk", "name_ru", "name_en", "valid_from",
                        "valid_to", "classifier"], units)

    # population_region_2023.csv
    pop = {r["Region"]: r for r in csv.DictReader(open(f"{SRC}/kz-population/population_by_region_2023-01-01.csv"))}
    rows = [[COUNTRY, "2023", *(pop["The Republic of Kazakhstan"][k] for k in ("Total", "Males", "Females"))]]
    for c, (_, en) in REGIONS.items():
        rows.append([c, "2023", *(pop[en][k] for k in ("Total", "Males", "Females"))])
    write("population_region_2023.csv", ["code", "period", "population", "population_male", "population_female"], rows)

    # population_district_2023.csv: districts and city administrations matched
    # to KATO district codes by Kazakh name within their region.
    region_of_kk = {}
    for c in REGIONS:
        nk = next(r["name_kk"] for r in kato if r["kato"] == c)
        base = key(nk.replace(" облысы", "").replace(" қ.", ""))
        # Cities are written "Алматы қаласы"; the bare name is the region.
        region_of_kk[base + " қаласы" if nk.endswith(" қ.") else base] = c
    districts = {}
    for r in kato:
        city_district = r["level"] == "sub_district" and r["kato"][:2] in ("71", "75", "79")
        if r["level"] == "district" or city_district:
            districts.setdefault((r["kato"][:2], key(r["name_kk"])), r["kato"])
    # Spellings of the 2023 bulletin that differ from KATO 2025 (checked by hand).
    aliases = {"приозер қ.ә.": "приозерск қ.ә.", "ақтау қ.ә.": "ақтау г.а.",
               "ғабит мүсірепов ауданы": "ғабит мүсірепов атын.ауданы", "сарқант ауданы": "сарқан ауданы",
               "түркісіб ауданы": "түрксіб ауданы"}
    rows, unmatched = [], []
    for r in csv.DictReader(open(f"{SRC}/kz-population/population_by_district_2023-01-01.csv", encoding="utf-8")):
        if r["kind"] not in ("district", "city_administration"):
            continue
        reg = region_of_kk[key(r["region_kk"])]
        nk = key(r["name_kk"])
        c = districts.get((reg[:2], aliases.get(nk, nk)))
        if c is None:
            unmatched.append(f'{r["region_kk"]} / {r["name_kk"]}')
            continue
        rows.append([c, reg, "2023", r["total"], r["urban"], r["rural"]])
    write("population_district_2023.csv", ["code", "region_code", "period", "population", "population_urban",
                                           "population_rural"], rows)
    print("districts not in KATO 2025 by name:", "; ".join(unmatched) or "none")

    # grp_per_capita.csv: the official series, keyed on KATO.
    rows = [[r["kato"], r["year"], r["grp_pc_kzt_thousand"], r["grp_pc_usd"], r["region_ru"]]
            for r in csv.DictReader(open(f"{SRC}/kz-grp-per-capita/grp_per_capita_by_region_2008_2022.csv", encoding="utf-8"))]
    write("grp_per_capita.csv", ["code", "year", "grp_pc_kzt_thousand", "grp_pc_usd", "region_ru"], rows)

    # regions.geojson: OSM boundaries with their KATO code (coordinates unchanged).
    feats = []
    for c, (i, _) in REGIONS.items():
        f = osm_by_id[i]
        p = f["properties"]
        feats.append({"type": "Feature", "properties": {"code": c, "name_en": p["name"], "name_kk": p["local_name"],
                                                        }, "geometry": f["geometry"]})
    with open(os.path.join(OUT, "regions.geojson"), "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f, ensure_ascii=False, separators=(",", ":"))
    print(f"regions.geojson: {len(feats)} features")

    # reforms.csv: who took how much of whom. Shares are population shares:
    # 2018 from the 2020 figures of Turkestan region and Shymkent city (the
    # first figures after the split), 2022 from the 2023 figures of the new
    # regions and what stayed with their old ones.
    p20 = {r["region"]: int(r["value"]) for r in csv.DictReader(open(f"{SRC}/kz-population/regions-total-2020.csv", encoding="utf-8"))}
    tur, shy = p20["Туркестанская"], p20["город Шымкент"]
    p23 = {c: int(pop[en]["Total"]) for c, (_, en) in REGIONS.items()}
    rows = [[SOUTH_KAZAKHSTAN, "610000000", "2018-06-19", round(tur / (tur + shy), 4)],
            [SOUTH_KAZAKHSTAN, "790000000", "2018-06-19", round(shy / (tur + shy), 4)]]
    for old, new in (("630000000", "100000000"), ("190000000", "330000000"), ("350000000", "620000000")):
        moved = p23[new] / (p23[new] + p23[old])
        rows += [[old, new, "2022-06-08", round(moved, 4)], [old, old, "2022-06-08", round(1 - moved, 4)]]
    write("reforms.csv", ["from", "to", "date", "share"], rows)

    # For examples/kz/potential: the BNS towns and district centres (copied
    # unchanged), and the one geoBoundaries ADM2 polygon it needs (Kyzylorda's
    # city administration: the OSM export has no point for the city).
    shutil.copyfile(f"{SRC}/kz-population/population_by_town_and_district_centre_2023-01-01.csv",
                    os.path.join(OUT, "population_town_2023.csv"))
    adm2 = json.load(open(f"{SRC}/kz-boundaries/geoBoundaries-KAZ-ADM2.geojson", encoding="utf-8"))
    kyz = [g for g in adm2["features"] if g["properties"]["shapeName"] == "Qyzylorda"]
    with open(os.path.join(OUT, "kyzylorda_adm2.geojson"), "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": kyz}, f, ensure_ascii=False, separators=(",", ":"))
    print(f"population_town_2023.csv, kyzylorda_adm2.geojson: {len(kyz)} feature")


if __name__ == "__main__":
    main()
