#!/usr/bin/env bash
# bench/import.sh -- 10 million observations into the store: aimaq import
# against what an analyst would otherwise use, on the same files in the same run.
#
# Inputs (generated under $DATA, never in the repository, reused when present),
# all derived from points.csv of ../shared/bench-peers/gen.py at N = UNITS:
#   units.csv  code,parent,level: 17 regions (R01..), the gen.py districts
#              (D00001.., parent = region) and UNITS settlements (S0000001..,
#              parent = district)
#   wide.csv   code,year,i01..i20: one row per settlement and year 2019..2023
#              (gen.py's values scaled by 1.03 per year), UNITS x 5 rows
#   long.csv   code,indicator,period,value: the same observations one per row,
#              sorted by code, indicator, period (UNITS x 100 rows)
# At UNITS = 100000 that is 10,000,000 observations. Why this shape: a
# five-year panel of twenty indicators per settlement is what a regional
# planner keeps; Kazakhstan has about 13,000 settlements (KATO 2025), so
# 100,000 units is eight times the country and the unit lookup is not
# flattered by a small classifier.
#
# Timed, each RUNS times (default 3) into a fresh copy of a store that already
# holds the units (the units import is timed once, separately):
#   aimaq import wide.csv          (reads, checks every code, writes 10M rows)
#   aimaq import long.csv
#   pandas: read_csv(wide) + melt + to_sql + unique index   (bench/peer_import.py)
#   sqlite3 CLI: .import long.csv into a table, then a unique index
# The table shows the MEDIAN wall time of the whole process (and the best), the median CPU time
# (user + sys), the largest peak RSS (/usr/bin/time -v) and the ratios
# peer/aimaq (pandas against aimaq's wide import, sqlite3 against its long one).
#
# Correctness: after each aimaq import, `aimaq export` must give back all
# observations (10M), their value sum equal to the sum over wide.csv (1e-9
# relative); the peers' tables must hold 10M rows.
#
#   bench/import.sh [UNITS]            default 100000
#   AIMAQ=build-x/aimaq RUNS=1 bench/import.sh 20000
#   SAVE=1 bench/import.sh             also writes bench/results/import-DATE.md
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=../shared/bench-peers
AIMAQ=${AIMAQ:-build/aimaq}
RUNS=${RUNS:-3}
PY=/usr/bin/python3
UNITS=${1:-100000}
DATA=${DATA:-/tmp/aimaq-bench-io}
[ -x "$AIMAQ" ] || { echo "bench/import.sh: no aimaq binary at $AIMAQ (set AIMAQ=)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench/import.sh: needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 1; }

d="$DATA/N$UNITS"
if [ ! -f "$d/points.csv" ]; then
    mkdir -p "$d"
    echo "generating $d/points.csv ..." >&2
    "$PY" "$PEERS/gen.py" "$UNITS" 42 "$d" >/dev/null
fi
if [ ! -f "$d/long.csv" ]; then
    echo "deriving units.csv, wide.csv and long.csv in $d ..." >&2
    "$PY" - "$d" <<'PYEOF'
import os, sys
import numpy as np, pandas as pd
d = sys.argv[1]
p = pd.read_csv(os.path.join(d, "points.csv"))
ind = ["i%02d" % k for k in range(1, 21)]
years = np.arange(2019, 2024)
codes = np.array(["S%07d" % i for i in p["id"]])
dist = p.groupby("group")["region"].first()
units = pd.concat([
    pd.DataFrame({"code": sorted(p["region"].unique()), "parent": "", "level": "region"}),
    pd.DataFrame({"code": ["D%05d" % g for g in dist.index], "parent": dist.values, "level": "district"}),
    pd.DataFrame({"code": codes, "parent": ["D%05d" % g for g in p["group"]], "level": "settlement"})])
units.to_csv(os.path.join(d, "units.csv"), index=False)
vals = p[ind].to_numpy()
wide = pd.concat([pd.DataFrame(np.round(vals * 1.03 ** (y - 2023), 6), columns=ind)
                  .assign(code=codes, year=y)[["code", "year"] + ind] for y in years])
wide.to_csv(os.path.join(d, "wide.csv"), index=False, float_format="%.6f")
long = wide.melt(id_vars=["code", "year"], var_name="indicator", value_name="value")
long = long.rename(columns={"year": "period"}).sort_values(["code", "indicator", "period"], kind="stable")
long[["code", "indicator", "period", "value"]].to_csv(os.path.join(d, "long.csv"), index=False, float_format="%.6f")
with open(os.path.join(d, "wide.sum"), "w") as f:
    f.write("%d %.17g\n" % (len(long), wide[ind].to_numpy().sum()))
PYEOF
fi
read -r nobs vsum < "$d/wide.sum"

work=$(mktemp -d "$DATA/import.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
maximum() { sort -g | tail -n 1; }
minimum() { sort -g | head -n 1; }

# measure NAME SETUP CMD...: runs SETUP (untimed) then CMD, $RUNS times; adds
# "wall cpu rss_kb" per run to $work/NAME.rows. After each run, $work/NAME.db
# is the store it wrote.
measure() {
    local name=$1 setup=$2 k
    shift 2
    : > "$work/$name.rows"
    for ((k = 1; k <= RUNS; k++)); do
        rm -f "$work/$name.db" "$work/$name.db-wal" "$work/$name.db-shm"
        $setup "$work/$name.db"
        /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
            echo "bench/import.sh: $name failed:" >&2
            cat "$work/$name.err" >&2
            return 1
        }
        awk '/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
             /User time/ { cpu += $NF } /System time/ { cpu += $NF }
             /Maximum resident set size/ { rss = $NF }
             END { printf "%.3f %.3f %d\n", wall, cpu, rss }' "$work/$name.time" >> "$work/$name.rows"
    done
}

# The store with the units only; each aimaq run starts from a copy of it.
load0=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)
cat "$d/wide.csv" "$d/long.csv" > /dev/null
RUNS_SAVED=$RUNS RUNS=1
no_setup() { :; }
measure units no_setup "$AIMAQ" import "$d/units.csv" --db "$work/units.db"
RUNS=$RUNS_SAVED
with_units() { cp "$work/units.db" "$1"; }
sqlite_table() { sqlite3 "$1" "CREATE TABLE obs(code TEXT, indicator TEXT, period INTEGER, value REAL)"; }

measure wide with_units "$AIMAQ" import "$d/wide.csv" --db "$work/wide.db"
measure long with_units "$AIMAQ" import "$d/long.csv" --db "$work/long.db"
measure pandas no_setup "$PY" bench/peer_import.py "$d/wide.csv" "$work/pandas.db"
measure sqlite3 sqlite_table sqlite3 "$work/sqlite3.db" ".import --csv --skip 1 $d/long.csv obs" \
    "CREATE UNIQUE INDEX obs_key ON obs(code, indicator, period)"

# Correctness: every observation is in the store with its value.
check() {
    local name=$1 n s
    "$AIMAQ" export --db "$work/$name.db" --format csv --output "$work/$name.export.csv" 2>/dev/null
    # The export is wide (code, names, parent, level, period, i01..i20): count
    # and add up the indicator cells.
    read -r n s < <(awk -F, 'NR == 1 { for (j = 1; j <= NF; j++) if ($j ~ /^i[0-9][0-9]$/) v[j] = 1; next }
                              { for (j in v) if ($j != "") { n++; s += $j } } END { printf "%d %.17g\n", n, s }' \
                        "$work/$name.export.csv")
    awk -v name="$name" -v n="$n" -v s="$s" -v en="$nobs" -v es="$vsum" 'BEGIN {
        rel = (s - es) / es; if (rel < 0) rel = -rel
        ok = (n == en && rel <= 1e-9)
        printf "check: aimaq import %s.csv: %d observations exported (expected %d), value sum %.12g (expected %.12g, rel.diff %.1e) %s\n",
               name, n, en, s, es, rel, ok ? "OK" : "MISMATCH"
        exit !ok }'
}
for n in pandas sqlite3; do
    c=$(sqlite3 "$work/$n.db" "SELECT count(*) FROM obs")
    [ "$c" = "$nobs" ] || { echo "bench/import.sh: $n stored $c observations, expected $nobs" >&2; exit 1; }
done

label() {
    case $1 in
        units) echo "aimaq import units.csv ($(($(wc -l < "$d/units.csv") - 1)) units; once, not in the 10M)" ;;
        wide) echo "aimaq import wide.csv" ;;
        long) echo "aimaq import long.csv" ;;
        pandas) echo "pandas $(awk '{print $2; exit}' "$work/pandas.out") read_csv+melt+to_sql+index (wide.csv)" ;;
        sqlite3) echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1) CLI .import+index (long.csv)" ;;
    esac
}
ref() { case $1 in pandas) echo wide ;; sqlite3) echo long ;; *) echo "" ;; esac; }

report() {
    echo "## Importing $nobs observations into the store ($UNITS units x 20 indicators x 5 years)"
    echo
    echo "started $started, $(nproc) cores, load average before: $load0; median of $RUNS runs (peak RSS: the largest)."
    echo "wide.csv $(du -m "$d/wide.csv" | cut -f1) MB ($((UNITS * 5)) rows), long.csv $(du -m "$d/long.csv" | cut -f1) MB ($nobs rows)."
    echo
    echo "| what | process s | best s | CPU s | peak RSS MB | time peer/aimaq | RSS peer/aimaq |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for n in units wide long pandas sqlite3; do
        local w b c m r
        w=$(awk '{print $1}' "$work/$n.rows" | median)
        b=$(awk '{print $1}' "$work/$n.rows" | minimum)
        c=$(awk '{print $2}' "$work/$n.rows" | median)
        m=$(awk '{print $3}' "$work/$n.rows" | maximum)
        r=$(ref "$n")
        if [ -n "$r" ]; then
            awk -v l="$(label "$n")" -v w="$w" -v b="$b" -v c="$c" -v m="$m" \
                -v aw="$(awk '{print $1}' "$work/$r.rows" | median)" -v am="$(awk '{print $3}' "$work/$r.rows" | maximum)" -v r="$r" \
                'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.0f | %.2f (vs %s) | %.2f |\n", l, w, b, c, m / 1024, w / aw, r, m / am }'
        else
            awk -v l="$(label "$n")" -v w="$w" -v b="$b" -v c="$c" -v m="$m" \
                'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.0f | | |\n", l, w, b, c, m / 1024 }'
        fi
    done
}

out=$(report)
echo "$out"
if [ "${CHECK:-1}" = 1 ]; then
    check wide
    check long
fi
if [ "${SAVE:-0}" = 1 ]; then
    mkdir -p bench/results
    echo "$out" > "bench/results/import-$(date -u +%Y-%m-%d).md"
fi
