#!/usr/bin/env bash
# Disparity benchmark (issue 3): Gini, Theil T and L with their between/within
# decomposition by 1,000 groups, and Atkinson, on 10 million population-weighted
# units; aimaq against the same measures in numpy (bench/disparity_peer.py,
# Debian's python3-numpy, single-threaded), in one run, printed as a ratio.
#
# Input: ../shared/bench-peers/gen.py at N = 1,000,000 (round(sqrt(N)) = 1,000
# districts), its (income, pop, group) columns repeated COPIES times (default
# 10 -> 10,000,000 units), written once as CSV (for aimaq) and .npz (numpy).
# Timed: computation only on both sides (aimaq --timing reports the kernel time
# apart from reading the CSV; the peer loads the .npz before its clock starts).
# Memory: peak RSS of the whole aimaq process (/usr/bin/time -v), CSV table
# included, against the size of the three input columns as doubles.
#
# usage: bench/disparity.sh [COPIES]     (from the repository root)
#   env: AIMAQ (default build/aimaq), DATA (default /tmp/aimaq-bench-disparity)
set -euo pipefail
copies=${1:-10}
aimaq=${AIMAQ:-build/aimaq}
data=${DATA:-/tmp/aimaq-bench-disparity}
py=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
peers=../shared/bench-peers
[ -x "$aimaq" ] || { echo "no aimaq binary at $aimaq (set AIMAQ)" >&2; exit 1; }
"$py" -c 'import numpy, scipy' 2>/dev/null || { echo "needs python3-numpy and python3-scipy" >&2; exit 1; }
mkdir -p "$data"
if [ ! -s "$data/gen/points.csv" ]; then
    echo "generating 1,000,000 points with $peers/gen.py (about a minute)" >&2
    "$py" "$peers/gen.py" 1000000 42 "$data/gen" > /dev/null
fi
if [ ! -s "$data/units-$copies.csv" ]; then
    mkdir -p "$data/u$copies"
    "$py" "$here/disparity_peer.py" prepare "$data/gen/points.csv" "$copies" "$data/u$copies"
    mv "$data/u$copies/units.csv" "$data/units-$copies.csv"
    mv "$data/u$copies/units.npz" "$data/units-$copies.npz"
fi
n=$((copies * 1000000))
ln -sf "units-$copies.npz" "$data/units.npz"

peer=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$py" "$here/disparity_peer.py" run "$data")
peer_s=$(sed 's/.*seconds=\([0-9.]*\).*/\1/' <<< "$peer")

run_aimaq() { # threads -> "compute_seconds peak_kb"
    /usr/bin/time -v "$aimaq" disparity "$data/units-$copies.csv" --value income --weight pop \
        --group group --threads "$1" --timing --lorenz-points 100 --format json \
        > "$data/aimaq-$1.json" 2> "$data/aimaq-$1.err"
    local c m
    c=$(sed -n 's/.*compute_seconds=\([0-9.]*\).*/\1/p' "$data/aimaq-$1.err")
    l=$(sed -n 's/.*load_seconds=\([0-9.]*\).*/\1/p' "$data/aimaq-$1.err")
    m=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$data/aimaq-$1.err")
    echo "$c $m $l"
}
read -r a1 m1 l1 <<< "$(run_aimaq 1)"
read -r a2 m2 l2 <<< "$(run_aimaq 2)"
cols_mb=$(( n * 24 / 1000000 ))
g() { jq -r ".[0].$1" "$data/aimaq-1.json"; }
echo "units=$n groups=$(jq '.[0].decomposition.theil_t.groups | length' "$data/aimaq-1.json")"
echo "numpy (1 thread):      compute ${peer_s} s"
echo "aimaq (1 thread):      compute ${a1} s  (CSV load ${l1} s)  peak RSS $((m1 / 1000)) MB"
echo "aimaq (2 threads):     compute ${a2} s  (CSV load ${l2} s)  peak RSS $((m2 / 1000)) MB"
echo "input columns (3 x 8 bytes x units): ${cols_mb} MB"
awk -v p="$peer_s" -v a="$a1" -v b="$a2" \
    'BEGIN { printf "ratio numpy/aimaq: %.1fx single-thread, %.1fx two threads\n", p / a, p / b }'
echo "numpy: $peer"
echo "aimaq: gini=$(g gini) theil_t=$(g theil_t) theil_l=$(g theil_l)" \
     "t_between=$(g decomposition.theil_t.between) t_within=$(g decomposition.theil_t.within)" \
     "a05=$(g 'atkinson."0.5"') a2=$(g 'atkinson."2"')"
