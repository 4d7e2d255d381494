#!/usr/bin/env bash
# bench/read.sh -- reading a CSV for direct analysis: aimaq against pandas and
# R data.table on the same file in the same run.
#
# Input: points.csv of ../shared/bench-peers/gen.py (N rows x 27 columns:
# id, x, y, pop, income, i01..i20, group, region; 254 MB at N = 1,000,000),
# generated under $DATA (never in the repository) and reused when present.
#
# Each tool runs RUNS times (default 3) as its own process under
# /usr/bin/time -v; the table shows the MEDIAN wall time of the whole process,
# the median (and the best) of the tool's own in-process read time (peers only: pandas'
# read_csv call, fread call; aimaq has no in-process timer, so its process
# time is used, start-up and printing included), the median CPU time
# (user + sys, which a loaded shared machine disturbs less than wall time),
# the largest peak RSS over the runs, and the ratio peer/aimaq of read time.
#
# Correctness: the sums of a few columns read by aimaq (`aimaq read --format
# csv`) must equal pandas' sums to 1e-12 relative.
#
#   bench/read.sh [N]                 default N = 1000000
#   AIMAQ=build-x/aimaq RUNS=5 bench/read.sh
#   SAVE=1 bench/read.sh              also writes bench/results/read-DATE.md
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=../shared/bench-peers
AIMAQ=${AIMAQ:-build/aimaq}
RUNS=${RUNS:-3}
PY=/usr/bin/python3
N=${1:-1000000}
DATA=${DATA:-/tmp/aimaq-bench-io}
CHECK_COLS=(x income i01 i13 i20 group)
[ -x "$AIMAQ" ] || { echo "bench/read.sh: no aimaq binary at $AIMAQ (set AIMAQ=)" >&2; exit 1; }
command -v Rscript >/dev/null || echo "bench/read.sh: Rscript not found, the data.table peer is skipped (apt-get install r-base-core r-cran-data.table)" >&2

d="$DATA/N$N"
f="$d/points.csv"
if [ ! -f "$f" ]; then
    mkdir -p "$d"
    echo "generating $f ..." >&2
    "$PY" "$PEERS/gen.py" "$N" 42 "$d" >/dev/null
fi
work=$(mktemp -d "$DATA/read.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
maximum() { sort -g | tail -n 1; }
minimum() { sort -g | head -n 1; }

# measure NAME CMD...: runs CMD $RUNS times; stdout of each run goes to
# $work/NAME.out.K and a line "wall cpu rss_kb read_seconds" to $work/NAME.rows
# (read_seconds from the tool's 'read_seconds=' output, else the wall time).
measure() {
    local name=$1 k
    shift
    : > "$work/$name.rows"
    for ((k = 1; k <= RUNS; k++)); do
        /usr/bin/time -v -o "$work/$name.time.$k" "$@" > "$work/$name.out.$k" 2> "$work/$name.err.$k" || {
            echo "bench/read.sh: $name failed:" >&2
            cat "$work/$name.err.$k" >&2
            return 1
        }
        awk -v out="$work/$name.out.$k" '
            /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
            /User time/ { cpu += $NF } /System time/ { cpu += $NF }
            /Maximum resident set size/ { rss = $NF }
            END {
                rs = wall
                while ((getline line < out) > 0)
                    if (match(line, /read_seconds=[0-9.]+/)) rs = substr(line, RSTART + 13, RLENGTH - 13)
                printf "%.3f %.3f %d %.3f\n", wall, cpu, rss, rs
            }' "$work/$name.time.$k" >> "$work/$name.rows"
    done
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)
# Time order: aimaq first, then the peers, so page cache is warm for all.
cat "$f" > /dev/null
measure aimaq "$AIMAQ" read "$f" --schema
measure pandas "$PY" bench/peer_read.py "$f"
names="aimaq pandas"
if command -v Rscript >/dev/null; then
    measure fread1 Rscript bench/peer_read.R "$f" 1
    measure fread2 Rscript bench/peer_read.R "$f" 2
    names="$names fread1 fread2"
fi

label() {
    case $1 in
        aimaq) echo "aimaq read --schema ($(nproc) threads)" ;;
        pandas) echo "pandas $(awk '{print $2; exit}' "$work/pandas.out.1") read_csv (1 thread)" ;;
        fread1) echo "data.table $(awk '{print $2; exit}' "$work/fread1.out.1") fread (1 thread, its default here)" ;;
        fread2) echo "data.table $(awk '{print $2; exit}' "$work/fread2.out.1") fread (2 threads)" ;;
    esac
}

a_read=$(awk '{print $4}' "$work/aimaq.rows" | median)
a_rss=$(awk '{print $3}' "$work/aimaq.rows" | maximum)
report() {
    echo "## Reading a CSV for direct analysis: $N rows x 27 columns ($(du -m "$f" | cut -f1) MB)"
    echo
    echo "started $started, $(nproc) cores, load average before: $load0; median of $RUNS runs (peak RSS: the largest)."
    echo
    echo "| tool | read s | best read s | process s | CPU s | peak RSS MB | read time peer/aimaq | RSS peer/aimaq |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for n in $names; do
        local r b w c m
        r=$(awk '{print $4}' "$work/$n.rows" | median)
        b=$(awk '{print $4}' "$work/$n.rows" | minimum)
        w=$(awk '{print $1}' "$work/$n.rows" | median)
        c=$(awk '{print $2}' "$work/$n.rows" | median)
        m=$(awk '{print $3}' "$work/$n.rows" | maximum)
        awk -v l="$(label "$n")" -v r="$r" -v b="$b" -v w="$w" -v c="$c" -v m="$m" -v ar="$a_read" -v am="$a_rss" -v self="$([ "$n" = aimaq ] && echo 1 || echo 0)" \
            'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.2f | %.0f | %s | %s |\n", l, r, b, w, c, m / 1024,
                     self ? "1" : sprintf("%.2f", r / ar), self ? "1" : sprintf("%.2f", m / am) }'
    done
    echo
    echo "read s: peers' own timer around read_csv/fread; aimaq: the whole process (start-up, read, --schema output)."
}
# Correctness: column sums from aimaq's own reading vs pandas'.
check() {
    "$AIMAQ" read "$f" --format csv --output "$work/aimaq.csv" 2>/dev/null
    "$PY" - "$work/aimaq.csv" "$f" "${CHECK_COLS[@]}" <<'PYEOF'
import sys, pandas as pd
a = pd.read_csv(sys.argv[1], usecols=sys.argv[3:], float_precision="round_trip")
p = pd.read_csv(sys.argv[2], usecols=sys.argv[3:], float_precision="round_trip")
assert len(a) == len(p), (len(a), len(p))
worst = 0.0
for c in sys.argv[3:]:
    sa, sp = a[c].sum(), p[c].sum()
    rel = abs(sa - sp) / max(abs(sp), 1e-300)
    worst = max(worst, rel)
    print("check: sum(%s) aimaq %.17g pandas %.17g rel.diff %.1e" % (c, sa, sp, rel))
print("check: %d rows, %s" % (len(a), "OK" if worst <= 1e-12 else "MISMATCH"))
sys.exit(0 if worst <= 1e-12 else 1)
PYEOF
}

out=$(report)
echo "$out"
[ "${CHECK:-1}" = 1 ] && check
if [ "${SAVE:-0}" = 1 ]; then
    mkdir -p bench/results
    echo "$out" > "bench/results/read-$(date -u +%Y-%m-%d).md"
fi
