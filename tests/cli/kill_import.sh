# kill_import.sh -- fault injection: `aimaq import` killed with SIGKILL at
# random points leaves a store that opens, passes PRAGMA integrity_check and
# holds either the whole dataset or none of it (no dataset row, no
# observations, no indicators).
#
# Units are imported once into a base store; each trial copies it, starts
# an import of a generated wide CSV (code, year and three indicators) and
# kills it after a random delay drawn over the time an uninterrupted import
# takes (measured first), so kills land while reading, while writing the
# batches and around the commit. KILL_TRIALS (default 100) trials on a
# small file (one year per unit, ~15.6k rows, 47k observations) and
# KILL_BIG_TRIALS (default 3) on the ~200k-row file (13 years); the small
# trials go on past the minimum until KILL_BUDGET seconds (default 40).
# Delays of the small trials are capped at 1.5 s so that a slow (sanitizer)
# build stays within ctest's time limit; there the kills land before the
# commit, in a normal build they span it.
. tests/cli/lib.inc
units=examples/kz/units.csv
trials=${KILL_TRIALS:-100}
big_trials=${KILL_BIG_TRIALS:-3}
budget=${KILL_BUDGET:-40}
RANDOM=${KILL_SEED:-$$}
echo "kill_import: seed $RANDOM"

expect 0 "$AIMAQ" import "$units" --db "$T/base.db"
# Generated values; a fixed awk seed keeps the file the same across runs.
gen() { # gen FIRST_YEAR LAST_YEAR > file
  awk -F, -v y0="$1" -v y1="$2" 'BEGIN { srand(7); print "code,year,pop,grp,unemp" }
    NR > 1 { for (y = y0; y <= y1; y++) printf "%s,%d,%d,%.1f,%.2f\n", $1, y, int(rand() * 1e5), rand() * 1e4, rand() * 10 }' "$units"
}
gen 2023 2023 > "$T/small.csv"
gen 2011 2023 > "$T/wide.csv"
rows_small=$(($(wc -l < "$T/small.csv") - 1))
rows_big=$(($(wc -l < "$T/wide.csv") - 1))
eq "$rows_big" 202748 "rows of the wide file"

now_ms() { date +%s%3N; }
# One uninterrupted import of FILE into a copy of the base store: sets ms
# to the milliseconds it took and checks the observation count.
clean_import() {
  rm -f "$T/t.db"*; cp "$T/base.db" "$T/t.db"
  local t0; t0=$(now_ms)
  "$AIMAQ" import "$1" --db "$T/t.db" > /dev/null 2>&1 || bad "clean import of $1 failed"
  ms=$(($(now_ms) - t0))
  eq "$(sqlite3 "$T/t.db" 'SELECT count(*) FROM observations')" "$2" "observations of a clean import of $1"
}
clean_import "$T/small.csv" $((rows_small * 3)); ms_small=$ms
clean_import "$T/wide.csv" $((rows_big * 3)); ms_big=$ms
echo "kill_import: an uninterrupted import takes ${ms_small} ms ($rows_small rows), ${ms_big} ms ($rows_big rows)"

present=0 absent=0 broken=0
# trial FILE NAME ROWS MAXMS: one import killed after a random delay in [0, MAXMS].
trial() {
  local csv=$1 name=$2 nobs=$(($3 * 3)) max=$4 db=$T/t.db
  rm -f "$db"*; cp "$T/base.db" "$db"
  local delay=$((RANDOM * 32768 + RANDOM)); delay=$((delay % (max + 1)))
  "$AIMAQ" import "$csv" --db "$db" > /dev/null 2>&1 &
  local pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -KILL "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  local integ ds obs ind
  integ=$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)
  read -r ds obs ind < <(sqlite3 -separator ' ' "$db" "SELECT (SELECT count(*) FROM datasets WHERE name = '$name'),
    (SELECT count(*) FROM observations), (SELECT count(*) FROM indicators)" 2>&1)
  if [ "$integ" != ok ]; then
    bad "after a kill at ${delay} ms: integrity_check says: $integ"; broken=$((broken + 1)); return
  fi
  if [ "$ds" = 1 ] && [ "$obs" = "$nobs" ] && [ "$ind" = 3 ]; then
    present=$((present + 1)); ok
  elif [ "$ds" = 0 ] && [ "$obs" = 0 ] && [ "$ind" = 0 ]; then
    absent=$((absent + 1)); ok
  else
    bad "after a kill at ${delay} ms of $name: datasets '$ds', observations '$obs' (of $nobs), indicators '$ind'"
    broken=$((broken + 1)); return
  fi
  # The store still opens for aimaq itself.
  "$AIMAQ" datasets --db "$db" > /dev/null 2>&1 || { bad "aimaq cannot open the store after a kill at ${delay} ms"; broken=$((broken + 1)); }
}

start=$(date +%s)
n=0
# Delays up to 110% of the clean time, so some imports finish first.
while [ $n -lt "$trials" ] || { [ $(($(date +%s) - start)) -lt "$budget" ] && [ $n -lt $((trials * 3)) ]; }; do
  max=$((ms_small * 11 / 10)); [ $max -gt 1500 ] && max=1500
  trial "$T/small.csv" small.csv "$rows_small" $max
  n=$((n + 1))
done
for ((k = 0; k < big_trials; k++)); do
  trial "$T/wide.csv" wide.csv "$rows_big" $((ms_big * 11 / 10))
done
echo "kill_import: $((n + big_trials)) kills in $(($(date +%s) - start)) s: $present complete, $absent absent, $broken broken"
# Both outcomes must have happened, or the delays missed the import.
[ $absent -gt 0 ] && ok || bad "no kill landed before the commit"
finish
