# scenario.sh -- aimaq scenario on the made-up plan tests/data/network/plan.yaml:
# before/after values worked out by hand, and the messages for bad plans.
. tests/cli/lib.inc
D=tests/data/network
row() { grep -F -- "$1," "$T/out" | head -1; }

expect 0 "$AIMAQ" scenario $D/plan.yaml --format csv
has "$T/out" "metric,before,after,change"
eq "$(row 'settlements inhabited')" "settlements inhabited,4,3,-1" "inhabited"
eq "$(row 'people moved')" "people moved,0,500,500" "moved: S2 (500) to S1"
# Hospital at node 10 before: S1 10 min, S2 20, S4 0, S3 in another part.
# After the road 40-50 and a hospital at 60: S3 is 7 minutes away.
eq "$(row 'hospital: people within 30 min')" "hospital: people within 30 min,1800,2050,250" "within 30"
eq "$(row 'hospital: people unreachable')" "hospital: people unreachable,250,0,-250" "unreachable"
has "$T/out" "hospital: mean minutes,11.11111111111111"
has "$T/out" "income: max/min ratio,2.5,2.267573696145124"
eq "$(row 'class low: population')" "class low: population,750,250,-500" "low class"
# S3 has no high-potential settlement within 30 minutes: it stays, named.
has "$T/err" "1 settlement(s) with 250 people have no 'high' settlement within 30 minutes and stay: S3 (250)"

# A plan naming an unknown settlement, node or service.
for f in edges.csv scenario_settlements.csv hospitals.csv; do cp $D/$f "$T/"; done
sed 's/- relocate: {class: low,/- relocate: {settlements: [S2, S9],/' $D/plan.yaml > "$T/p1.yaml"
expect 2 "$AIMAQ" scenario "$T/p1.yaml"
has "$T/err" "line 16: the plan names settlement 'S9', which is not in the settlement table"
sed 's/from: 40, to: 50/from: 40, to: 77/' $D/plan.yaml > "$T/p2.yaml"
expect 2 "$AIMAQ" scenario "$T/p2.yaml"
has "$T/err" "node '77' is not in the network"
sed 's/service: hospital, node: 60/service: clinic, node: 60/' $D/plan.yaml > "$T/p3.yaml"
expect 2 "$AIMAQ" scenario "$T/p3.yaml"
has "$T/err" "no service 'clinic'"
printf 'network: [1, 2\n' > "$T/bad.yaml"
expect 2 "$AIMAQ" scenario "$T/bad.yaml"
expect 1 "$AIMAQ" scenario
finish
