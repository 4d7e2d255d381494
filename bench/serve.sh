#!/usr/bin/env bash
# bench/serve.sh -- the read API of `aimaq serve` under load, measured with
# wrk (Debian package wrk) from the same machine.
#
# Input: the Kazakhstan example (examples/kz: 15,596 units, region
# boundaries, population 2023, GRP per capita 2008-2022) imported into a
# scratch store under $DATA, with a central analyst and an API token.
# Each URL is loaded for DURATION seconds (default 10) with THREADS wrk
# threads (default 2) over CONNS connections (default 50), every request
# with the Bearer token; the server runs with its default 4 workers and its
# access log on (to a file), as in production. A small Lua script counts
# the responses that are not 2xx; wrk counts socket errors and timeouts.
#
# Target (issue 7): >= 5,000 requests/s, p99 < 50 ms, zero errors.
#
#   bench/serve.sh
#   AIMAQ=build-x/aimaq DURATION=30 CONNS=100 bench/serve.sh
#   SAVE=1 bench/serve.sh             also writes bench/results/serve-DATE.md
set -euo pipefail
cd "$(dirname "$0")/.."
AIMAQ=${AIMAQ:-build/aimaq}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
DATA=${DATA:-/tmp/aimaq-bench-serve}
command -v wrk > /dev/null || { echo "bench/serve.sh: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
mkdir -p "$DATA"
DB=$DATA/kz.db
export AQ_PWHASH_FAST=1
rm -rf "$DB" "$DB"-* "$DB.uploads"
E=examples/kz
"$AIMAQ" import $E/units.csv --db "$DB" --dataset "KATO NK RK 11-2025" > /dev/null
"$AIMAQ" import $E/regions.geojson --db "$DB" --dataset "Region boundaries (OpenStreetMap)" > /dev/null
"$AIMAQ" import $E/population_region_2023.csv --db "$DB" --map $E/population.map.yaml > /dev/null
"$AIMAQ" import $E/grp_per_capita.csv --db "$DB" --map $E/grp_per_capita.map.yaml > /dev/null
AIMAQ_PASSWORD=bench-password-1 "$AIMAQ" account add bench --role central --db "$DB" > /dev/null 2>&1
TOKEN=$("$AIMAQ" account token bench --label bench --db "$DB" 2> /dev/null)

PORT=$((20000 + RANDOM % 40000))
"$AIMAQ" serve --db "$DB" --listen 127.0.0.1:$PORT --log "$DATA/access.log" 2> "$DATA/serve.err" &
SPID=$!
trap 'kill $SPID 2> /dev/null; wait $SPID 2> /dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/api/health" && break
  sleep 0.05
done

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

echo "aimaq serve read API: wrk -t$THREADS -c$CONNS -d${DURATION}s, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at start"
printf '%-80s %10s %8s %8s %7s %7s %s\n' "URL" "req/s" "p50 ms" "p99 ms" "non2xx" "errors" "target"
table="| URL | requests/s | p50 ms | p99 ms | non-2xx | socket errors |\n|---|---:|---:|---:|---:|---:|\n"
fail=0
for path in '/api/units?level=region' '/api/observations?indicator=grp_pc_kzt_thousand&period=2022&level=region'; do
  # Check the answer first: the load must be of real pages, not of errors.
  curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" | grep -q '"total":2[01]' ||
    { echo "bench/serve.sh: $path does not answer the 20-21 regions" >&2; exit 1; }
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$DATA/count.lua" \
    -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path")
  read -r _ rps p50 p99 non2xx errs _ <<< "$(grep '^RESULT' <<< "$out")"
  verdict=met
  if [ "$rps" -lt 5000 ] || awk -v p="$p99" 'BEGIN { exit !(p >= 50) }' || [ "$non2xx" -ne 0 ] || [ "$errs" -ne 0 ]; then
    verdict=MISSED; fail=1
  fi
  printf '%-80s %10s %8s %8s %7s %7s %s\n' "$path" "$rps" "$p50" "$p99" "$non2xx" "$errs" "$verdict"
  table+="| \`$path\` | $rps | $p50 | $p99 | $non2xx | $errs |\n"
done
if [ -n "${SAVE:-}" ]; then
  mkdir -p bench/results
  f=bench/results/serve-$(date -u +%Y%m%d-%H%M).md
  printf '# aimaq serve read API, %s\n\nwrk -t%s -c%s -d%ss, %s cores\n\n%b' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
    "$THREADS" "$CONNS" "$DURATION" "$(nproc)" "$table" > "$f"
  echo "saved $f"
fi
exit $fail
