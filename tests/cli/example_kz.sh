# example_kz.sh -- the README's main job on the shipped Kazakhstan data, with
# its results checked against the published figures.
. tests/cli/lib.inc
expect 0 sh examples/kz/run.sh "$AIMAQ"
cp "$T/out" "$T/run.out"
has "$T/run.out" "15596 read, 15596 accepted, 0 rejected"
has "$T/err" "aimaq check: 0 errors"
# Planning regions: 12 contiguous groups of districts, each >= 400,000 people
has "$T/run.out" "units: 153, variables: 1, regions: 12 of 12 asked"
has "$T/run.out" "floor: population >= 400000"
has out/kz/planning_regions.geojson '"region": 12'

# Max/min ratio of regional GRP per capita, as computed in
# ../shared/data/kz-grp-per-capita/SOURCE.md from the BNS series.
R=out/kz/grp_ratio_by_year.csv
has "$R" "2008,16,3626,Atyrau Region,310.4,South Kazakhstan Region,11.68"
has "$R" ",9.33"
has "$R" "2015,16,7171.2,Atyrau Region,891.1,South Kazakhstan Region,8.05"
has "$R" "2018,17,12465.5,Atyrau Region,838.2,Turkistan Region,14.87"
has "$R" ",10.12"
has "$R" "2022,20,19974.1,Atyrau Region,1671.8,Turkistan Region,11.95"

# The store's figures: run.sh's file, or on PostgreSQL the same imports
# into a database of this run.
KZ=out/kz/kz.db
if on_pg; then
  KZ=$(new_store kz.db) || { finish; exit 1; }
  E=examples/kz
  expect 0 "$AIMAQ" import $E/units.csv --db "$KZ" --dataset "KATO NK RK 11-2025"
  expect 0 "$AIMAQ" import $E/reforms.csv --db "$KZ" --dataset "Territorial reforms 2018 and 2022"
  expect 0 "$AIMAQ" import $E/population_region_2023.csv --db "$KZ" --map $E/population.map.yaml
  expect 0 "$AIMAQ" import $E/grp_per_capita.csv --db "$KZ" --map $E/grp_per_capita.map.yaml
fi
# The 20 regions add up to the Republic's 19,765,004 (BNS, 2023-01-01).
expect 0 "$AIMAQ" export --db "$KZ" --indicator population --level region --format csv
eq "$(awk -F, 'NR > 1 { s += $8 } END { print s }' "$T/out")" "19765004" "sum of regional population"

# Rebasing 2017 GRP-weighted counts across the 2018 split: South Kazakhstan's
# population-like counts go to Turkestan and Shymkent by their shares.
expect 0 "$AIMAQ" units rebase --db "$KZ" --indicator grp_pc_kzt_thousand --period 2017 --date 2022 --rate --format csv
has "$T/out" "610000000,1097.7,1"
has "$T/out" "790000000,1097.7,1"
has "$T/out" "100000000,2289.5,1"
has "$T/out" "630000000,2289.5,1"
# ... and a count is divided: 2017 population-like value 1000 of South
# Kazakhstan would go 66.01 % to Turkestan (shares in examples/kz/reforms.csv).
eq "$(grep -c . "$T/out")" "22" "units on the 2022 basis (header + country + 20 regions)"

# GDAL's own ogrinfo opens what aimaq wrote.
expect 0 ogrinfo -so -al out/kz/regions.gpkg
has "$T/out" "Feature Count: 21" # 20 current regions + South Kazakhstan (until 2018)
has "$T/out" "Geometry: Unknown (any)"
"$AIMAQ" export --db out/kz/kz.db --indicator grp_pc_kzt_thousand,population --level region --format csv > "$T/rows.csv"
expect 0 ogrinfo -so -al out/kz/regions.xlsx
has "$T/out" "Feature Count: $(($(wc -l < "$T/rows.csv") - 1))"
expect 0 ogrinfo -so -al out/kz/osm_places_matched.geojson
has "$T/out" "Feature Count: 9899"
has "$T/run.out" "Атырауская область"

# The BNS workbook as published goes into this store with no mapping file
# (a copy on SQLite: the outputs above stay as run.sh left them), its
# regions found by name among all 15,596 units, and its annual values are
# those run.sh imported from the clean CSV (tests/cli/bns.sh has the rest).
KB=$KZ
if ! on_pg; then cp out/kz/kz.db "$T/kz_bns.db"; KB=$T/kz_bns.db; fi
expect 0 "$AIMAQ" import "tests/data/bns/6. ВРП на душу населения.xlsx" --layer 'тыс.тенге' --indicator grp_pc --db "$KB"
has "$T/out" "rows: 22 read, 22 accepted, 0 rejected"
eq "$(dbq "$KB" "SELECT count(*) FROM observations a JOIN indicators ia ON ia.id = a.indicator_id AND ia.code = 'grp_pc'
                 JOIN observations b ON b.unit_id = a.unit_id AND b.period = a.period
                 JOIN indicators ib ON ib.id = b.indicator_id AND ib.code = 'grp_pc_kzt_thousand'
                 WHERE abs(round(a.value * 10) - round(b.value * 10)) < 0.5")" "263" "the workbook's annual values are the CSV's"
finish
