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

# Potential classes recomputed with a methodology (tests/data/network/
# potential.yaml: min-max of pop and income, one pillar each, high from 50,
# uninhabited when pop == 0). Before: scores S1 100, S2 33.33, S3 0, S4
# 36.67 -> high S1 (1000), low S2 S3 S4 (1050). After (S2's 500 to S1;
# income of R2 x 1.05^2): S1 100, S3 8.33, S4 49.45 -> high S1 (1500), low
# S3 S4 (550), S2 uninhabited.
sed 's/^services:/potential: {method: potential.yaml}\nservices:/' $D/plan.yaml > "$T/pp.yaml"
for f in edges.csv scenario_settlements.csv hospitals.csv potential.yaml; do cp $D/$f "$T/"; done
expect 0 "$AIMAQ" scenario "$T/pp.yaml" --format csv
eq "$(row 'potential (recomputed) uninhabited: settlements')" "potential (recomputed) uninhabited: settlements,0,1,1" "recomputed uninhabited"
eq "$(row 'potential (recomputed) high: population')" "potential (recomputed) high: population,1000,1500,500" "recomputed high"
eq "$(row 'potential (recomputed) low: settlements')" "potential (recomputed) low: settlements,3,2,-1" "recomputed low"
eq "$(row 'potential (recomputed) low: population')" "potential (recomputed) low: population,1050,550,-500" "recomputed low people"
eq "$(row 'potential (recomputed) excluded: settlements')" "potential (recomputed) excluded: settlements,0,0,0" "excluded row kept"
sed 's/^services:/potential: {allow_missing: true}\nservices:/' $D/plan.yaml > "$T/pp2.yaml"
expect 2 "$AIMAQ" scenario "$T/pp2.yaml"
has "$T/err" "potential: needs method: FILE"
sed 's/code: income/code: schools/' $D/potential.yaml > "$T/potential.yaml"
expect 2 "$AIMAQ" scenario "$T/pp.yaml"
has "$T/err" "schools"
sed 's/^services:/potential: {method: potential.yaml, allow_missing: true}\nservices:/' $D/plan.yaml > "$T/pp3.yaml"
expect 0 "$AIMAQ" scenario "$T/pp3.yaml" --format csv
has "$T/out" "potential (recomputed) uninhabited: settlements,0,1,1"

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

# Settlements from the store, straight-line times (no roads): B (200 people,
# 52.86 minutes from A) moves to A. Mean minutes to the centre at A, worked
# out in Python (haversine, R = 6371.0088 km, x 1.3 at 60 km/h): before
# (0*100 + 52.8598*200 + 178.5756*300 + 1086.9317*50) / 650 = 182.2942074994644,
# after 166.0296447979539.
# A small store (tests/data/small_store): four settlements with points, two
# districts with polygons (centroids (76, 43) and (80, 50)), population in
# 2022 and 2023, income; on this run's engine.
DB=$(small_store s.db) || { finish; exit 1; }
cat > "$T/sp.yaml" <<'YAML'
network:
  straight_line: {circuity: 1.3, kmh: 60}
settlements: {level: settlement, period: 2023, population: population, indicator: income, class: parent}
services:
  centre: {where: {code: A}}
changes:
  - relocate: {settlements: [B], to_class: D1, within: 60}
YAML
expect 0 "$AIMAQ" scenario "$T/sp.yaml" --db "$DB" --format csv
eq "$(row 'people moved')" "people moved,0,200,200" "store: moved"
eq "$(row 'centre: people within 30 min')" "centre: people within 30 min,100,300,200" "store: within 30"
has "$T/out" "centre: mean minutes,182.29420749946"
has "$T/out" ",166.02964479795"
eq "$(row 'class D1: population')" "class D1: population,300,300,0" "store: D1 keeps its people"
has "$T/out" "note: straight-line times (not road times): circuity,1.3"
expect 2 "$AIMAQ" scenario "$T/sp.yaml"
has "$T/err" "settlements need file: FILE, or level: LEVEL with a store"
sed 's/period: 2023, //' "$T/sp.yaml" > "$T/sp2.yaml"
expect 1 "$AIMAQ" scenario "$T/sp2.yaml" --db "$DB"
has "$T/err" "periods 2022 and 2023"
finish
