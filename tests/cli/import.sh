# import.sh -- aimaq import: all or nothing, every reject named, provenance kept.
. tests/cli/lib.inc
DB=$(new_store s.db) || { finish; exit 1; }
E=examples/kz

expect 0 "$AIMAQ" import $E/units.csv --db "$DB"
has "$T/out" "15596 read, 15596 accepted, 0 rejected"
has "$T/out" "units: 15596 added"

# Observations for unknown units, a bad period and a duplicate: nothing is imported.
printf 'code,year,pop\n100000000,2023,1\n999999999,2023,2\n110000000,20x3,3\n100000000,2023,4\n' > "$T/bad.csv"
expect 2 "$AIMAQ" import "$T/bad.csv" --db "$DB"
has "$T/err" "3 rows rejected, nothing imported"
has "$T/err" "line 3, column 'code': unknown unit '999999999'"
has "$T/err" "line 4, column 'year': '20x3' is not a period"
has "$T/err" "line 5, column 'pop': duplicate: unit, indicator and period 2023 appear earlier in the file"
expect 0 "$AIMAQ" datasets --db "$DB" --format csv
eq "$(wc -l < "$T/out")" "2" "datasets after a failed import (header + KATO)"
expect 2 "$AIMAQ" export --db "$DB" --indicator pop
has "$T/err" "no indicator 'pop'"

# With --skip-bad-rows the good row lands and the rejects go to a file.
expect 0 "$AIMAQ" import "$T/bad.csv" --db "$DB" --skip-bad-rows --rejects "$T/rejects.csv"
has "$T/out" "4 read, 1 accepted, 3 rejected"
has "$T/rejects.csv" "unknown unit '999999999'"
expect 0 "$AIMAQ" export --db "$DB" --indicator pop --format csv
has "$T/out" "100000000,Абай облысы,область Абай,Abay Region,000000000,region,2023,1"

# Large files are read in batches (here forced to 2 rows): the import is
# still one transaction, so a bad row in the last batch keeps every batch out.
printf 'code,year,vb\n100000000,2021,1\n110000000,2021,2\n150000000,2021,3\n190000000,2021,4\n230000000,20x1,5\n' > "$T/batches.csv"
expect 2 "$AIMAQ" import "$T/batches.csv" --db "$DB" --batch-rows 2
has "$T/err" "line 6, column 'year': '20x1' is not a period"
expect 2 "$AIMAQ" export --db "$DB" --indicator vb
has "$T/err" "no indicator 'vb'"
sed -i 's/20x1/2021/' "$T/batches.csv"
expect 0 "$AIMAQ" import "$T/batches.csv" --db "$DB" --batch-rows 2
has "$T/out" "5 read, 5 accepted, 0 rejected"
has "$T/out" "observations: 5"
# Types come from the first 1,000 rows; a batch after them cannot change
# them, and a typo there is a bad cell like any other (issue 14).
{ echo code,year,vc; awk -F, 'NR > 1 && NR <= 1101 { print $1 ",2021," NR }' $E/units.csv; echo "100000000,2020,abc"; } > "$T/batchtype.csv"
expect 2 "$AIMAQ" import "$T/batchtype.csv" --db "$DB" --batch-rows 500
has "$T/err" "1 cell rejected, nothing imported"
has "$T/err" "line 1102, column 'vc': 'abc' is not a number (expected a number like the column's other values"
# Read whole, one 'abc' among 1,100 numbers does not make the column text:
# the cell is rejected, the store unchanged.
expect 2 "$AIMAQ" import "$T/batchtype.csv" --db "$DB"
has "$T/err" "line 1102, column 'vc': 'abc' is not a number (expected a number like the column's other values"
expect 2 "$AIMAQ" export --db "$DB" --indicator vc
has "$T/err" "no indicator 'vc'"

# A year per column: one indicator, named by --indicator or the file.
printf 'code,region_ru,2008,2009,2010\n110000000,Акмолинская,641.4,700.2,798.1\n150000000,Актюбинская,1231.1,,1523.1\n' > "$T/grp_years.csv"
expect 0 "$AIMAQ" import "$T/grp_years.csv" --db "$DB"
has "$T/out" "indicator 'grp_years' with a period per column"
has "$T/out" "observations: 5"
expect 0 "$AIMAQ" export --db "$DB" --indicator grp_years --format csv
has "$T/out" "150000000,Ақтөбе облысы,Актюбинская область,Aqtöbe region,000000000,region,2010,1523.1"
hasnt "$T/out" "150000000,Ақтөбе облысы,Актюбинская область,Aqtöbe region,000000000,region,2009"

# Decimal commas, semicolons and a BOM; the period from --period.
printf '\357\273\277code;share_urban;grp\n100000000;60,8;1 234,5\n110000000;51,2;2 345,25\n' > "$T/semi.csv"
expect 0 "$AIMAQ" import "$T/semi.csv" --db "$DB" --period 2022
expect 0 "$AIMAQ" export --db "$DB" --indicator grp,share_urban --period 2022 --format json
has "$T/out" '"grp": 2345.25'
has "$T/out" '"share_urban": 60.8'

# Encodings: CP1251 is refused with advice, read with --encoding.
printf 'code,name_ru,kind\n190000000,\xc0\xeb\xec\xe0\xf2\xe8\xed\xf1\xea\xe0\xff,region\n' > "$T/cp1251.csv"
printf 'code,name_ru,level\n190000000,\xc0\xeb\xec\xe0\xf2\xe8\xed\xf1\xea\xe0\xff,region\n' > "$T/cp1251_units.csv"
expect 2 "$AIMAQ" import "$T/cp1251_units.csv" --db "$DB"
has "$T/err" "is not UTF-8 (line 2, byte 0xC0); it looks like CP1251: read it with --encoding CP1251"
expect 0 "$AIMAQ" import "$T/cp1251_units.csv" --db "$DB" --encoding CP1251
expect 0 "$AIMAQ" units --db "$DB" --level region --format csv
has "$T/out" "190000000,000000000,region,region,Алматы облысы,Алматинская"

# Structural errors.
: > "$T/empty.csv"
expect 2 "$AIMAQ" import "$T/empty.csv" --db "$DB"
has "$T/err" "is empty"
printf 'name,pop\nA,1\n' > "$T/nocode.csv"
expect 2 "$AIMAQ" import "$T/nocode.csv" --db "$DB" --period 2020
has "$T/err" "has no code column"
printf 'code,pop\n100000000,1\n' > "$T/noperiod.csv"
expect 2 "$AIMAQ" import "$T/noperiod.csv" --db "$DB"
has "$T/err" "has no period or year column: give --period"
printf 'code,parent,level\nX1,NOPE,district\nX2,,planet\nX1,,district\n' > "$T/units_bad.csv"
expect 2 "$AIMAQ" import "$T/units_bad.csv" --db "$DB"
has "$T/err" "line 4, column 'code': duplicate code 'X1' (first on line 2)"
has "$T/err" "line 3, column 'level': unknown level 'planet'; levels are country, region, district, rural_district, settlement"
has "$T/err" "parent 'NOPE' of unit 'X1' is neither in the file nor in the store"

# Mapping files: errors name the line.
printf 'columns:\n  code: code\n  colour: x\n' > "$T/bad.map.yaml"
expect 2 "$AIMAQ" import "$T/semi.csv" --db "$DB" --map "$T/bad.map.yaml"
has "$T/err" "mapping '$T/bad.map.yaml' line 3: unknown role 'colour'"
printf 'columns: {code: kato}\n' > "$T/absent.map.yaml"
expect 2 "$AIMAQ" import "$T/semi.csv" --db "$DB" --map "$T/absent.map.yaml" --period 2022
has "$T/err" "column 'kato' (role code) is not in"

# A store that is not aimaq's (on this run's engine), and one that cannot
# be written (a read-only file: SQLite's by nature, a file in both runs).
OTHER=$(new_store other.db) && dbq "$OTHER" 'CREATE TABLE t(x INTEGER)'
expect 2 "$AIMAQ" import "$T/semi.csv" --db "$OTHER" --period 2022
if on_pg; then
  has "$T/err" "holds tables but is not an aimaq store"
else
  has "$T/err" "is an SQLite database but not an aimaq store"
fi
if [ "$(id -u)" != 0 ]; then
  if on_pg; then
    printf 'code,level\n100000000,region\n' > "$T/ro_units.csv"
    "$AIMAQ" import "$T/ro_units.csv" --db "$T/ro.db" > /dev/null
  else
    cp "$DB" "$T/ro.db"
  fi
  chmod 0444 "$T/ro.db"
  expect 2 "$AIMAQ" import "$T/semi.csv" --db "$T/ro.db" --period 2022
  has "$T/err" "cannot write the store"
fi
expect 2 "$AIMAQ" datasets --db "$T/none.db"
has "$T/err" "no store at '$T/none.db'"
expect 1 "$AIMAQ" import
has "$T/err" "import: give one FILE"

# One bad cell never sinks a column (issue 14): a wide table of two
# indicators over three regions with one typo. Without --skip-bad-rows the
# import fails whole; with it, every good cell is stored (5 of 6, counted
# in the store) and the bad one alone goes to the rejects file.
printf 'code,year,bc_pop,bc_area\n100000000,2023,610189,185.5\n110000000,2023,78797l,146.2\n150000000,2023,928185,300.6\n' > "$T/badcell.csv"
expect 2 "$AIMAQ" import "$T/badcell.csv" --db "$DB"
has "$T/err" "1 cell rejected, nothing imported"
has "$T/err" "line 3, column 'bc_pop': '78797l' is not a number"
eq "$(dbq "$DB" "SELECT count(*) FROM observations o JOIN indicators i ON i.id = o.indicator_id WHERE i.code LIKE 'bc_%'")" "0" "nothing stored"
expect 0 "$AIMAQ" import "$T/badcell.csv" --db "$DB" --skip-bad-rows --rejects "$T/badcell.rejects.csv"
has "$T/out" "rows: 3 read, 3 accepted, 0 rejected; cells: 1 rejected"
has "$T/out" "observations: 5"
eq "$(dbq "$DB" "SELECT count(*) FROM observations o JOIN indicators i ON i.id = o.indicator_id WHERE i.code LIKE 'bc_%'")" "5" "every good cell stored"
eq "$(dbq "$DB" "SELECT o.value FROM observations o JOIN indicators i ON i.id = o.indicator_id JOIN units u ON u.id = o.unit_id WHERE i.code = 'bc_area' AND u.code = '110000000'")" "146.2" "the bad cell's row keeps its other value"
eq "$(wc -l < "$T/badcell.rejects.csv" | tr -d ' ')" "2" "one reject"
has "$T/badcell.rejects.csv" "badcell.csv,3,bc_pop,\"'78797l' is not a number"

# A long table: a marker is kept with its reason, a bad value rejects its
# row (its only value), an empty value is counted; nothing vanishes.
printf 'code,indicator,period,value\n110000000,lt_pop,2023,x\n150000000,lt_pop,2023,5\n190000000,lt_pop,2023,7O\n230000000,lt_pop,2023,\n' > "$T/long_markers.csv"
expect 0 "$AIMAQ" import "$T/long_markers.csv" --db "$DB" --skip-bad-rows --rejects "$T/long_markers.rejects.csv" --format json
has "$T/out" '"rows_rejected": 1'
has "$T/out" '"confidential": 1'
has "$T/out" '"empty": 1'
has "$T/long_markers.rejects.csv" "long_markers.csv,4,value,"
expect 0 "$AIMAQ" export --db "$DB" --what missing --format csv
has "$T/out" "110000000,lt_pop,2023,confidential,x,"
eq "$(dbq "$DB" "SELECT count(*) FROM observations o JOIN indicators i ON i.id = o.indicator_id WHERE i.code = 'lt_pop'")" "1" "the one value stored"

# The store passes SQLite's own integrity check after all of this
# (PostgreSQL has no such check: its constraints held at every statement).
if on_pg; then
  eq "$(dbq "$DB" 'SELECT version FROM aimaq_schema')" "9" "schema version"
else
  eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" "ok" "integrity_check"
  eq "$(sqlite3 "$DB" 'PRAGMA user_version')" "9" "schema version"
fi
finish
