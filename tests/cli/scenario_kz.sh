# scenario_kz.sh -- the Kazakhstan scenario (examples/kz/scenario/plan.yaml) on
# the example's real data, without road data: straight-line times. Every value
# below was recomputed without aimaq by examples/kz/scenario/verify.py
# (standard-library Python: haversine, nearest centre, relocation, weighted
# Theil); the max/min ratio before the plan, 11.95 (Atyrau / Turkestan), is the
# 2022 ratio published in ../shared/data/kz-grp-per-capita/SOURCE.md.
. tests/cli/lib.inc
P=examples/kz/scenario/plan.yaml
row() { grep -e "^\"\?$1\"\?," "$T/out" | head -1; }

expect 0 "$AIMAQ" scenario $P --format csv
has "$T/out" "metric,before,after,change"
# Every output says the times are estimates.
has "$T/out" "note: straight-line times (not road times): circuity,1.3,1.3,0"
has "$T/out" "note: straight-line times (not road times): km/h,60,60,0"
has "$T/err" "travel times are straight-line estimates (great-circle km x 1.3 at 60 km/h), not road times"
# The declared assumption for the places nobody counted is reported.
eq "$(row 'note: settlements with assumed population')" "note: settlements with assumed population,6077,6077,0" "assumed places"
eq "$(row 'note: people assumed .declared in the plan.')" "note: people assumed (declared in the plan),1626393,1626393,0" "assumed people"
has "$T/err" "6077 settlement(s) have no population"
eq "$(row 'settlements inhabited')" "settlements inhabited,9480,7711,-1769" "inhabited"
eq "$(row 'population')" "population,18308275,18308275,0" "population kept"
eq "$(row 'people moved')" "people moved,0,136940,136940" "moved"
eq "$(row 'district or regional centre: people within 30 min')" "district or regional centre: people within 30 min,14570020,14706960,136940" "DC 30"
eq "$(row 'district or regional centre: people within 60 min')" "district or regional centre: people within 60 min,16359469,16496409,136940" "DC 60"
eq "$(row 'regional centre: people within 30 min')" "regional centre: people within 30 min,10751192,10765962,14770" "RC 30"
eq "$(row 'regional centre: people within 60 min')" "regional centre: people within 60 min,12320830,12347911,27081" "RC 60"
has "$T/out" "district or regional centre: mean minutes,18.42087450763"
has "$T/out" "regional centre: mean minutes,70.32893676405"
has "$T/out" "grp_pc_2022: Theil T,0.175450069761211"
has "$T/out" ",0.152586060701778"
has "$T/out" "grp_pc_2022: max/min ratio,11.9476612034932"
has "$T/out" ",9.36130518103699"
eq "$(row 'class hamlet: population')" "class hamlet: population,510718,383469,-127249" "hamlets"
eq "$(row 'class district_centre: population')" "class district_centre: population,2391095,2516356,125261" "district centres"
eq "$(row 'class regional_centre: population')" "class regional_centre: population,9512798,9524477,11679" "regional centres"
# 671 remote places have no centre within 2 hours and stay, named.
has "$T/err" "671 settlement(s) with 46622 people have no 'district_centre/regional_centre' settlement within 120 minutes and stay"

# A road change needs roads.
sed 's/^changes:/changes:\n  - road: {from: 1, to: 2, minutes: 5}/' $P > "$T/road.yaml"
cp examples/kz/scenario/settlements.csv "$T/"
expect 2 "$AIMAQ" scenario "$T/road.yaml"
has "$T/err" "a road change needs a road network"
# A service selection naming no column; missing populations without a
# declared assumption are refused, not taken as zero.
sed 's/where: {class: regional_centre}/where: {klass: regional_centre}/' $P > "$T/where.yaml"
expect 2 "$AIMAQ" scenario "$T/where.yaml"
has "$T/err" "service 'regional centre': the settlement table has no column 'klass'"
sed 's/values: {village: 789, hamlet: 127, isolated_dwelling: 11}/values: {village: 789}/' $P > "$T/assume.yaml"
expect 2 "$AIMAQ" scenario "$T/assume.yaml"
has "$T/err" "settlements.csv: line 2: population is missing"
finish
