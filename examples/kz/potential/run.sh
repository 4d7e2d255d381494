#!/bin/sh
# run.sh -- the 2025 potential methodology (methods/kz-snp-potential-2025.yaml)
# on the real data of the Kazakhstan example: builds settlements.csv (see
# README.md for every column and its origin) and scores it with
# `aimaq potential --allow-missing`, which says which indicators the data lacks.
# Usage: sh examples/kz/potential/run.sh [AIMAQ] [OUTDIR] [STORE]
# STORE: a store holding the KATO units and region boundaries (examples/kz/run.sh
# makes one); without it a small one is built in OUTDIR.
set -eu
cd "$(dirname "$0")/../../.."
AQ=${1:-build/aimaq}
OUT=${2:-out/kz/potential}
DB=${3:-}
E=examples/kz
P=$E/potential
mkdir -p "$OUT"
if [ -z "$DB" ]; then
    DB=$OUT/kato.db
    rm -f "$DB" "$DB-wal" "$DB-shm"
    "$AQ" import $E/units.csv --db "$DB" --dataset "KATO NK RK 11-2025" >/dev/null
    "$AQ" import $E/regions.geojson --db "$DB" --dataset "Region boundaries (OpenStreetMap)" >/dev/null
fi
m() { "$AQ" match "$@" --db "$DB" --format csv 2>>"$OUT/match.log"; }
: >"$OUT/match.log"
# OpenStreetMap places -> KATO settlements by name within the region containing them
m $E/osm_places.geojson --to-level settlement --within region --output "$OUT/osm_settlement.csv"
# BNS 2023 district rows -> KATO districts; their centres and towns of 50,000+ -> KATO
python3 $P/build.py names "$OUT"
m "$OUT/bns_districts.csv" --to-level district --output "$OUT/bns_districts_matched.csv"
python3 $P/build.py centres "$OUT"
m "$OUT/bns_centres.csv" --to-level settlement --output "$OUT/bns_centres_matched.csv"
m "$OUT/bns_towns.csv" --to-level rural_district --output "$OUT/bns_towns_matched.csv"
python3 $P/build.py join "$OUT"
"$AQ" potential "$OUT/settlements.csv" --method methods/kz-snp-potential-2025.yaml --allow-missing \
    --format csv --output "$OUT/potential.csv"
"$AQ" potential "$OUT/settlements.csv" --method methods/kz-snp-potential-2025.yaml --allow-missing \
    --format json --output "$OUT/potential.json" 2>/dev/null
# The same as points (from lon/lat) for the report's class map, and the
# class summary in the founding text's form for its table.
"$AQ" potential "$OUT/settlements.csv" --method methods/kz-snp-potential-2025.yaml --allow-missing \
    --format geojson --output "$OUT/potential.geojson" 2>/dev/null
"$AQ" potential "$OUT/settlements.csv" --method methods/kz-snp-potential-2025.yaml --allow-missing \
    --summary --format csv --output "$OUT/classes.csv" 2>/dev/null
"$AQ" potential "$OUT/settlements.csv" --method methods/kz-snp-potential-2025.yaml --allow-missing \
    --summary 2>/dev/null
