# import_repeats.sh -- repeated unit, indicator and period in a file: each
# repeat rejects its row (and takes back the row's other values), reported in
# file order, the same on SQLite and on PostgreSQL, where observations are
# written in pipelined batches of 2,000 values (src/import_obs.c) and a batch
# holding a repeat is rolled back and written value by value. The files here
# cross batch boundaries so that repeats fall inside, across and after them.
. tests/cli/lib.inc
DB=$(new_store repeats.db) || { finish; exit 1; }

# 1,500 units under one region.
{
  echo "code,parent,level,name_en"
  echo "R,,region,Region"
  for i in $(seq 1 1500); do echo "U$i,R,district,District $i"; done
} > "$T/units.csv"
expect 0 "$AIMAQ" import "$T/units.csv" --db "$DB"

# Long shape: 2 indicators x 1,500 units = 3,000 values (lines 2-3001), with
# - line 120 repeating line 60 (inside the first batch),
# - line 150 a bad period (a reject found while reading, after that repeat),
# - line 2,990 repeating line 12 (second batch, its key stored by the first).
awk 'BEGIN { print "code,indicator,period,value"
  for (i = 1; i <= 1500; i++) { print "U" i ",a,2023," i; print "U" i ",b,2023," i + 0.5 } }' > "$T/long.csv"
awk -F, 'NR == 60 { dup1 = $0 } NR == 12 { dup2 = $0 }
  NR == 120 { print dup1; next } NR == 150 { $3 = "20x3"; print $1 "," $2 "," $3 "," $4; next }
  NR == 2990 { print dup2; next } { print }' "$T/long.csv" > "$T/long_bad.csv"
expect 2 "$AIMAQ" import "$T/long_bad.csv" --db "$DB"
has "$T/err" "3 rows rejected, nothing imported"
# File order: 120, 150, 2990 (the repeat at 120 is found only when written).
eq "$(grep -o 'line [0-9]*' "$T/err" | tr '\n' ' ')" "line 120 line 150 line 2990 " "rejects in file order"
has "$T/err" "line 120: duplicate: unit, indicator and period 2023 appear earlier in the file (unit 'U30';"
expect 0 "$AIMAQ" import "$T/long_bad.csv" --db "$DB" --skip-bad-rows --rejects "$T/rej.csv" --dataset long
has "$T/out" "3000 read, 2997 accepted, 3 rejected"
has "$T/out" "observations: 2997"
eq "$(cut -d, -f2 "$T/rej.csv" | tr '\n' ' ')" "line 120 150 2990 " "rejects file in file order"
expect 0 "$AIMAQ" export --db "$DB" --indicator a,b --format csv
eq "$(grep -c '' "$T/out")" "1501" "units with values (header + 1500)"
# the replaced row 150 (U75 a 2023) is absent; the repeats kept their first value
has "$T/out" "U30,,,District 30,R,district,2023,30,30.5"
has "$T/out" "U75,,,District 75,R,district,2023,,75.5"

# Wide shape: 1,200 rows x 2 columns (2,400 values). Row 700 (line 701)
# repeats row 600's unit: its c is new (row 600 has no c) and is stored, then
# its d repeats, so the row is rejected and its c taken back: 1,198 x 2 + 1.
awk 'BEGIN { print "code,period,c,d"
  for (i = 1; i <= 1200; i++) {
    if (i == 600) print "U600,2024,,6";
    else if (i == 700) print "U600,2024,1,2";
    else print "U" i ",2024," i "," i * 2 } }' > "$T/wide.csv"
expect 0 "$AIMAQ" import "$T/wide.csv" --db "$DB" --skip-bad-rows --rejects "$T/rejw.csv" --dataset wide
has "$T/out" "1200 read, 1199 accepted, 1 rejected"
has "$T/out" "observations: 2397"
has "$T/rejw.csv" "wide.csv,701,d,\"duplicate: unit, indicator and period 2024 appear earlier in the file (unit 'U600';"
expect 0 "$AIMAQ" export --db "$DB" --indicator c,d --format csv
has "$T/out" "U600,,,District 600,R,district,2024,,6"
hasnt "$T/out" "U700,"
eq "$(dbq "$DB" "SELECT count(*) FROM observations o JOIN datasets d ON d.id = o.dataset_id WHERE d.name = 'wide'")" "2397" "stored wide values"
finish
