#!/usr/bin/env bash
# bench/serve.sh -- the read API of `aimaq serve` under load, measured with
# wrk (Debian package wrk) from the same machine.
#
# Input: the Kazakhstan example (examples/kz: 15,596 units, region
# boundaries, population 2023, GRP per capita 2008-2022) imported into a
# scratch store, with a central analyst and an API token.
# Each URL is loaded for DURATION seconds (default 10) with THREADS wrk
# threads (default 2) over CONNS connections (default 50), every request
# with the Bearer token; the server runs with its default 4 workers and its
# access log on (to a file), as in production. A small Lua script counts
# the responses that are not 2xx; wrk counts socket errors and timeouts.
#
# Target (issue 7): >= 5,000 requests/s, p99 < 50 ms, zero errors.
#
# The store: STORE=sqlite (default: a file under $DATA), STORE=postgresql
# (a throwaway server from `bench/postgresql.sh server`: the project's
# scripts/pg_test_server.sh, fsync off, or with PG_FSYNC=on a cluster with
# durability on; each server worker holds its own connection), or
# STORE=both (SQLite, then PostgreSQL, in the same run, with the ratio of
# requests/s). RUNS (default 1) loads each URL that many times in a row and
# keeps the last. SERVE_THREADS sets the server's workers (default 4, its
# own default). PG_STATS=1 loads pg_stat_statements and prints, per URL,
# the statements a request runs, their mean execution time and how often
# the server planned them.
#
#   bench/serve.sh
#   AIMAQ=build-x/aimaq DURATION=30 CONNS=100 bench/serve.sh
#   STORE=both RUNS=2 PG_STATS=1 bench/serve.sh
#   SAVE=1 bench/serve.sh             also writes bench/results/serve-DATE.md
set -euo pipefail
cd "$(dirname "$0")/.."
AIMAQ=${AIMAQ:-build/aimaq}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
DATA=${DATA:-/tmp/aimaq-bench-serve}
STORE=${STORE:-sqlite}
PG_FSYNC=${PG_FSYNC:-off}
RUNS=${RUNS:-1}
SERVE_THREADS=${SERVE_THREADS:-4}
case "$STORE" in
  sqlite | postgresql) engines=$STORE ;;
  both) engines="sqlite postgresql" ;;
  *) echo "bench/serve.sh: STORE must be sqlite, postgresql or both, not '$STORE'" >&2; exit 2 ;;
esac
command -v wrk > /dev/null || { echo "bench/serve.sh: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
mkdir -p "$DATA"
export AQ_PWHASH_FAST=1
PGDIR=$DATA/pg
URLS=('/api/units?level=region' '/api/observations?indicator=grp_pc_kzt_thousand&period=2022&level=region')

SPID=
cleanup() {
  if [ -n "$SPID" ]; then kill "$SPID" 2> /dev/null; wait "$SPID" 2> /dev/null || true; fi
  if [ -d "$PGDIR" ]; then bench/postgresql.sh server stop "$PGDIR"; fi
}
trap cleanup EXIT

# load_store DB: the example into the store DB, an analyst; sets TOKEN.
load_store() {
  local db=$1 E=examples/kz
  "$AIMAQ" import $E/units.csv --db "$db" --dataset "KATO NK RK 11-2025" > /dev/null
  "$AIMAQ" import $E/regions.geojson --db "$db" --dataset "Region boundaries (OpenStreetMap)" > /dev/null
  "$AIMAQ" import $E/population_region_2023.csv --db "$db" --map $E/population.map.yaml > /dev/null
  "$AIMAQ" import $E/grp_per_capita.csv --db "$db" --map $E/grp_per_capita.map.yaml > /dev/null
  AIMAQ_PASSWORD=bench-password-1 "$AIMAQ" account add bench --role central --db "$db" > /dev/null 2>&1
  TOKEN=$("$AIMAQ" account token bench --label bench --db "$db" 2> /dev/null)
}

# pgq SQL: a query on the PostgreSQL server (its database postgres, where
# `bench/postgresql.sh server stats` put pg_stat_statements), unaligned.
pgq() { psql -X -q -At -d "${DB/\/aimaq_test\?//postgres?}" -c "$1"; }

# pg_stats NREQ: what the statements since the last reset cost per request.
pg_stats() {
  pgq "SELECT round(sum(calls)::numeric / $1, 2) || ' statements a request, '
         || round((sum(total_exec_time) / sum(calls))::numeric, 3) || ' ms mean execution; '
         || sum(plans) || ' plans for ' || sum(calls) || ' runs'
       FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'" | sed 's/^/    PostgreSQL: /'
  pgq "SELECT calls || ' runs, ' || round(mean_exec_time::numeric, 3) || ' ms: '
         || left(regexp_replace(query, '\s+', ' ', 'g'), 100)
       FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT 2" | sed 's/^/      /'
}

cat > "$DATA/count.lua" << 'EOF'
-- Counts the responses that are not 2xx over all threads; prints the figures.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad,
    e.connect + e.read + e.write + e.timeout, summary.requests))
end
EOF

settings="wrk -t$THREADS -c$CONNS -d${DURATION}s, server --threads $SERVE_THREADS, $(nproc) cores, store $STORE"
[ "$STORE" = sqlite ] || settings+=" (PostgreSQL fsync $PG_FSYNC)"
[ "$RUNS" -eq 1 ] || settings+=", last of $RUNS runs"
echo "aimaq serve read API: $settings; load $(cut -d' ' -f1-3 /proc/loadavg) at start"
printf '%-10s %-74s %8s %7s %7s %6s %6s %s\n' "store" "URL" "req/s" "p50 ms" "p99 ms" "non2xx" "errors" "target"
table="| store | URL | requests/s | p50 ms | p99 ms | non-2xx | socket errors |\n|---|---|---:|---:|---:|---:|---:|\n"
fail=0
declare -A RPS
for engine in $engines; do
  if [ "$engine" = sqlite ]; then
    DB=$DATA/kz.db
    rm -rf "$DB" "$DB"-* "$DB.uploads"
  else
    if [ -d "$PGDIR" ]; then bench/postgresql.sh server stop "$PGDIR"; fi
    DB=$(bench/postgresql.sh server start "$PGDIR" "$PG_FSYNC")
    if [ -n "${PG_STATS:-}" ]; then bench/postgresql.sh server stats "$PGDIR"; fi
  fi
  load_store "$DB"
  rm -rf "$DATA/spool"
  mkdir -p "$DATA/spool"
  PORT=$((20000 + RANDOM % 40000))
  # (every wrk connection is from 127.0.0.1: no per-address limit)
  "$AIMAQ" serve --db "$DB" --listen 127.0.0.1:$PORT --threads "$SERVE_THREADS" --spool "$DATA/spool" \
    --log "$DATA/access.log" --connections-per-address 0 2> "$DATA/serve.err" &
  SPID=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/api/health" && break
    sleep 0.05
  done
  for path in "${URLS[@]}"; do
    # Check the answer first: the load must be of real pages, not of errors.
    curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" | grep -q '"total":2[01]' ||
      { echo "bench/serve.sh: $path does not answer the 20-21 regions on $engine" >&2; exit 1; }
    for run in $(seq 1 "$RUNS"); do
      if [ "$engine" = postgresql ] && [ -n "${PG_STATS:-}" ]; then pgq "SELECT pg_stat_statements_reset()" > /dev/null; fi
      out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$DATA/count.lua" \
        -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path")
      read -r _ rps p50 p99 non2xx errs nreq <<< "$(grep '^RESULT' <<< "$out")"
      verdict=met
      if [ "$rps" -lt 5000 ] || awk -v p="$p99" 'BEGIN { exit !(p >= 50) }' || [ "$non2xx" -ne 0 ] || [ "$errs" -ne 0 ]; then
        verdict=MISSED
      fi
      note=
      [ "$run" -eq "$RUNS" ] || note=" (run $run of $RUNS, not kept)"
      printf '%-10s %-74s %8s %7s %7s %6s %6s %s\n' "$engine" "$path" "$rps" "$p50" "$p99" "$non2xx" "$errs" "$verdict$note"
    done
    [ "$verdict" = met ] || fail=1
    RPS[$engine$path]=$rps
    table+="| $engine | \`$path\` | $rps | $p50 | $p99 | $non2xx | $errs |\n"
    if [ "$engine" = postgresql ] && [ -n "${PG_STATS:-}" ]; then pg_stats "$nreq"; fi
  done
  kill "$SPID"
  wait "$SPID" 2> /dev/null || true
  SPID=
done
ratios=
if [ "$STORE" = both ]; then
  for path in "${URLS[@]}"; do
    ratios+="PostgreSQL / SQLite requests/s, $path: $(awk -v a="${RPS[postgresql$path]}" -v b="${RPS[sqlite$path]}" \
      'BEGIN { printf "%.2f", a / b }')\n"
  done
  printf '%b' "$ratios"
fi
if [ -n "${SAVE:-}" ]; then
  mkdir -p bench/results
  f=bench/results/serve-$(date -u +%Y%m%d-%H%M).md
  printf '# aimaq serve read API, %s\n\n%s\n\n%b\n%b' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$settings" "$table" "$ratios" > "$f"
  echo "saved $f"
fi
exit $fail
