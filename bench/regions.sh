#!/usr/bin/env bash
# regions.sh -- aimaq regions against spdep::skater, and SKATER and SCHC at
# 100,000 units.
#   R1  SKATER, k = 5, on a SIDE x SIDE rook lattice (default 100: 10,000
#       units, 3 standardised variables): aimaq vs spdep::skater given the
#       squared objective (bench/regions_peer.R), same graph (a GAL file), same
#       within SS required.
#   R2  SKATER and SCHC (Ward, average) and REDCAP (Ward), k = 10, on a 317 x
#       317 lattice (100,489 units): time and peak memory.
# Times are wall seconds of the whole command (reading, weights, method,
# output) for aimaq and of mstree + skater for spdep (its prep, nbcosts and
# mstree, printed apart); peak memory is GNU time's maximum resident set.
# usage: bench/regions.sh [SIDE [r1|r2|all]]    run from the repository root
set -euo pipefail
SIDE=${1:-100}
WHAT=${2:-all}
BUILD=${BUILD:-build}
DATA=${DATA:-/tmp/aimaq-bench-regions}
AIMAQ=$BUILD/aimaq
mkdir -p "$DATA"
[ -x "$AIMAQ" ] || { echo "build aimaq first: cmake --build $BUILD" >&2; exit 1; }
command -v Rscript > /dev/null || { echo "needs R with spdep (apt-get install r-cran-spdep)" >&2; exit 1; }

# timed LABEL CMD...: prints LABEL,seconds,cpu_seconds,peak_mb; CMD's output is
# in $DATA/out, its wall and CPU seconds in $SECS and $CPU.
timed() {
  local label=$1 t=$DATA/time.txt kb u s
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" > "$DATA/out"
  read -r SECS u s kb < "$t"
  CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
  printf '%s,%s,%s,%d\n' "$label" "$SECS" "$CPU" $((kb / 1024))
}

if [ "$WHAT" != r2 ]; then
echo "== R1: SKATER k = 5 on a $SIDE x $SIDE lattice ($((SIDE * SIDE)) units)"
L=$DATA/lattice$SIDE
peer=$(Rscript bench/regions_peer.R "$SIDE" 5 "$L")
echo "peer,version,n,k,prep_s,skater_s,cpu_s,within_ss"
echo "$peer"
timed "aimaq skater" "$AIMAQ" regions "$L.csv" --id id --vars v1,v2,v3 --weights "$L.gal" --k 5 --format json
aw=$(awk -F': ' '/"within_ss": [0-9]/ && !done {sub(/,$/, "", $2); print $2; done = 1}' "$DATA/out")
pw=${peer##*,}
ps=$(echo "$peer" | awk -F, '{print $5 + $6}')
pc=$(echo "$peer" | awk -F, '{print $7}')
as=$SECS
ac=$CPU
echo "within SS: aimaq $aw, spdep $pw"
awk -v a="$aw" -v b="$pw" 'BEGIN { d = a - b; if (d < 0) d = -d; if (d > 1e-6 * b) { print "  DIFFERENT"; exit 1 } print "  same to 1e-6" }'
awk -v p="$ps" -v a="$as" -v pc="$pc" -v ac="$ac" 'BEGIN { printf "speed-up, spdep nbcosts + mstree + skater over the whole aimaq command: %.0fx wall, %.0fx CPU\n", p / a, pc / (ac > 0.01 ? ac : 0.01) }'

fi
[ "$WHAT" = r1 ] && exit 0
echo "== R2: 100,489 units, k = 10"
B=$DATA/lattice317
[ -f "$B.csv" ] || Rscript bench/regions_peer.R 317 10 "$B" data-only
echo "run,seconds,cpu_seconds,peak_mb"
for m in "skater" "schc --linkage ward" "schc --linkage average" "redcap --linkage ward"; do
  # shellcheck disable=SC2086
  timed "aimaq $m" "$AIMAQ" regions "$B.csv" --id id --vars v1,v2,v3 --x x --y y --weights band:1 --k 10 --method $m
  grep -F 'between / total' "$DATA/out" | sed 's/^/  /'
done
