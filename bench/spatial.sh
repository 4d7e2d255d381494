#!/usr/bin/env bash
# spatial.sh -- aimaq's spatial kernels against the peers, in one run, on the
# inputs of ../shared/bench-peers/gen.py (seed 42):
#   T1 kNN (k = 8)                 vs scipy cKDTree and libpysal (peer_py.py)
#   T2 global Moran, 999 perms     vs the numpy peer (esda's way)
#   T3 local Moran, 999 cond. perms vs the numpy peer (esda-style shared draws)
# aimaq draws the LISA permutations independently per unit (spdep's scheme,
# not esda's shared draws), so nsig05 agrees only statistically.
#
# usage: bench/spatial.sh [SIZES...]        (default: 10000 100000)
#        BUILD=build-x bench/spatial.sh 1000000
# Prints each row (task,peer,version,N,seconds,checksum,load,prep), peak memory
# (GNU time's maximum resident set), and the ratio peer seconds / aimaq seconds
# for aimaq on 1 thread and on all threads, with aimaq's CPU seconds (all
# threads; the peers run on one core, so their wall time is their CPU time):
# on a shared machine the CPU time is the steadier measure. Run from the
# repository root.
set -euo pipefail
SIZES=("${@:-10000 100000}")
[ $# -eq 0 ] && SIZES=(10000 100000)
BUILD=${BUILD:-build}
PEERS=../shared/bench-peers
DATA=${DATA:-/tmp/aimaq-bench-spatial}
PY=/usr/bin/python3
BIN=$DATA/spatial_bench
mkdir -p "$DATA"
[ -f "$BUILD/libaimaq.a" ] || { echo "build the library first: cmake --build $BUILD" >&2; exit 1; }
# shellcheck disable=SC2046
cc -O2 -march=native -fopenmp -Iinclude bench/spatial_bench.c "$BUILD/libaimaq.a" \
  $(pkg-config --libs gdal sqlite3 jansson yaml-0.1 libutf8proc gsl libsodium) -lm -o "$BIN"

# row with peak memory: runs CMD under GNU time, appends ;peak_mb=...
timed_rows() {
  local out=$DATA/time.txt
  /usr/bin/time -f '%M' -o "$out" "$@" | while IFS= read -r line; do echo "$line"; done
  echo "# peak_mb=$(( $(tail -1 "$out") / 1024 ))"
}

sec_of() { awk -F, -v t="$1" -v p="$2" '$1==t && $2==p {print $5}' "$3"; }
# CPU seconds of an aimaq row (cpu_s=... in its checksum field)
cpu_of() { awk -F, -v t="$1" -v p="$2" '$1==t && $2==p {if (match($6, /cpu_s=[0-9.]+/)) print substr($6, RSTART + 6, RLENGTH - 6)}' "$3"; }

for N in "${SIZES[@]}"; do
  D=$DATA/N$N
  [ -f "$D/points.csv" ] || "$PY" "$PEERS/gen.py" "$N" 42 "$D" > /dev/null
  R=$DATA/rows-$N.csv
  : > "$R"
  echo "== N = $N"
  for th in 1 0; do
    label=$([ $th = 1 ] && echo "1 thread" || echo "all threads")
    echo "-- aimaq, $label"
    timed_rows "$BIN" "$D/points.csv" $th | tee -a "$R"
  done
  for tp in T1/scipy-ckdtree T1/libpysal T2/numpy T3/numpy; do
    t=${tp%/*}; p=${tp#*/}
    if [ "$N" -ge 1000000 ] && [ "$p" = libpysal ]; then continue; fi
    echo "-- $p $t"
    timed_rows "$PY" "$PEERS/peer_py.py" "$t" "$p" "$D" | tee -a "$R" || echo "$t,$p,error"
  done
  echo "-- ratios (peer seconds / aimaq seconds; compute only)"
  for tp in T1/scipy-ckdtree T1/libpysal T2/numpy T3/numpy; do
    t=${tp%/*}; p=${tp#*/}
    ps=$(sec_of "$t" "$p" "$R"); a1=$(sec_of "$t" aimaq-1t "$R"); a0=$(sec_of "$t" aimaq-0t "$R")
    c0=$(cpu_of "$t" aimaq-0t "$R")
    [ -n "$ps" ] || continue
    awk -v t="$t" -v p="$p" -v ps="$ps" -v a1="$a1" -v a0="$a0" -v c0="${c0:-0}" -v n="$N" \
      'BEGIN { printf "%s N=%s %-14s peer %.3f s | aimaq 1 thread %.3f s (x%.1f) | all threads %.3f s (x%.1f), CPU %.3f s\n", t, n, p, ps, a1, ps/a1, a0, ps/a0, c0 }'
  done
done
