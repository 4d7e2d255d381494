# complexity.sh -- aimaq complexity against the Stata ground truth that
# py-ecomplexity tests with (tests/data/complexity/SOURCE.md): every column
# at py-ecomplexity's tolerances, the values the issue names, periods, the
# shapes and formats, the other methods and the messages for bad tables.
. tests/cli/lib.inc
D=tests/data/complexity
F=$D/stata_ground_truth_1995.csv
ARGS="--unit origin --activity hs92 --value export_val --period year"
# near CSV KEYCOL KEY COLUMN WANT RTOL: the cell of the first row whose
# KEYCOL-th field is KEY, in COLUMN, is WANT within relative RTOL.
near() {
  got=$(awk -F, -v kc="$2" -v r="$3" -v c="$4" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
        $kc == r { print $k; exit }' "$1")
  if awk -v g="$got" -v w="$5" -v t="$6" 'BEGIN { d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w; exit !(g != "" && d <= t * a + 1e-12) }'
  then ok; else bad "$1: $3/$4 = '$got', wanted $5"; fi
}

# Every column of the 300 rows, at py-ecomplexity's tolerances.
expect 0 "$AIMAQ" complexity $F $ARGS --format csv
cp "$T/out" "$T/gt.csv"
has "$T/out" "unit,activity,period,value,rca,M,density,eci,pci,diversity,ubiquity,coi,cog"
if python3 tests/cli/complexity_compare.py $F "$T/gt.csv" > "$T/cmp" 2>&1; then ok; else bad "Stata ground truth: $(cat "$T/cmp")"; fi
has "$T/cmp" "300 rows, 9 columns compared, 0 differences"
# Ten countries are too few for stable proximities: the warning says so.
has "$T/err" "proximities from 10 units are unstable"

# The values the issue names (first row of aut is 1704; deu by unit).
near "$T/gt.csv" 1 aut eci 1.073207217992253 1e-5
near "$T/gt.csv" 1 deu eci 1.200861157616729 1e-5
near "$T/gt.csv" 1 aut rca 0.5708342888507129 1e-5
near "$T/gt.csv" 1 aut density 0.4625 1e-4
near "$T/gt.csv" 1 aut pci -1.470491886427003 1e-5
near "$T/gt.csv" 1 aut coi -0.99401217 1e-4
near "$T/gt.csv" 1 aut cog -0.62481815 1e-4

# Periods are computed each on its own: the same rows as year 2000 give the
# same answers in both periods.
{ cat $F; awk -F, 'NR > 1 { $1 = 2000; print }' OFS=, $F; } > "$T/two.csv"
expect 0 "$AIMAQ" complexity "$T/two.csv" $ARGS --format csv
eq "$(wc -l < "$T/out")" 601 "rows of two periods"
grep -E '^[a-z]+,[0-9]+,2000,' "$T/out" | sed 's/,2000,/,1995,/' | { echo "unit,activity,period,value,rca,M,density,eci,pci,diversity,ubiquity,coi,cog"; cat; } > "$T/y2000.csv"
if python3 tests/cli/complexity_compare.py $F "$T/y2000.csv" > "$T/cmp" 2>&1; then ok; else bad "period 2000: $(cat "$T/cmp")"; fi
has "$T/err" "period 2000: proximities"

# JSON: rows, units and activities.
expect 0 "$AIMAQ" complexity $F $ARGS --format json
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(d) == ["activities", "rows", "units"], sorted(d)
assert len(d["rows"]) == 300 and len(d["units"]) == 10 and len(d["activities"]) == 30
aut = [u for u in d["units"] if u["unit"] == "aut"][0]
assert abs(aut["eci"] - 1.073207217992253) < 1e-5 and aut["diversity"] == 14 and aut["period"] == 1995, aut
p = [a for a in d["activities"] if a["activity"] == "1704"][0]
assert abs(p["pci"] + 1.470491886427003) < 1e-5 and p["ubiquity"] == 6, p
' "$T/out"; then ok; else bad "json layout"; fi

# Next activities: three per unit, none present yet, best first.
expect 0 "$AIMAQ" complexity $F $ARGS --next 3 --format csv
has "$T/out" "unit,period,rank,activity,density,pci,cog,rca,score"
eq "$(grep -c '^aut,1995,' "$T/out")" 3 "next activities of aut"
if awk -F, 'NR > 1 && $8 >= 1 { exit 1 }' "$T/out"; then ok; else bad "a next activity is already present (rca >= 1)"; fi
if awk -F, 'NR > 1 { if ($1 == u && $9 > s + 1e-12) exit 1; u = $1; s = $9 }' "$T/out"; then ok; else bad "next activities not ranked by score"; fi

# The other methods run and agree on the order at the extremes: pol has
# the lowest ECI, and deu ranks above pol by every method.
for m in reflections fitness; do
  expect 0 "$AIMAQ" complexity $F $ARGS --method $m --format csv
  if awk -F, 'NR > 1 { e[$1] = $8 } END { exit !(e["deu"] > e["pol"]) }' "$T/out"; then ok; else bad "$m: deu not above pol"; fi
done
# Fitness is of mean 1 over the units.
expect 0 "$AIMAQ" complexity $F $ARGS --method fitness --format csv
if awk -F, 'NR > 1 && !($1 in s) { s[$1] = $8; n++; t += $8 } END { exit !(n == 10 && t / n > 0.999999 && t / n < 1.000001) }' "$T/out"; then ok; else bad "fitness mean is not 1"; fi
# A higher threshold: fewer presences, diversity of aut falls.
expect 0 "$AIMAQ" complexity $F $ARGS --rca-threshold 2 --format csv
near "$T/out" 1 aut diversity 3 0
expect 0 "$AIMAQ" complexity $F $ARGS --proximity asymmetric --format csv
expect 0 "$AIMAQ" complexity $F $ARGS --proximity continuous --format csv
expect 0 "$AIMAQ" complexity $F $ARGS --presence bounded --format csv

# The wide shape (a column per activity) gives the long shape's answers.
python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
acts = sorted({r["hs92"] for r in rows}); units = sorted({r["origin"] for r in rows})
v = {(r["origin"], r["hs92"]): r["export_val"] for r in rows}
w = csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n")
w.writerow(["unit", "year"] + ["p" + a for a in acts])
for u in units: w.writerow([u, 1995] + [v[u, a] for a in acts])
' $F "$T/wide.csv"
expect 0 "$AIMAQ" complexity "$T/wide.csv" --format csv
near "$T/out" 1 aut eci 1.073207217992253 1e-5
near "$T/out" 2 p1704 pci -1.470491886427003 1e-5

# From the store: the activities are indicators (the wide shape), the
# units the store's codes.
{ head -1 "$T/wide.csv" | sed 's/^unit,year,/code,name,level,period,/'
  tail -n +2 "$T/wide.csv" | awk -F, -v OFS=, '{ u = $1; $1 = ""; $2 = ""; print u "," toupper(u) ",region,1995," substr($0, 3) }'; } > "$T/imp.csv"
DB=$(new_store cx.db)
expect 0 "$AIMAQ" import "$T/imp.csv" --db "$DB"
IND=$(head -1 "$T/wide.csv" | cut -d, -f3-)
expect 0 "$AIMAQ" complexity --db "$DB" --indicator "$IND" --level region --format csv
near "$T/out" 1 aut eci 1.073207217992253 1e-5
near "$T/out" 1 deu cog -0.7732798363316228 1e-4

# Bad tables: a repeated unit and activity, a negative value, no column.
{ cat $F; sed -n 2p $F; } > "$T/dup.csv"
expect 2 "$AIMAQ" complexity "$T/dup.csv" $ARGS
has "$T/err" "dup.csv:302: unit 'aut', activity '1704', period 1995 appears again (first on line 2)"
sed '3s/,132991888,/,-5,/' $F > "$T/neg.csv"
expect 2 "$AIMAQ" complexity "$T/neg.csv" $ARGS
has "$T/err" "neg.csv:3: column 'export_val': -5 is negative; RCA needs values >= 0"
expect 2 "$AIMAQ" complexity $F --unit origin --activity product --value export_val
has "$T/err" "no activity column 'product' (the columns are year, origin, hs92, export_val"
expect 1 "$AIMAQ" complexity $F $ARGS --method spectral
has "$T/err" "--method must be eigen, reflections or fitness, not 'spectral'"
expect 1 "$AIMAQ" complexity $F $ARGS --rca-threshold 0
# Missing values are 0, with a warning naming the first line.
sed '4s/,93940336,/,,/' $F > "$T/miss.csv"
expect 0 "$AIMAQ" complexity "$T/miss.csv" $ARGS --format csv
has "$T/err" "1 missing values read as 0 (the first on line 4)"
finish
