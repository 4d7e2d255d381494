#!/usr/bin/env bash
# bench/postgresql.sh -- aimaq's store on PostgreSQL against the same store
# on SQLite, and against what a PostgreSQL user would otherwise run to load
# the same CSV (psql's \copy), in one run (issue 7).
#
# Inputs (generated under $DATA, never in the repository, reused when present):
#   (a) the Kazakhstan example: the six imports of examples/kz/run.sh
#       (KATO classifier 15,596 units, reforms, region boundaries, population
#       by region and district, GRP per capita 2008-2022);
#   (b) long.csv, code,indicator,period,value: VALUES observations (default
#       500,000) of settlements that exist (units.csv is imported first),
#       derived from ../shared/bench-peers/gen.py's points.csv at
#       N = VALUES / 100 (20 indicators x 5 years per settlement, as
#       bench/import.sh's long.csv).
#
# Timed (wall seconds of the whole process, and its own CPU: user + sys;
# on PostgreSQL the server's CPU is not in it), each RUNS times (default 2)
# into fresh stores, the last run kept:
#   aimaq import on SQLite (a file) and on PostgreSQL (a fresh database);
#   psql \copy of long.csv into a plain table (no checks: the floor);
#   psql: \copy into a temporary table, then one INSERT ... SELECT that
#     resolves unit and indicator codes by join into aimaq's observations
#     table (ON CONFLICT DO NOTHING): what a COPY path inside aimaq would
#     cost the server (a measured estimate, not aimaq code);
#   sqlite3 .import of long.csv into a plain table (SQLite's floor);
#   read side: aimaq summary and aimaq export of the example, and aimaq
#     export of all VALUES observations, on both engines.
# Ratios are of times: aimaq-PG / aimaq-SQLite and aimaq-PG / psql \copy
# (above 1: PostgreSQL or aimaq is slower by that factor).
# Check: each read gives the same bytes on both engines, and the export of
# long.csv's store gives back VALUES values with the sum of long.csv.
#
# The server: PG_FSYNC=off (default) is scripts/pg_test_server.sh (fsync,
# synchronous_commit and full_page_writes off: a test server); PG_FSYNC=on
# starts a cluster with the same commands minus those three settings, what
# a deployment runs.
#
#   bench/postgresql.sh
#   PG_FSYNC=on VALUES=200000 bench/postgresql.sh
#   SAVE=1 bench/postgresql.sh       also writes bench/results/postgresql-DATE.md
#
# Also a helper for bench/serve.sh (and by hand):
#   bench/postgresql.sh server start DIR off|on   prints the database's URI
#   bench/postgresql.sh server stats DIR          loads pg_stat_statements (a restart)
#   bench/postgresql.sh server stop DIR
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }

# server start DIR off|on: off is the project's test server; on is the same
# cluster with durability on (scripts/pg_test_server.sh's commands minus
# fsync=off, synchronous_commit=off, full_page_writes=off).
server() {
    local cmd=$1 dir=$2 fsync=${3:-off}
    case "$cmd" in
    start)
        if [ "$fsync" = off ]; then
            # its timing line goes to stderr; shown only when it fails
            sh scripts/pg_test_server.sh start "$dir" 2> "$dir.log" || { cat "$dir.log" >&2; return 1; }
            rm -f "$dir.log"
            return
        fi
        local bin port=${AQ_PG_PORT:-5432}
        bin=$(pg_bin)
        mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
        : > "$dir/.aimaq-pg-bench"
        chmod 700 "$dir"
        [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
        as_pg "'$bin/initdb' -D '$dir/data' -U aimaq --auth=trust -E UTF8 --locale=C.UTF-8 -N" > "$dir/initdb.log" 2>&1
        as_pg "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 30 -o \"-k '$dir' -p $port \
-c listen_addresses= -c max_connections=200\" start" > "$dir/pg_ctl.log" 2>&1
        psql -X -q -h "$dir" -p "$port" -U aimaq -d postgres \
            -c "CREATE DATABASE aimaq_test TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'" > /dev/null
        echo "postgresql://aimaq@/aimaq_test?host=$dir&port=$port"
        ;;
    stats) # pg_stat_statements, cluster-wide, read from the database postgres
        psql -X -q -h "$dir" -p "${AQ_PG_PORT:-5432}" -U aimaq -d postgres \
            -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" > /dev/null
        as_pg "'$(pg_bin)/pg_ctl' -D '$dir/data' -w -m fast restart" > /dev/null 2>&1
        # the view in the database postgres: aimaq_test must stay empty for the store
        psql -X -q -h "$dir" -p "${AQ_PG_PORT:-5432}" -U aimaq -d postgres \
            -c "ALTER SYSTEM SET pg_stat_statements.track_planning = on" -c "SELECT pg_reload_conf()" \
            -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" > /dev/null
        ;;
    stop)
        if [ -e "$dir/.aimaq-pg-test" ]; then
            sh scripts/pg_test_server.sh stop "$dir"
        elif [ -e "$dir/.aimaq-pg-bench" ]; then
            as_pg "'$(pg_bin)/pg_ctl' -D '$dir/data' -m fast -w -t 30 stop" > /dev/null 2>&1 || true
            rm -rf "$dir"
        fi
        ;;
    *) echo "usage: bench/postgresql.sh server start DIR off|on | stats DIR | stop DIR" >&2; exit 2 ;;
    esac
}
if [ "${1:-}" = server ]; then
    shift
    server "$@"
    exit
fi

AIMAQ=${AIMAQ:-build/aimaq}
RUNS=${RUNS:-2}
VALUES=${VALUES:-500000}
PG_FSYNC=${PG_FSYNC:-off}
DATA=${DATA:-/tmp/aimaq-bench-pg}
PY=/usr/bin/python3
[ -x "$AIMAQ" ] || { echo "bench/postgresql.sh: no aimaq binary at $AIMAQ (set AIMAQ=)" >&2; exit 1; }
for t in psql sqlite3 /usr/bin/time; do
    command -v $t > /dev/null || { echo "bench/postgresql.sh: needs $t (apt-get install postgresql sqlite3 time)" >&2; exit 1; }
done
UNITS=$((VALUES / 100))

d="$DATA/N$UNITS"
if [ ! -f "$d/long.sum" ]; then
    mkdir -p "$d"
    echo "generating $d ..." >&2
    "$PY" ../shared/bench-peers/gen.py "$UNITS" 42 "$d" > /dev/null
    "$PY" - "$d" << 'PYEOF'
# units.csv (17 regions, gen.py's districts, one settlement per point) and
# long.csv: i01..i20 x 2019..2023 per settlement (values scaled 1.03 a year).
import csv, os, sys
d = sys.argv[1]
with open(os.path.join(d, "points.csv")) as f:
    rows = list(csv.DictReader(f))
dist = {}
for r in rows:
    dist.setdefault(int(r["group"]), r["region"])
with open(os.path.join(d, "units.csv"), "w") as f:
    f.write("code,parent,level\n")
    f.writelines("%s,,region\n" % c for c in sorted({r["region"] for r in rows}))
    f.writelines("D%05d,%s,district\n" % (g, dist[g]) for g in sorted(dist))
    f.writelines("S%07d,D%05d,settlement\n" % (int(r["id"]), int(r["group"])) for r in rows)
n, total = 0, 0.0
with open(os.path.join(d, "long.csv"), "w") as f:
    f.write("code,indicator,period,value\n")
    for r in rows:
        code = "S%07d" % int(r["id"])
        for k in range(1, 21):
            v0 = float(r["i%02d" % k])
            for y in range(2019, 2024):
                v = round(v0 * 1.03 ** (y - 2023), 6)
                n, total = n + 1, total + float("%.6f" % v)
                f.write("%s,i%02d,%d,%.6f\n" % (code, k, y, v))
with open(os.path.join(d, "long.sum"), "w") as f:
    f.write("%d %.17g\n" % (n, total))
PYEOF
fi
read -r NVAL SUM < "$d/long.sum"

W="$DATA/work"
PGDIR="$DATA/pg-$PG_FSYNC"
rm -rf "$W"
mkdir -p "$W"
[ ! -e "$PGDIR" ] || server stop "$PGDIR"
URI=$(server start "$PGDIR" "$PG_FSYNC")
trap 'server stop "$PGDIR"' EXIT
PGHOST=${URI#*host=}
PGHOST=${PGHOST%%&*}
PGPORT=${URI##*port=}
export PGHOST PGPORT PGUSER=aimaq
pgq() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" "${@:2}"; }
fresh_db() { pgq postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"; }
pg_uri() { echo "postgresql://aimaq@/$1?host=$PGHOST&port=$PGPORT"; }

# timed NAME CMD...: runs CMD, stdout to $W/NAME.out; sets T (wall s) and C (own CPU s).
timed() {
    local name=$1 t0 t1
    shift
    t0=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$W/$name.time" "$@" > "$W/$name.out" 2> "$W/$name.err" ||
        { echo "bench/postgresql.sh: '$*' failed:" >&2; tail -5 "$W/$name.err" >&2; exit 1; }
    t1=$(date +%s%N)
    T=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    C=$(awk '{ printf "%.2f", $1 + $2 }' "$W/$name.time")
}
E=examples/kz
# kz_step I: sets KZA to the arguments of the example's import I (0..5).
kz_step() {
    case $1 in
    0) KZA=("$E/units.csv" --dataset "KATO NK RK 11-2025") ;;
    1) KZA=("$E/reforms.csv" --dataset "Territorial reforms 2018 and 2022") ;;
    2) KZA=("$E/regions.geojson" --dataset "Region boundaries (OpenStreetMap)") ;;
    3) KZA=("$E/population_region_2023.csv" --map "$E/population.map.yaml") ;;
    4) KZA=("$E/population_district_2023.csv" --map "$E/population.map.yaml") ;;
    5) KZA=("$E/grp_per_capita.csv" --map "$E/grp_per_capita.map.yaml") ;;
    esac
}
KZN=6
declare -A S   # S[key] = "wall cpu" of the last run
rowsread() { sed -n 's/^  rows: \([0-9]*\) read.*/\1/p' "$W/$1.out" | head -1; }

for run in $(seq 1 "$RUNS"); do
    echo "run $run of $RUNS (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    # (a) the Kazakhstan example, six imports, on each engine
    rm -f "$W"/kz.db*
    fresh_db b_kz
    for eng in sqlite pg; do
        if [ $eng = sqlite ]; then db=$W/kz.db; else db=$(pg_uri b_kz); fi
        for i in $(seq 0 $((KZN - 1))); do
            kz_step "$i"
            timed "kz$i-$eng" "$AIMAQ" import "${KZA[@]}" --db "$db"
            S[kz$i-$eng]="$T $C $(rowsread "kz$i-$eng")"
        done
    done
    # (b) VALUES observations in long format into units that exist
    rm -f "$W"/long.db*
    fresh_db b_long
    for eng in sqlite pg; do
        if [ $eng = sqlite ]; then db=$W/long.db; else db=$(pg_uri b_long); fi
        timed "units-$eng" "$AIMAQ" import "$d/units.csv" --db "$db"
        S[units-$eng]="$T $C $(rowsread "units-$eng")"
        timed "long-$eng" "$AIMAQ" import "$d/long.csv" --db "$db"
        S[long-$eng]="$T $C $(rowsread "long-$eng")"
    done
    # the floors: psql \copy into a plain table; sqlite3 .import
    fresh_db b_copy
    pgq b_copy -c "CREATE TABLE obs(code text, indicator text, period text, value double precision)"
    timed copy psql -X -q -v ON_ERROR_STOP=1 -d b_copy -c "\\copy obs FROM '$d/long.csv' WITH (FORMAT csv, HEADER)"
    S[copy]="$T $C $NVAL"
    rm -f "$W/floor.db"
    timed sqlite3import sqlite3 "$W/floor.db" \
        "CREATE TABLE obs(code TEXT, indicator TEXT, period TEXT, value REAL)" ".import --csv --skip 1 $d/long.csv obs"
    S[sqlite3import]="$T $C $NVAL"
    # read side, on both engines; same bytes expected
    for eng in sqlite pg; do
        if [ $eng = sqlite ]; then k=$W/kz.db l=$W/long.db; else k=$(pg_uri b_kz) l=$(pg_uri b_long); fi
        timed "summary-$eng" "$AIMAQ" summary --db "$k" --value grp_pc_kzt_thousand --population population \
            --exclude 000000000 --format csv
        S[summary-$eng]="$T $C"
        timed "exportkz-$eng" "$AIMAQ" export --db "$k" --indicator grp_pc_kzt_thousand,population --level region --format csv
        S[exportkz-$eng]="$T $C $(($(wc -l < "$W/exportkz-$eng.out") - 1))"
        timed "exportlong-$eng" "$AIMAQ" export --db "$l" --format csv
        S[exportlong-$eng]="$T $C $(($(wc -l < "$W/exportlong-$eng.out") - 1))"
    done
    for r in summary exportkz exportlong; do
        cmp -s "$W/$r-sqlite.out" "$W/$r-pg.out" ||
            { echo "bench/postgresql.sh: $r differs between SQLite and PostgreSQL ($W/$r-*.out)" >&2; exit 1; }
    done
    # the export is wide: one row per unit and period, a column per indicator after 'period'
    awk -F, -v n="$NVAL" -v s="$SUM" 'NR == 1 { for (j = 1; j <= NF; j++) if ($j == "period") c = j; next }
        { for (j = c + 1; j <= NF; j++) if ($j != "") { k++; t += $j } } END { if (k != n || (t - s) / s > 1e-9 || (s - t) / s > 1e-9) {
          printf "bench/postgresql.sh: export gave %d values summing to %.17g; expected %d and %.17g\n", k, t, n, s > "/dev/stderr"; exit 1 } }' \
        "$W/exportlong-pg.out"
    # a COPY path's cost on the server: the units and indicators are in
    # (b_long's aimaq import made them); a second dataset takes the values
    # (after the reads, which compare b_long with long.db).
    cat > "$W/copypath.sql" << EOF
BEGIN;
CREATE TEMP TABLE obs_in(code text, indicator text, period text, value double precision) ON COMMIT DROP;
\\copy obs_in FROM '$d/long.csv' WITH (FORMAT csv, HEADER)
INSERT INTO datasets(name) VALUES ('copy path') RETURNING id \\gset
INSERT INTO observations(unit_id, indicator_id, period, dataset_id, value)
  SELECT u.id, i.id, o.period, :id, o.value FROM obs_in o
  JOIN units u ON u.code = o.code JOIN indicators i ON i.code = o.indicator
  ON CONFLICT DO NOTHING;
COMMIT;
EOF
    timed copypath psql -X -q -v ON_ERROR_STOP=1 -d b_long -f "$W/copypath.sql"
    S[copypath]="$T $C $NVAL"

done

# ---- the table ----
w() { cut -d' ' -f1 <<< "${S[$1]}"; }
c() { cut -d' ' -f2 <<< "${S[$1]}"; }
n() { cut -d' ' -f3 <<< "${S[$1]}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
out=$W/table.md
{
    echo "aimaq store on PostgreSQL $(psql -X -At -d postgres -c 'SHOW server_version') (fsync $PG_FSYNC, Unix socket)" \
        "and on SQLite $(sqlite3 -version | cut -d' ' -f1); $(nproc) cores; last of $RUNS runs;" \
        "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "Imports (wall s of the whole process; CPU s is aimaq's own, the PostgreSQL server's is not in it):"
    echo
    echo "| import | rows | SQLite s | SQLite CPU s | PG s | PG CPU s | PG rows/s | PG / SQLite |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    tot_s=0 tot_p=0
    for i in $(seq 0 $((KZN - 1))); do
        kz_step "$i"
        f=${KZA[0]}
        echo "| kz: ${f#"$E"/} | $(n kz$i-pg) | $(w kz$i-sqlite) | $(c kz$i-sqlite) | $(w kz$i-pg) | $(c kz$i-pg) |" \
            "$(rate "$(n kz$i-pg)" "$(w kz$i-pg)") | $(ratio "$(w kz$i-pg)" "$(w kz$i-sqlite)") |"
        tot_s=$(awk -v a="$tot_s" -v b="$(w kz$i-sqlite)" 'BEGIN { print a + b }')
        tot_p=$(awk -v a="$tot_p" -v b="$(w kz$i-pg)" 'BEGIN { print a + b }')
    done
    echo "| **kz: the six imports** | | $tot_s | | $tot_p | | | $(ratio "$tot_p" "$tot_s") |"
    echo "| long: units.csv | $(n units-pg) | $(w units-sqlite) | $(c units-sqlite) | $(w units-pg) | $(c units-pg) |" \
        "$(rate "$(n units-pg)" "$(w units-pg)") | $(ratio "$(w units-pg)" "$(w units-sqlite)") |"
    echo "| **long: long.csv** | $(n long-pg) | $(w long-sqlite) | $(c long-sqlite) | $(w long-pg) | $(c long-pg) |" \
        "$(rate "$(n long-pg)" "$(w long-pg)") | $(ratio "$(w long-pg)" "$(w long-sqlite)") |"
    echo
    echo "long.csv ($NVAL values) against the floors:"
    echo
    echo "| tool | s | values/s | aimaq-PG / tool |"
    echo "|---|---:|---:|---:|"
    for k in long-pg long-sqlite copy copypath sqlite3import; do
        case $k in
        long-pg) label="aimaq import, PostgreSQL" ;;
        long-sqlite) label="aimaq import, SQLite" ;;
        copy) label='psql `\copy` into a plain table (no checks)' ;;
        copypath) label='psql `\copy` to a temp table + INSERT ... SELECT into observations (codes joined, ON CONFLICT)' ;;
        sqlite3import) label="sqlite3 .import into a plain table (no checks)" ;;
        esac
        echo "| $label | $(w $k) | $(rate "$NVAL" "$(w $k)") | $(ratio "$(w long-pg)" "$(w $k)") |"
    done
    echo
    echo "Reading (same bytes from both engines, checked):"
    echo
    echo "| command | rows out | SQLite s | PG s | PG / SQLite |"
    echo "|---|---:|---:|---:|---:|"
    echo "| kz: summary --value grp_pc_kzt_thousand --population population | | $(w summary-sqlite) | $(w summary-pg) | $(ratio "$(w summary-pg)" "$(w summary-sqlite)") |"
    echo "| kz: export --indicator grp_pc_kzt_thousand,population --level region | $(n exportkz-pg) | $(w exportkz-sqlite) | $(w exportkz-pg) | $(ratio "$(w exportkz-pg)" "$(w exportkz-sqlite)") |"
    echo "| long: export (every observation) | $(n exportlong-pg) | $(w exportlong-sqlite) | $(w exportlong-pg) | $(ratio "$(w exportlong-pg)" "$(w exportlong-sqlite)") |"
} > "$out"
cat "$out"
if [ -n "${SAVE:-}" ]; then
    mkdir -p bench/results
    f=bench/results/postgresql-$(date -u +%Y-%m-%d).md
    { printf '## %s, fsync %s, VALUES=%s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$PG_FSYNC" "$VALUES"; cat "$out"; echo; } >> "$f"
    echo "appended to $f"
fi
