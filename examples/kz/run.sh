#!/bin/sh
# run.sh -- the main job on the shipped Kazakhstan example: build a store from
# the official classifier, boundaries, population and GRP per capita, check
# it, match OpenStreetMap places to KATO settlements, and print the regional
# summary. Outputs go to out/kz/. Usage: sh examples/kz/run.sh [AIMAQ_BINARY]
set -eu
cd "$(dirname "$0")/../.."
AQ=${1:-build/aimaq}
OUT=out/kz
DB=$OUT/kz.db
mkdir -p "$OUT"
rm -f "$DB" "$DB-wal" "$DB-shm"
E=examples/kz
step() { printf '\n== %s\n' "$*"; }

step "Import: KATO classifier (NK RK 11-2025), reforms, region and district boundaries, population 2023, GRP per capita 2008-2022"
"$AQ" import $E/units.csv --db "$DB" --dataset "KATO NK RK 11-2025"
"$AQ" import $E/reforms.csv --db "$DB" --dataset "Territorial reforms 2018 and 2022"
"$AQ" import $E/regions.geojson --db "$DB" --dataset "Region boundaries (OpenStreetMap)"
"$AQ" import $E/districts.geojson --db "$DB" --dataset "District boundaries (geoBoundaries ADM2, matched to KATO)"
"$AQ" import $E/population_region_2023.csv --db "$DB" --map $E/population.map.yaml
"$AQ" import $E/population_district_2023.csv --db "$DB" --map $E/population.map.yaml
"$AQ" import $E/grp_per_capita.csv --db "$DB" --map $E/grp_per_capita.map.yaml

step "Check the store (errors would stop here)"
"$AQ" check --db "$DB"

step "Match OpenStreetMap places to KATO settlements, by name within the region that contains them"
"$AQ" match $E/osm_places.geojson --to-level settlement --within region --db "$DB" --output $OUT/osm_places_matched.geojson

step "Regional summary"
"$AQ" summary --db "$DB" --value grp_pc_kzt_thousand --population population --exclude 000000000 --lang "${AIMAQ_LANG:-ru}"

step "Outputs"
"$AQ" export --db "$DB" --what units --level region --output $OUT/regions.gpkg
"$AQ" export --db "$DB" --indicator grp_pc_kzt_thousand,population --level region --output $OUT/regions.xlsx
"$AQ" summary --db "$DB" --value grp_pc_kzt_thousand --exclude 000000000 --format csv --output $OUT/grp_ratio_by_year.csv
echo "store: $DB; files: $OUT/regions.gpkg, $OUT/regions.xlsx, $OUT/grp_ratio_by_year.csv, $OUT/osm_places_matched.geojson"

step "Planning regions: the 153 districts with a boundary grouped into 12 contiguous regions of at least 400,000 people (SKATER; kNN links join the parts that the missing city boundaries leave apart)"
"$AQ" regions --db "$DB" --level district --indicator population --period 2023 --vars population \
    --weights knn:5 --id code --skip-missing-geometry --k 12 --floor population:400000 \
    --output $OUT/planning_regions.geojson 2>/dev/null

step "Scenario (illustrative plan, straight-line times: no road data): remote hamlets to district centres, faster growth in the lagging regions"
"$AQ" scenario $E/scenario/plan.yaml --output $OUT/scenario.csv
"$AQ" scenario $E/scenario/plan.yaml 2>/dev/null

step "Potential of rural settlements (2025 criteria, order No. 50) on the 2 of its 23 indicators public data gives: see examples/kz/potential/README.md"
sh $E/potential/run.sh "$AQ" "$OUT/potential" "$DB"

step "Report: maps (GRP per capita, clusters, the potential classes above), charts, provenance"
"$AQ" report --db "$DB" --lang "${AIMAQ_LANG:-kk}" --method methods/kz-snp-potential-2025.yaml \
    --class-map $OUT/potential/potential.geojson --class-summary $OUT/potential/classes.csv -o $OUT/report.html

step "Scenario by potential class (illustration: classes on 2 of 23 indicators, straight-line times): remote low-potential settlements to high-potential ones or district centres"
# The classes just computed, joined onto the scenario's settlements by OSM node;
# the plan runs next to them, and a difference from the committed copy is reported.
SP=$OUT/scenario_potential
mkdir -p "$SP"
python3 $E/scenario/prepare.py --potential "$OUT/potential" "$SP/settlements_potential.csv"
cp $E/scenario/plan_potential.yaml "$SP/"
cmp -s "$SP/settlements_potential.csv" $E/scenario/settlements_potential.csv ||
    echo "note: the potential classes differ from examples/kz/scenario/settlements_potential.csv (rerun prepare.py --potential to update it)"
"$AQ" scenario "$SP/plan_potential.yaml" --output $OUT/scenario_potential.csv
"$AQ" scenario "$SP/plan_potential.yaml" 2>/dev/null
