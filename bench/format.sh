#!/usr/bin/env bash
# format.sh -- what writing numbers costs: `aimaq access` (nearest centre,
# 1,000,000-node road graph) and `aimaq lisa` (100,000 points, knn:8, 999
# permutations) with two aimaq binaries -- one from before aq_format_double
# (%.15g / strtod / %.17g per cell) and the current one -- beside the peers
# bench/access.sh and bench/spatial.sh compare with (scipy T6, numpy T3),
# on the inputs of ../shared/bench-peers/gen.py (seed 42). Checks that both
# binaries write the same doubles (the text of a cell may only get shorter).
#
#   BEFORE=/path/to/old/aimaq bench/format.sh [ACCESS_N [LISA_N]]
#
# Environment: AIMAQ (default build/aimaq), BEFORE (required), DATA
# (default /tmp/aimaq-bench-format), PEERS=0 skips the peers.
set -eu
cd "$(dirname "$0")/.."
PEERDIR=../shared/bench-peers
AIMAQ=${AIMAQ:-build/aimaq}
BEFORE=${BEFORE:?give BEFORE=path to an aimaq built before aq_format_double}
DATA=${DATA:-/tmp/aimaq-bench-format}
PY=/usr/bin/python3
NA=${1:-1000000}
NL=${2:-100000}
mkdir -p "$DATA"
for n in "$NA" "$NL"; do
  [ -f "$DATA/N$n/edges.csv" ] || "$PY" "$PEERDIR/gen.py" "$n" 42 "$DATA/N$n" >/dev/null
done

# timed OUT ERR CMD...: sets WALL, CPU and PEAK_MB from GNU time.
timed() {
  local out=$1 err=$2; shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$DATA/time.txt" "$@" >"$out" 2>"$err" || true
  read -r WALL U S PEAK < <(tail -1 "$DATA/time.txt")
  CPU=$(awk -v u="$U" -v s="$S" 'BEGIN { printf "%.2f", u + s }')
  PEAK_MB=$((PEAK / 1024))
}

# same CSV_A CSV_B: every cell of A reads as the same double (or text) as B's
same() {
  "$PY" - "$1" "$2" <<'PY'
import csv, sys
a, b = (list(csv.reader(open(p))) for p in sys.argv[1:3])
diff = shorter = longer = cells = 0
for ra, rb in zip(a, b):
    for x, y in zip(ra, rb):
        cells += 1
        if x == y:
            continue
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            diff += 1
            continue
        if fx != fy:
            diff += 1
        elif len(y) < len(x):
            shorter += 1
        else:
            longer += 1
ok = len(a) == len(b) and diff == 0 and longer == 0
print("%s: %d cells, %d with a different value, %d written shorter, %d longer"
      % ("same answers" if ok else "DIFFER", cells, diff, shorter, longer))
PY
}

printf '%-28s %9s %9s %8s %8s\n' run compute_s wall_s cpu_s peak_MB
d=$DATA/N$NA
for which in before after; do
  bin=$BEFORE; [ "$which" = after ] && bin=$AIMAQ
  timed "$DATA/aq.out" "$DATA/aq.err" "$bin" access --edges "$d/edges.csv" --centres "$d/centres.csv" \
    --format csv --output "$DATA/access-$which.csv" --timing
  printf '%-28s %9s %9s %8s %8s\n' "aimaq access N=$NA $which" \
    "$(sed -n 's/.*compute \([0-9.]*\) s.*/\1/p' "$DATA/aq.err")" "$WALL" "$CPU" "$PEAK_MB"
done
same "$DATA/access-before.csv" "$DATA/access-after.csv"
if [ "${PEERS:-1}" != 0 ]; then
  timed "$DATA/peer.out" "$DATA/peer.err" "$PY" "$PEERDIR/peer_py.py" T6 scipy "$d"
  printf '%-28s %9s %9s %8s %8s  (peer row: %s)\n' "scipy T6 N=$NA" "$(tail -1 "$DATA/peer.out" | cut -d, -f5)" \
    "$WALL" "$CPU" "$PEAK_MB" "$(tail -1 "$DATA/peer.out")"
fi

d=$DATA/N$NL
for which in before after; do
  bin=$BEFORE; [ "$which" = after ] && bin=$AIMAQ
  timed "$DATA/aq.out" "$DATA/aq.err" env OMP_NUM_THREADS=1 "$bin" lisa "$d/points.csv" --value income \
    --x x --y y --weights knn:8 --permutations 999 --seed 42 --format csv --output "$DATA/lisa-$which.csv"
  printf '%-28s %9s %9s %8s %8s\n' "aimaq lisa N=$NL $which" "-" "$WALL" "$CPU" "$PEAK_MB"
done
same "$DATA/lisa-before.csv" "$DATA/lisa-after.csv"
if [ "${PEERS:-1}" != 0 ]; then
  timed "$DATA/peer.out" "$DATA/peer.err" "$PY" "$PEERDIR/peer_py.py" T3 numpy "$d"
  printf '%-28s %9s %9s %8s %8s  (peer row: %s)\n' "numpy T3 N=$NL" "$(tail -1 "$DATA/peer.out" | cut -d, -f5)" \
    "$WALL" "$CPU" "$PEAK_MB" "$(tail -1 "$DATA/peer.out")"
fi
