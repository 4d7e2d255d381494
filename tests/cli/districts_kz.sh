# districts_kz.sh -- district boundaries in the Kazakhstan example: the
# spatial commands on --level district name the districts without a
# boundary and stop, or with --skip-missing-geometry leave them out with a
# note (examples/kz/districts.geojson: 153 of the 209 KATO districts; the
# 2023 BNS population of 204 of them).
. tests/cli/lib.inc
E=examples/kz
DB=$(new_store districts.db) || { finish; exit 1; }
expect 0 "$AIMAQ" import $E/units.csv --db "$DB"
expect 0 "$AIMAQ" import $E/districts.geojson --db "$DB"
has "$T/out" "0 added, 153 updated"
expect 0 "$AIMAQ" import $E/population_district_2023.csv --db "$DB" --map $E/population.map.yaml
SEL="--db $DB --level district --indicator population --period 2023"

# without the option: exit 2, the districts without a boundary named
expect 2 "$AIMAQ" lisa $SEL --value population --weights queen
has "$T/err" "aimaq: error: 51 of 204 units have no geometry: 101000000 Семей Қ.Ә., 101800000 Курчатов Қ.Ә., 103400000 Ақсуат ауданы,"
has "$T/err" "and 41 more; give --skip-missing-geometry to leave them out"

# with it: the 153 districts with a boundary, a note naming the others
expect 0 "$AIMAQ" lisa $SEL --value population --weights queen --id code --skip-missing-geometry --format csv
has "$T/err" "aimaq: note: 51 of 204 units have no geometry: 101000000 Семей Қ.Ә.,"
has "$T/err" "left out (--skip-missing-geometry): the analysis covers the other 153"
eq "$(($(wc -l < "$T/out") - 1))" 153 "lisa rows"
has "$T/out" "id,value,lag,Ii,EIi,VIi,z,z_sim,p_sim,quadrant,cluster"
has "$T/out" "117000000,71414," # Бурабай, BNS 2023-01-01
hasnt "$T/out" "101000000,"      # Семей Қ.Ә.: no boundary
# a map of real districts
expect 0 "$AIMAQ" lisa $SEL --value population --weights queen --id code --skip-missing-geometry --output "$T/lisa.geojson"
expect 0 ogrinfo -so -al "$T/lisa.geojson"
has "$T/out" "Feature Count: 153"

# the other spatial commands share the loader
for cmd in moran geary getis local-g; do
  expect 0 "$AIMAQ" $cmd $SEL --value population --weights queen --skip-missing-geometry
  has "$T/err" "the analysis covers the other 153"
  expect 2 "$AIMAQ" $cmd $SEL --value population --weights queen
  has "$T/err" "give --skip-missing-geometry to leave them out"
done
expect 0 "$AIMAQ" weights $SEL --weights queen --skip-missing-geometry
has "$T/out" '"n": 153'
has "$T/err" "the analysis covers the other 153"
expect 2 "$AIMAQ" weights $SEL --weights queen
# weights that need no geometry are not affected
expect 0 "$AIMAQ" moran $SEL --value population --weights block:parent
hasnt "$T/err" "no geometry"
finish
