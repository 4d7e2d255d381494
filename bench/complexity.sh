#!/usr/bin/env bash
# complexity.sh -- aq_cx_compute (RCA, presence, ECI/PCI by the eigenvector,
# proximity, density, COI, COG; src/complexity*.c) against a numpy
# implementation of the same formulas (bench/complexity_peer.py), in one
# run, on the same generated panels, with the same answers checked:
#   A  300 regions x 5,000 activities x 20 years (a subnational panel at the
#      scale of a statistics office's full industry classification)
#   B  10,000 settlements x 500 activities, one year
# usage: bench/complexity.sh [A|B ...]     (default: A B)
#        SMALL=1 bench/complexity.sh       (30 x 500 x 2 and 1,000 x 50: a smoke run)
#        REUSE_PEER=1 bench/complexity.sh  (keep numpy's timings of an earlier run)
# Prints each side's compute seconds (wall and CPU; file reading and data
# generation excluded), the ratio numpy / aimaq, and the largest relative
# difference of the check values (ECI of three units, the sums of density,
# COG and |COI| per period). Run from the repository root.
set -euo pipefail
BUILD=${BUILD:-build}
DATA=${DATA:-/tmp/aimaq-bench-complexity}
PY=/usr/bin/python3
BIN=$DATA/complexity_bench
CASES=("$@")
[ $# -eq 0 ] && CASES=(A B)
mkdir -p "$DATA"
[ -f "$BUILD/libaimaq.a" ] || { echo "build the library first: cmake --build $BUILD" >&2; exit 1; }
# shellcheck disable=SC2046
cc -O2 -march=native -fopenmp -Iinclude bench/complexity_bench.c "$BUILD/libaimaq.a" \
  $(pkg-config --libs gdal sqlite3 jansson yaml-0.1 libutf8proc gsl libsodium libpq) -lm -o "$BIN"

for c in "${CASES[@]}"; do
  case "$c$([ -n "${SMALL:-}" ] && echo s)" in
    A) NU=300 NA=5000 NT=20 ;;
    B) NU=10000 NA=500 NT=1 ;;
    As) NU=30 NA=500 NT=2 ;;
    Bs) NU=1000 NA=50 NT=1 ;;
    *) echo "unknown case $c" >&2; exit 1 ;;
  esac
  F=$DATA/panel-${NU}x${NA}x${NT}.f64
  [ -f "$F" ] || "$PY" bench/complexity_peer.py gen "$F" $NU $NA $NT 42
  echo "== $c: $NU units x $NA activities x $NT periods"
  O=$DATA/$NU-$NA-$NT
  "$BIN" "$F" $NU $NA $NT 1 > "$O-a1.txt"
  "$BIN" "$F" $NU $NA $NT 0 > "$O-a0.txt"
  [ -n "${REUSE_PEER:-}" ] && [ -s "$O-np.txt" ] ||
    "$PY" bench/complexity_peer.py run "$F" $NU $NA $NT > "$O-np.txt"
  grep -h '^time' "$O-a1.txt" "$O-a0.txt" "$O-np.txt"
  "$PY" - "$O-a0.txt" "$O-np.txt" "$O-a1.txt" <<'PY'
import sys
def load(p):
    checks, t = {}, None
    for line in open(p):
        f = line.strip().split(",")
        if f[0] == "check": checks[f[1]] = [float(v) for v in f[2:]]
        else: t = float(f[3]), float(f[4])
    return checks, t
a, ta = load(sys.argv[1]); n, tn = load(sys.argv[2]); a1, t1 = load(sys.argv[3])
worst = max(abs(x - y) / max(abs(y), 1e-300) for k in n for x, y in zip(a[k], n[k]))
same = max(abs(x - y) / max(abs(y), 1e-300) for k in a for x, y in zip(a[k], a1[k]))
print("ratio numpy / aimaq: all threads x%.2f, 1 thread x%.2f (wall); numpy CPU %.2f s, aimaq CPU %.2f s"
      % (tn[0] / ta[0], tn[0] / t1[0], tn[1], ta[1]))
print("largest relative difference of the checks: %.2e (aimaq 1 vs all threads: %.2e)" % (worst, same))
if worst > 1e-6: sys.exit("the answers differ")
PY
done
