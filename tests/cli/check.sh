# check.sh -- aimaq check finds what the founding text's own table gets wrong,
# and the other classes of error, naming unit, indicator, value and why.
. tests/cli/lib.inc

# The founding text gives 595 low-potential settlements "189.9 million"
# people (tests/data/check/SOURCE.md): flagged as a magnitude error, exit 2.
expect 2 "$AIMAQ" check tests/data/check/founding_classes.csv --format csv
has "$T/out" "error,magnitude,low,population_thousand,,189900,5,"
has "$T/out" "divided by 1000 the children add up exactly"
has "$T/err" "aimaq check: 1 error"
hasnt "$T/out" "settlements"   # the settlement counts add up: 1204 + 5625 + 595 + 88 = 7512

# Duplicates, orphans, impossible values, outliers.
{
  echo "code,parent,period,population,share_urban,income"
  echo "A,,2020,1000,50,10"
  echo "A1,A,2020,400,40,11"
  echo "A2,A,2020,-5,130,12"
  echo "A3,B,2020,300,20,9"
  echo "A1,A,2020,400,40,11"
  echo "A4,A,2020,500,30,10.5"
  echo "A5,A,2020,,30,950"
} > "$T/bad.csv"
expect 2 "$AIMAQ" check "$T/bad.csv" --format csv
has "$T/out" "error,duplicate-code,A1,,2020,,6,code 'A1' for period 2020 appears twice (first on line 3)"
has "$T/out" "error,orphan,A3,,,,5,\"unit 'A3' names parent 'B', which is not in the table\""
has "$T/out" "error,impossible,A2,population,2020,-5,4,'population' is a count and cannot be negative (-5)"
has "$T/out" "error,impossible,A2,share_urban,2020,130,4,'share_urban' is a share in per cent and must be between 0 and 100 (130)"
has "$T/out" "warning,missing,,population,,,,1 of 7 values of 'population' are missing"
has "$T/out" "warning,outlier,A5,income,2020,950,8,\"950 is far from the typical 'income'"
# Children that do not add up to their parent.
has "$T/out" "warning,sum,A,population,2020,1000,2,\"the 4 children of 'A' add up to 1295 in 'population', not 1000"

# Warnings alone exit 0; --errors-only hides them; labels follow --lang.
printf 'code,v\nX,1\nY,2\nZ,3\nW,4\nV,5\nU,6000\n' > "$T/warn.csv"
expect 0 "$AIMAQ" check "$T/warn.csv" --lang kk
has "$T/out" "Хабарлама"
has "$T/out" "ескерту"
expect 0 "$AIMAQ" check "$T/warn.csv" --errors-only --format csv
eq "$(cat "$T/out")" "" "no errors to show"

# ==== the store: its audit log's hash chain, and what a bad store is called ====
# (issue 13) `aimaq check --db` recomputes the audit log's hash chain and names
# the first record that does not follow; the schema's triggers refuse the
# rewrites themselves, so the tampering below drops them first, as someone
# holding the file (or the database's owner) could.
export AQ_PWHASH_FAST=1
DB=$(small_store audit.db) || { finish; exit 1; }
for n in 1 2 3 4; do
  AIMAQ_PASSWORD=password-number-$n "$AIMAQ" account add "user$n" --role viewer --db "$DB" > /dev/null 2>&1 || bad "account user$n"
done
eq "$(dbq "$DB" "SELECT count(*) FROM audit WHERE sha256 IS NOT NULL AND length(sha256) = 64")" 4 "audit records with their hash"
expect 0 "$AIMAQ" check --db "$DB"
has "$T/err" "audit log: 4 records, hash chain intact, last hash $(dbq "$DB" "SELECT sha256 FROM audit WHERE id = 4")"
# The append-only triggers: UPDATE, DELETE and (SQLite) INSERT OR REPLACE.
dbq "$DB" "UPDATE audit SET object = 'account mallory' WHERE id = 2" > /dev/null 2>&1 && bad "an UPDATE of the audit log went through" || ok
dbq "$DB" "DELETE FROM audit WHERE id = 2" > /dev/null 2>&1 && bad "a DELETE from the audit log went through" || ok
if ! on_pg; then
  sqlite3 "$DB" "INSERT OR REPLACE INTO audit(id, at, account, action, object, sha256) SELECT id, at, account, action,
                 'account mallory', sha256 FROM audit WHERE id = 2" 2> "$T/err" && bad "INSERT OR REPLACE rewrote an audit record" || ok
  has "$T/err" "the audit log is append-only"
fi
dbq "$DB" "INSERT INTO audit(id, at, action) VALUES (99, 'x', 'forged')" > /dev/null 2>&1 && bad "a record without its hash was written" || ok
eq "$(dbq "$DB" "SELECT count(*) FROM audit WHERE object = 'account mallory' OR id = 99")" 0 "audit records rewritten"
# Past the triggers: a rewrite is found at that record, a removal at the next.
if on_pg; then
  dbq "$DB" "ALTER TABLE audit DISABLE TRIGGER USER" > /dev/null
else
  sqlite3 "$DB" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_no_replace"
fi
dbq "$DB" "UPDATE audit SET object = 'account mallory' WHERE id = 2" > /dev/null
expect 2 "$AIMAQ" check --db "$DB" --format csv
has "$T/out" "error,audit-chain,,,,2,,"
has "$T/out" "is broken at record 2: its hash does not follow from its content and the record before it"
dbq "$DB" "UPDATE audit SET object = 'account user2' WHERE id = 2" > /dev/null
expect 0 "$AIMAQ" check --db "$DB"
dbq "$DB" "CREATE TABLE saved AS SELECT * FROM audit WHERE id = 3" > /dev/null
dbq "$DB" "DELETE FROM audit WHERE id = 3" > /dev/null
expect 2 "$AIMAQ" check --db "$DB" --format csv
has "$T/out" "error,audit-chain,,,,4,,"
# Put back as it was, the chain holds again.
dbq "$DB" "INSERT INTO audit SELECT * FROM saved" > /dev/null
dbq "$DB" "DROP TABLE saved" > /dev/null
expect 0 "$AIMAQ" check --db "$DB"
# A record written past aimaq, without its hash.
dbq "$DB" "INSERT INTO audit(id, at, action) VALUES (5, '2026-01-01T00:00:00.000Z', 'forged')" > /dev/null
expect 2 "$AIMAQ" check --db "$DB" --format csv
has "$T/out" "error,audit-chain,,,,5,,"
has "$T/out" "broken at record 5: it has no hash although records before it have"

# A schema version aimaq never wrote (negative, or past its own) is refused,
# and the store is left as it was, not "upgraded".
V=$(new_store version.db) || { finish; exit 1; }
expect 0 "$AIMAQ" import tests/data/small_store/units.csv --db "$V"
setv() { if on_pg; then dbq "$V" "UPDATE aimaq_schema SET version = $1" > /dev/null; else sqlite3 "$V" "PRAGMA user_version = $1"; fi; }
getv() { if on_pg; then dbq "$V" "SELECT version FROM aimaq_schema"; else sqlite3 "$V" "PRAGMA user_version"; fi; }
setv -1
expect 2 "$AIMAQ" datasets --db "$V"
has "$T/err" "is not an aimaq store: its schema version is -1, which no aimaq writes"
expect 2 "$AIMAQ" import tests/data/small_store/population.csv --db "$V"
has "$T/err" "is not an aimaq store: its schema version is -1"
eq "$(getv)" -1 "schema version after a refused import"
eq "$(dbq "$V" "SELECT count(*) FROM datasets")" 1 "datasets after a refused import"
setv 9999
expect 2 "$AIMAQ" import tests/data/small_store/population.csv --db "$V"
has "$T/err" "has schema 9999, newer than this aimaq knows"
eq "$(getv)" 9999 "schema version after a refused import"

# A damaged file is called damaged, not blamed on a read-only directory.
cp "$T/audit.db" "$T/damaged.db" 2> /dev/null || expect 0 "$AIMAQ" import tests/data/small_store/units.csv --db "$T/damaged.db"
rm -f "$T/damaged.db-wal" "$T/damaged.db-shm"
head -c 3000 /dev/zero | tr '\0' 'x' | dd of="$T/damaged.db" bs=1 seek=100 conv=notrunc 2> /dev/null
expect 2 "$AIMAQ" datasets --db "$T/damaged.db"
has "$T/err" "the store '$T/damaged.db' is damaged (database disk image is malformed)"
hasnt "$T/err" "read-only"
finish
