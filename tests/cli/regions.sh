# regions.sh -- aimaq regions (SKATER, SCHC, REDCAP) on Guerry's 85
# departments against the values rgeoda's and pygeoda's tests publish
# (tests/data/guerry/SOURCE.md), compared on objective values, not labels;
# islands, the floor, outputs and the messages for bad input.
. tests/cli/lib.inc
G=tests/data/guerry/guerry.gpkg
V=Crime_pers,Crime_prop,Literacy,Donations,Infants,Suicides
I=tests/data/regions

# rgeoda tests/testthat/test-clustering.R "skater": skater(5, queen_w, data)
# ratio 0.3763086809; pygeoda test_REDCAP_firstsingle 0.3763086808858706.
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --format json
has "$T/out" '"ratio": 0.376308680885870'
has "$T/out" '"total_ss": 504.0000000000'
has "$T/out" '"k": 5,'
cp "$T/out" "$T/skater.json"
# rgeoda "schc": schc(5, queen_w, data, "average") 0.2147711255
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --method schc --linkage average --format json
has "$T/out" '"ratio": 0.21477112549'
# pygeoda test_REDCAP_full*: single 0.33931921310113483, complete
# 0.39420885009615186, average 0.3854425827224785, ward 0.42268567324507456
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --method redcap --linkage single --format json
has "$T/out" '"ratio": 0.339319213101135'
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --method redcap --linkage complete --format json
has "$T/out" '"ratio": 0.394208850096152'
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --method redcap --format json
has "$T/out" '"linkage": "average"'
has "$T/out" '"ratio": 0.385442582722478'
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --method redcap --linkage ward --format json
has "$T/out" '"ratio": 0.422685673245074'
# rgeoda "spatial_validation" on skater(6, ...): join count ratios and
# diameters (steps) of the six regions, largest first (29 ... 4 units).
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 6 --format json
has "$T/out" '{"region": 1, "size": 29, "within_ss": 103.930058167184'
has "$T/out" '"join_ratio": 0.8571428571428571, "diameter": 7}'
has "$T/out" '"size": 28, "within_ss": 84.6261080863'
has "$T/out" '"join_ratio": 0.89230769230769236, "diameter": 7}'
has "$T/out" '"join_ratio": 0.58461538461538465, "diameter": 4}'
has "$T/out" '"join_ratio": 0.54545454545454541, "diameter": 3}'
has "$T/out" '"join_ratio": 0.38461538461538464, "diameter": 3}'
has "$T/out" '"join_ratio": 0.66666666666666663, "diameter": 2}'

# deterministic: the same partition on every run and for any thread count
OMP_NUM_THREADS=1 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --format json > "$T/s1.json"
eq "$(cmp -s "$T/s1.json" "$T/skater.json" && echo same)" same "skater with 1 and 2 threads"

# the floor: 10% of Pop1831 (rgeoda's min_bound 3236.67); every region
# reaches it, and asking for more regions than the floor allows says so.
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --floor Pop1831:3236.67 --format json
has "$T/out" '"floor_limited": false'
has "$T/out" '"ratio": 0.350874424'
awk -F'"floor_total": ' 'NF > 1 { split($2, a, ","); if (a[1] + 0 < 3236.67) bad = 1 } END { exit bad }' "$T/out"
eq "$?" 0 "every floor total >= 3236.67"
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 20 --floor Pop1831:3236.67
has "$T/out" "regions: 7 of 20 asked"
has "$T/err" "warning: only 7 regions of the 20 asked for"

# max-p and AZP are seeded heuristics whose published values (rgeoda's
# azp_greedy 0.3598541, pygeoda's maxp_greedy 0.44574207) depend on
# libgeoda's random draws (Boost's generator): aimaq asserts what does not,
# the floor, a seed giving one partition for any thread count, and --k.
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --method maxp --floor Pop1831:3236.67 --seed 1 --format json
has "$T/out" '"seed": 1'
has "$T/out" '"k_requested": 0'
awk -F'"floor_total": ' 'NF > 1 { split($2, a, ","); if (a[1] + 0 < 3236.67) bad = 1 } END { exit bad }' "$T/out"
eq "$?" 0 "max-p: every floor total >= 3236.67"
cp "$T/out" "$T/m2.json"
OMP_NUM_THREADS=1 "$AIMAQ" regions $G --vars $V --weights queen --method maxp --floor Pop1831:3236.67 --seed 1 --format json > "$T/m1.json"
eq "$(cmp -s "$T/m1.json" "$T/m2.json" && echo same)" same "maxp with 1 and 2 threads"
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --method azp --k 5 --seed 1 --format json
has "$T/out" '"k": 5,'
cp "$T/out" "$T/a2.json"
OMP_NUM_THREADS=1 "$AIMAQ" regions $G --vars $V --weights queen --method azp --k 5 --seed 1 --format json > "$T/a1.json"
eq "$(cmp -s "$T/a1.json" "$T/a2.json" && echo same)" same "azp with 1 and 2 threads"
expect 1 "$AIMAQ" regions $G --vars $V --weights queen --method maxp --k 5 --floor Pop1831:3236.67
has "$T/err" "maxp finds the number of regions itself: drop --k"
expect 1 "$AIMAQ" regions $G --vars $V --weights queen --method maxp
has "$T/err" "maxp needs --floor COL:MIN"
expect 1 "$AIMAQ" regions $G --vars $V --weights queen --method azp --k 5 --floor Pop1831:10
has "$T/err" "azp takes no --floor"

# units with their region: GeoJSON keeps the polygons, CSV the ids
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --id dept --output "$T/r.geojson"
has "$T/r.geojson" '"region": '
has "$T/r.geojson" '"type": "MultiPolygon"'
has "$T/out" "between / total: 0.3763086809"
expect 0 "$AIMAQ" regions $G --vars $V --weights queen --k 5 --id dept --format csv
has "$T/out" "id,region"
eq "$(wc -l < "$T/out" | tr -d ' ')" 86 "csv rows"

# islands: a unit without neighbours is its own region, named; fewer regions
# than separate parts of the graph is an error that says how many.
expect 0 "$AIMAQ" regions $I/islands.csv --id id --vars a,b --weights $I/islands.gal --k 4
has "$T/out" "graph: 3 connected parts, 1 island (each a region of its own: u7)"
expect 2 "$AIMAQ" regions $I/islands.csv --id id --vars a,b --weights $I/islands.gal --k 2
has "$T/err" "the contiguity graph has 3 separate parts (1 of them island units without neighbours), so no contiguous partition has fewer than 3 regions"
expect 2 "$AIMAQ" regions $I/islands.csv --id id --vars a,b --weights $I/islands.gal --k 4 --floor pop:200
has "$T/err" "holding unit 'u5' (row 5) totals 170 of the floor variable, below the floor 200"

# bad usage exits 1, bad input 2
expect 1 "$AIMAQ" regions $I/islands.csv --id id --vars a,b --weights $I/islands.gal
has "$T/err" "give --k N"
expect 1 "$AIMAQ" regions $I/islands.csv --id id --vars a,b --weights $I/islands.gal --k 3 --method kmeans
has "$T/err" "--method must be skater, schc, redcap, maxp or azp, not 'kmeans'"
expect 1 "$AIMAQ" regions $I/islands.csv --id id --vars a,b --weights $I/islands.gal --k 3 --floor pop
has "$T/err" "--floor must be COL:MIN (e.g. pop:50000), not 'pop'"
expect 1 "$AIMAQ" regions $I/islands.csv --id id --vars a,b --weights $I/islands.gal --k 3 --linkage ward
has "$T/err" "skater takes no --linkage"
expect 1 "$AIMAQ" regions $I/islands.csv --id id --vars a,b --weights $I/islands.gal --k 3 --method schc --floor pop:10
has "$T/err" "schc takes no --floor"
expect 2 "$AIMAQ" regions $I/islands.csv --id id --vars a,b --weights $I/islands.gal --k 9
has "$T/err" "--k 9 is more than the 7 units"
expect 2 "$AIMAQ" regions $I/islands.csv --id id --vars a,nope --weights $I/islands.gal --k 3
has "$T/err" "nope"
printf 'id,a,b,pop\nu1,1,1,1\nu2,2,1,1\nu3,,1,1\nu4,3,1,1\nu5,4,1,1\nu6,5,1,1\nu7,6,1,1\n' > "$T/miss.csv"
expect 2 "$AIMAQ" regions "$T/miss.csv" --id id --vars a --weights $I/islands.gal --k 3
has "$T/err" "unit u3 (row 3): column 'a' has no value"
expect 2 "$AIMAQ" regions "$T/miss.csv" --id id --vars b --weights $I/islands.gal --k 3
has "$T/err" "column 'b' has the same value for every unit"
finish
