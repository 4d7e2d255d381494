#!/usr/bin/env bash
# bench/bigfile.sh -- a 2 GB CSV streamed into the store with bounded
# memory: generates the file, imports it once, and reports the wall time,
# the peak RSS (/usr/bin/time -v) and the throughput; then checks that every
# observation arrived. Not in CI (minutes of CPU, gigabytes of disk).
#
# The file is a long table code,indicator,period,value (the shape statistics
# offices publish from their databases), sorted by code, indicator, period:
# UNITS settlements (S0000001.., default 100,000, parent = one of 17
# regions) x 20 indicators (i01..i20) x as many years back from 2023 as it
# takes to reach SIZE_MB (default 2048; a row is about 25 bytes, so 2 GB is
# about 86 million observations, 43 years). Values are a deterministic
# function of the row, with two decimals.
#
# A file over 256 MB is read in batches of 1,000,000 rows (docs/import.md),
# so the peak RSS must not grow with the file: compare SIZE_MB=256 and 2048.
# The import is one transaction either way.
#
#   bench/bigfile.sh                      2 GB into $DATA (default /tmp/aq-bigfile)
#   SIZE_MB=512 AIMAQ=build-x/aimaq bench/bigfile.sh
#   KEEP=1 bench/bigfile.sh               keep the store (the CSV is always kept for reruns)
# Needs about 3x SIZE_MB of free disk under $DATA (the CSV, the store, its WAL).
# The generator is awk, not ../shared/bench-peers/gen.py: there is no peer to
# compare against here, only aimaq's own memory bound.
set -euo pipefail
cd "$(dirname "$0")/.."
AIMAQ=${AIMAQ:-build/aimaq}
DATA=${DATA:-${TMPDIR:-/tmp}/aq-bigfile}
SIZE_MB=${SIZE_MB:-2048}
UNITS=${UNITS:-100000}
mkdir -p "$DATA"
[ -x "$AIMAQ" ] || { echo "bigfile: build aimaq first ($AIMAQ)" >&2; exit 1; }

units=$DATA/units-$UNITS.csv
csv=$DATA/long-$UNITS-${SIZE_MB}mb.csv
if [ ! -s "$units" ]; then
  awk -v n="$UNITS" 'BEGIN { print "code,parent,level";
    print "KZ,,country";
    for (r = 1; r <= 17; r++) printf "R%02d,KZ,region\n", r;
    for (i = 1; i <= n; i++) printf "S%07d,R%02d,settlement\n", i, (i % 17) + 1 }' > "$units"
fi
if [ ! -s "$csv" ]; then
  echo "bigfile: generating $csv ..." >&2
  t0=$SECONDS
  # 25 bytes a row on average: years = SIZE / (UNITS * 20 * 25), plus one.
  awk -v n="$UNITS" -v mb="$SIZE_MB" 'BEGIN {
    years = int(mb * 1048576 / (n * 20 * 25)) + 1;
    print "code,indicator,period,value";
    for (i = 1; i <= n; i++)
      for (k = 1; k <= 20; k++)
        for (y = 2024 - years; y <= 2023; y++)
          printf "S%07d,i%02d,%d,%.2f\n", i, k, y, ((i * 7919 + k * 104729 + y * 31) % 100000) / 100 }' > "$csv"
  echo "bigfile: generated in $((SECONDS - t0)) s" >&2
fi
bytes=$(stat -c %s "$csv")
rows=$(( $(wc -l < "$csv") - 1 ))
db=$DATA/store.db
rm -f "$db" "$db"-wal "$db"-shm
"$AIMAQ" import "$units" --db "$db" > /dev/null
started=$(date -u +%Y-%m-%dT%H:%MZ) load=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -v -o "$DATA/time.txt" "$AIMAQ" import "$csv" --db "$db" > "$DATA/import.out"
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$DATA/time.txt")
cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$DATA/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$DATA/time.txt")
stored=$(sqlite3 "$db" 'SELECT count(*) FROM observations')
store_mb=$(( ($(stat -c %s "$db") + 1048575) / 1048576 ))
[ "$stored" -eq "$rows" ] || { echo "bigfile: $stored observations stored, $rows in the file" >&2; exit 1; }
printf '## A %s MB CSV streamed into the store\n\n' "$((bytes / 1048576))"
printf 'started %s, %s cores, load average before: %s; %s (%s)\n\n' "$started" "$(nproc)" "$load" \
  "$("$AIMAQ" version 2>/dev/null | head -n 1)" "$AIMAQ"
printf '| file | rows (observations) | wall s | CPU s | peak RSS MB | MB/s | store MB |\n|---|---:|---:|---:|---:|---:|---:|\n'
printf '| %s (%s bytes) | %s | %s | %s | %s | %.1f | %s |\n' "$(basename "$csv")" "$bytes" "$rows" "$wall" "$cpu" "$rss" \
  "$(echo "$bytes $wall" | awk '{ print $1 / 1048576 / $2 }')" "$store_mb"
[ "${KEEP:-0}" = 1 ] || rm -f "$db" "$db"-wal "$db"-shm
