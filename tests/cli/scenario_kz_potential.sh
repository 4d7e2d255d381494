# scenario_kz_potential.sh -- the Kazakhstan scenario by potential class
# (examples/kz/scenario/plan_potential.yaml): residents of settlements classed
# "low" by examples/kz/potential (2 of the 23 indicators of the 2025
# methodology) that are more than 60 minutes from every district or regional
# centre move to the nearest settlement classed "high", or district or
# regional centre, within 90 minutes; straight-line times. Every value below
# was recomputed without aimaq by `python3 examples/kz/scenario/verify.py
# potential` (standard-library Python: haversine, nearest receiver, weighted
# Theil); they agree to 3.4e-15 relative. Then the two plan keys this plan
# added to the engine (relocate to_where:, notes:) on the made-up network of
# tests/data/network, worked out by hand.
. tests/cli/lib.inc
P=examples/kz/scenario/plan_potential.yaml
row() { grep -e "^\"\?$1\"\?," "$T/out" | head -1; }
# rowp NAME BEFORE AFTER CHANGE: a row of real numbers, to 12 significant
# digits (the change, a difference of close numbers, to 9)
rowp() {
  got=$(row "$1" | awk -F, '{printf "%s,%.12g,%.12g,%.9g", $1, $2, $3, $4}')
  eq "$got" "$1,$2,$3,$4" "$1"
}

expect 0 "$AIMAQ" scenario $P --format csv
has "$T/out" "metric,before,after,change"
# What the table rests on, in the table: straight-line times, the assumed
# populations, and classes on 2 of the 23 indicators.
eq "$(row 'note: straight-line times (not road times): circuity')" "note: straight-line times (not road times): circuity,1.3,1.3,0" "circuity"
eq "$(row 'note: straight-line times (not road times): km/h')" "note: straight-line times (not road times): km/h,60,60,0" "km/h"
eq "$(row 'note: settlements with assumed population')" "note: settlements with assumed population,6077,6077,0" "assumed places"
eq "$(row 'note: people assumed .declared in the plan.')" "note: people assumed (declared in the plan),1626393,1626393,0" "assumed people"
eq "$(row 'note: potential classes: indicators used .of 23; an illustration.')" "note: potential classes: indicators used (of 23; an illustration),2,2,0" "2 of 23"
has "$T/err" "travel times are straight-line estimates (great-circle km x 1.3 at 60 km/h), not road times"
eq "$(row 'settlements inhabited')" "settlements inhabited,9480,9297,-183" "inhabited"
eq "$(row 'population')" "population,18308275,18308275,0" "population kept"
eq "$(row 'people moved')" "people moved,0,94047,94047" "moved"
eq "$(row 'district or regional centre: people within 30 min')" "district or regional centre: people within 30 min,14570020,14659351,89331" "DC 30"
eq "$(row 'district or regional centre: people within 60 min')" "district or regional centre: people within 60 min,16359469,16453313,93844" "DC 60"
rowp "district or regional centre: mean minutes" 18.4208745076 18.0491494078 -0.3717251
eq "$(row 'district or regional centre: people unreachable')" "district or regional centre: people unreachable,0,0,0" "DC unreachable"
eq "$(row 'high-potential settlement: people within 30 min')" "high-potential settlement: people within 30 min,12827130,12839236,12106" "high 30"
eq "$(row 'high-potential settlement: people within 60 min')" "high-potential settlement: people within 60 min,14892542,14908946,16404" "high 60"
rowp "high-potential settlement: mean minutes" 48.8998733968 48.7831127446 -0.116760652
eq "$(row 'high-potential settlement: people unreachable')" "high-potential settlement: people unreachable,0,0,0" "high unreachable"
# No growth: the max/min ratio stays; Theil T and the mean move only because
# people cross region borders.
rowp "grp_pc_2022: Theil T" 0.175450069761 0.175540945502 9.08757407e-05
eq "$(row 'grp_pc_2022: max/min ratio')" "grp_pc_2022: max/min ratio,11.94766120349324,11.94766120349324,0" "max/min unchanged"
rowp "grp_pc_2022: population-weighted mean" 5595.50580987 5596.92559 1.41978013
# Counts and people per potential class (unclassified: towns, cities and OSM
# points without a KATO settlement of the potential example).
eq "$(row 'class unclassified: settlements inhabited')" "class unclassified: settlements inhabited,4996,4996,0" "unclassified n"
eq "$(row 'class unclassified: population')" "class unclassified: population,14359014,14403911,44897" "unclassified people"
eq "$(row 'class excluded: settlements inhabited')" "class excluded: settlements inhabited,2207,2207,0" "excluded n"
eq "$(row 'class excluded: population')" "class excluded: population,980961,980961,0" "excluded people"
eq "$(row 'class high: settlements inhabited')" "class high: settlements inhabited,758,758,0" "high n"
eq "$(row 'class high: population')" "class high: population,1889016,1901122,12106" "high people"
eq "$(row 'class low: settlements inhabited')" "class low: settlements inhabited,758,575,-183" "low n"
eq "$(row 'class low: population')" "class low: population,517108,449301,-67807" "low people"
eq "$(row 'class medium: settlements inhabited')" "class medium: settlements inhabited,761,761,0" "medium n"
eq "$(row 'class medium: population')" "class medium: population,562176,572980,10804" "medium people (district centres classed medium)"
eq "$(row 'class uninhabited: settlements inhabited')" "class uninhabited: settlements inhabited,0,0,0" "uninhabited n"
eq "$(row 'class uninhabited: population')" "class uninhabited: population,0,0,0" "uninhabited people"
eq "$(wc -l < "$T/out" | tr -d ' ')" "32" "31 rows and the header, all asserted above"
# 184 remote low-potential places have no receiver within 90 minutes and stay, named.
has "$T/err" "184 settlement(s) with 117088 people have no 'high or class=district_centre/regional_centre' settlement within 90 minutes and stay"

# relocate to_where: on tests/data/network: the low S2 (500, node 30) may go
# only to region R2, i.e. S4 (node 10, 20 minutes) though the high S1 (node
# 20) is 10 minutes away; S3 (node 50, another part of the network) stays.
# Hospital mean minutes after: (1000*10 + 800*0 + 250*7) / 2050 = 5.7317...
D=tests/data/network
for f in edges.csv scenario_settlements.csv hospitals.csv; do cp $D/$f "$T/"; done
sed 's/- relocate: {class: low, to_class: high, within: 30}/- relocate: {class: low, to_where: {region: R2}, within: 30}/; s/^changes:/notes: {"made-up data": 7}\nchanges:/' $D/plan.yaml > "$T/w.yaml"
expect 0 "$AIMAQ" scenario "$T/w.yaml" --format csv
eq "$(row 'note: made-up data')" "note: made-up data,7,7,0" "plan note row"
eq "$(row 'people moved')" "people moved,0,500,500" "S2 moved"
eq "$(row 'class high: population')" "class high: population,1300,1800,500" "to S4"
has "$T/out" "hospital: mean minutes,11.11111111111111,5.7317073170731705"
has "$T/err" "1 settlement(s) with 250 people have no 'region=R2' settlement within 30 minutes and stay: S3 (250)"
# to_class or to_where: S1 (high, 10 minutes) is nearer: (1500*10 + 300*0 + 250*7) / 2050.
sed 's/to_where: {region: R2}/to_class: high, to_where: {region: R2}/' "$T/w.yaml" > "$T/w2.yaml"
expect 0 "$AIMAQ" scenario "$T/w2.yaml" --format csv
has "$T/out" "hospital: mean minutes,11.11111111111111,8.170731707317072"
has "$T/err" "no 'high or region=R2' settlement within 30 minutes"
# Bad plans: an unknown column, no receivers at all, a note that is no number.
sed 's/to_where: {region: R2}/to_where: {regio: R2}/' "$T/w.yaml" > "$T/b1.yaml"
expect 2 "$AIMAQ" scenario "$T/b1.yaml"
has "$T/err" "relocate to_where: the settlement table has no column 'regio'"
sed 's/to_where: {region: R2}, //' "$T/w.yaml" > "$T/b2.yaml"
expect 2 "$AIMAQ" scenario "$T/b2.yaml"
has "$T/err" "relocate needs to_class (the class of the settlements that receive the residents) or to_where: {COLUMN: VALUE(S)}"
sed 's/"made-up data": 7/"made-up data": seven/' "$T/w.yaml" > "$T/b3.yaml"
expect 2 "$AIMAQ" scenario "$T/b3.yaml"
has "$T/err" "'made-up data' should be a number, not 'seven'"
finish
