#!/usr/bin/env bash
# bench/index.sh -- composite-index Monte Carlo (task T5 of ../shared/bench-peers):
# aimaq and the numpy (and, when installed, R) peer on the same generated
# inputs in the same run; prints the answers (they must agree exactly with each
# other and, at N = 10000, with ../shared/bench-peers/RESULTS.md), the times,
# peak memory and the ratios.
#
#   bench/index.sh [N ...]        default N = 10000 100000
#   AIMAQ=path/to/aimaq THREADS=2 bench/index.sh 1000000
#   PEER=0 bench/index.sh 1000000   aimaq only (numpy takes about 5 minutes at 1M)
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=../shared/bench-peers
AIMAQ=${AIMAQ:-build/aimaq}
THREADS=${THREADS:-$(nproc)}
PY=/usr/bin/python3
DATA=${DATA:-/tmp/aimaq-bench-index}
SIZES=${*:-10000 100000}
PEER=${PEER:-1}
[ -x "$AIMAQ" ] || { echo "bench/index.sh: no aimaq binary at $AIMAQ (set AIMAQ=)" >&2; exit 1; }

# Checksums of T5 from aimaq's per-unit output (columns id, rank, rank_median,
# rank_q05, rank_q95, ...), in the peers' row format.
checksum() {
    "$PY" - "$1" <<'PYEOF'
import csv, sys
best = None; sid = 0; q05 = med = q95 = idmed = 0.0
for r in csv.DictReader(open(sys.argv[1])):
    i = int(r["id"]); rk = int(float(r["rank"]))
    if rk == 1: best = i
    sid += i * rk
    q05 += float(r["rank_q05"]); med += float(r["rank_median"]); q95 += float(r["rank_q95"])
    idmed += i * float(r["rank_median"])
print("best=%d;sumidrank=%d;sumq05=%.2f;summed=%.2f;sumq95=%.2f;sumidmed=%.2f" % (best, sid, q05, med, q95, idmed))
PYEOF
}

for N in $SIZES; do
    d="$DATA/N$N"
    if [ ! -f "$d/mc_weights.csv" ]; then
        mkdir -p "$d"
        "$PY" "$PEERS/gen.py" "$N" 42 "$d" >/dev/null
    fi
    out="$DATA/aimaq-T5-N$N.csv"
    /usr/bin/time -f "%e %M" -o "$DATA/time.txt" \
        "$AIMAQ" potential "$d/points.csv" --method bench/index_t5.yaml \
        --weight-draws "$d/mc_weights.csv" --threads "$THREADS" --format csv --output "$out" 2>/dev/null
    read -r asec akb < "$DATA/time.txt"
    achk=$(checksum "$out")
    # aimaq single-threaded too, for the single-core ratio
    /usr/bin/time -f "%e %M" -o "$DATA/time1.txt" \
        "$AIMAQ" potential "$d/points.csv" --method bench/index_t5.yaml \
        --weight-draws "$d/mc_weights.csv" --threads 1 --format csv --output "$out.1" 2>/dev/null
    read -r asec1 akb1 < "$DATA/time1.txt"
    echo "T5,aimaq,threads=$THREADS,$N,$asec,$achk,peak_MB=$((akb / 1024)) (wall time incl. CSV load and output)"
    echo "T5,aimaq,threads=1,$N,$asec1,$(checksum "$out.1"),peak_MB=$((akb1 / 1024))"
    echo "load average at N=$N: $(cut -d' ' -f1-3 /proc/loadavg) (2-core machine: above 2, times are inflated)"
    if [ "$PEER" = 0 ]; then
        echo "T5,numpy,skipped (PEER=0)"
        continue
    fi
    # peer_py.py's own entry point also imports libpysal (for its version table);
    # T5 needs only numpy and pandas, so call its task function directly.
    prow=$(/usr/bin/time -f "%M" -o "$DATA/ptime.txt" "$PY" -c "
import sys; sys.path.insert(0, '$PEERS')
import numpy as np, peer_py
sec, chk, load, prep = peer_py.task_T5('numpy', '$d')
print('T5,numpy,numpy-%s,$N,%.6f,%s,%.3f,%.3f' % (np.__version__, sec, chk, load, prep))")
    pkb=$(cat "$DATA/ptime.txt")
    echo "$prow,peak_MB=$((pkb / 1024))"
    psec=$(echo "$prow" | cut -d, -f5)
    pchk=$(echo "$prow" | cut -d, -f6)
    # numpy sums its checksums in float64 (order-dependent in the last digits
    # at 10^17): compare to 1e-9 relative, as RESULTS.md prescribes.
    same=$("$PY" -c "
a = dict(kv.split('=') for kv in '$achk'.split(';')); p = dict(kv.split('=') for kv in '$pchk'.split(';'))
ok = all(abs(float(a[k]) - float(p[k])) <= 1e-9 * max(1.0, abs(float(p[k]))) for k in p)
print(('answers identical' if a == p else 'answers equal to 1e-9 relative') if ok else 'ANSWERS DIFFER')")
    "$PY" -c "print('N=%s numpy/aimaq = %.1fx (%s threads), %.1fx (1 thread); %s' % ('$N', $psec / $asec, '$THREADS', $psec / $asec1, '$same'))"
    rrow=""
    if command -v Rscript >/dev/null 2>&1; then
        rrow=$(Rscript "$PEERS/peer_r.R" T5 base-R "$d" 2>/dev/null) || rrow=""
    fi
    if [ -n "$rrow" ]; then
        echo "$rrow"
        rsec=$(echo "$rrow" | cut -d, -f5)
        "$PY" -c "print('N=%s R/aimaq = %.1fx' % ('$N', $rsec / $asec))"
    else
        echo "T5,base-R,skipped (R or its packages (peer_r.R loads spdep) missing; RESULTS.md: 3.3 s at 10k, 31 s at 100k)"
    fi
done
