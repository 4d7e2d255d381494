#!/usr/bin/env bash
# access.sh -- nearest-centre travel times (task T6 of ../shared/bench-peers)
# and 2SFCA, aimaq against scipy.sparse.csgraph and R igraph on the same
# generated road graphs, in one run; prints times, peak memory, checksums
# and ratios.
#
#   bench/access.sh [SIZES...]      default: 10000 1000000 (graph nodes ~ N)
#
# Environment: AIMAQ (default build/aimaq), DATA (default
# /tmp/aimaq-bench-access; inputs are generated there by gen.py, seed 42),
# THREADS (OMP_NUM_THREADS for aimaq's 2SFCA; default all cores).
# Peers run single-threaded, as in ../shared/bench-peers/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
PEERS=../shared/bench-peers
AIMAQ=${AIMAQ:-build/aimaq}
DATA=${DATA:-/tmp/aimaq-bench-access}
PY=/usr/bin/python3 # Debian's, with numpy/scipy/pandas (the peers' runtime)
SIZES=${*:-10000 1000000}
mkdir -p "$DATA"
[ -x "$AIMAQ" ] || { echo "bench/access.sh: no aimaq binary at $AIMAQ (build first)" >&2; exit 1; }
have_r=0
if command -v Rscript >/dev/null 2>&1 &&
   Rscript -e 'library(igraph); library(data.table); library(spdep)' >/dev/null 2>&1; then
  have_r=1
fi

gen() { # gen N: inputs of size N in $DATA/N$N
  [ -f "$DATA/N$1/edges.csv" ] || "$PY" "$PEERS/gen.py" "$1" 42 "$DATA/N$1" >/dev/null
}

# checksum CSV COLUMN: reach, sum and max of the non-empty values of COLUMN
# (the checksum of the peers: reach=..;sum=..;max=..).
checksum() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) k = i; next }
    $k != "" { n++; s += $k; if ($k > m) m = $k }
    END { printf "reach=%d;sum=%.6f;max=%.4f", n, s, m }' "$1"
}

# timed OUT ERR CMD...: runs CMD with /usr/bin/time; sets WALL and PEAK_MB.
timed() {
  local out=$1 err=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$DATA/time.txt" "$@" >"$out" 2>"$err" || true
  read -r WALL PEAK < <(tail -1 "$DATA/time.txt")
  PEAK_MB=$((PEAK / 1024))
}

printf '%-9s %-22s %9s %9s %8s  %s\n' N tool compute_s wall_s peak_MB checksum
for n in $SIZES; do
  gen "$n"
  d="$DATA/N$n"
  # aimaq: compute = graph search + result table (its own --timing line)
  timed "$DATA/aq.out" "$DATA/aq.err" "$AIMAQ" access --edges "$d/edges.csv" --centres "$d/centres.csv" \
    --format csv --output "$DATA/aq$n.csv" --timing
  aq_s=$(sed -n 's/.*compute \([0-9.]*\) s.*/\1/p' "$DATA/aq.err")
  aq_load=$(sed -n 's/.*load \([0-9.]*\) s.*/\1/p' "$DATA/aq.err")
  printf '%-9s %-22s %9s %9s %8s  %s  (load %s s)\n' "$n" aimaq "$aq_s" "$WALL" "$PEAK_MB" \
    "$(checksum "$DATA/aq$n.csv" minutes)" "$aq_load"
  peers="scipy"
  [ "$have_r" = 1 ] && peers="$peers igraph-supersource"
  for peer in $peers; do
    if [ "$peer" = scipy ]; then
      timed "$DATA/peer.out" "$DATA/peer.err" "$PY" "$PEERS/peer_py.py" T6 scipy "$d"
    else
      timed "$DATA/peer.out" "$DATA/peer.err" Rscript "$PEERS/peer_r.R" T6 "$peer" "$d"
    fi
    row=$(tail -1 "$DATA/peer.out")
    if [ -z "$row" ]; then
      printf '%-9s %-22s error: %s\n' "$n" "$peer" "$(tail -1 "$DATA/peer.err")"
      continue
    fi
    sec=$(echo "$row" | cut -d, -f5)
    chk=$(echo "$row" | cut -d, -f6)
    load=$(echo "$row" | cut -d, -f7)
    ratio=$(awk -v p="$sec" -v a="$aq_s" 'BEGIN { printf "%.1f", p / a }')
    printf '%-9s %-22s %9s %9s %8s  %s  (load %s s)  peer/aimaq = %sx\n' "$n" "$peer" "$sec" "$WALL" \
      "$PEAK_MB" "$chk" "$load" "$ratio"
  done
  [ "$have_r" = 1 ] || printf '%-9s %-22s skipped: Rscript with igraph, data.table and spdep (peer_r.R loads it) not installed\n' "$n" igraph
done

# 2SFCA: 10,000 settlements (points of the N=10000 inputs, same square)
# snapped to the largest graph, its centres as facilities of capacity 1,
# 60-minute catchments. No peer computes 2SFCA on a road graph here
# (PySAL access is not packaged for Debian 12), so the check is against a
# direct scipy implementation on the small graph, and the target is time.
big=$(echo $SIZES | tr ' ' '\n' | sort -n | tail -1)
gen 10000
timed "$DATA/fca.out" "$DATA/fca.err" env ${THREADS:+OMP_NUM_THREADS=$THREADS} "$AIMAQ" access \
  --edges "$DATA/N$big/edges.csv" --nodes "$DATA/N$big/nodes.csv" --centres "$DATA/N$big/centres.csv" \
  --settlements "$DATA/N10000/points.csv" --2sfca --cutoff 60 --format csv --output "$DATA/fca$big.csv" --timing
fca_s=$(sed -n 's/.*compute \([0-9.]*\) s.*/\1/p' "$DATA/fca.err")
printf '\n2SFCA, 10000 settlements, %s facilities, 60 min, graph N=%s: compute %s s, wall %s s, peak %s MB (target < 5 s)\n' \
  "$(($(wc -l < "$DATA/N$big/centres.csv") - 1))" "$big" "$fca_s" "$WALL" "$PEAK_MB"

# Agreement of 2SFCA with scipy on the N=10000 graph (10 facilities).
"$AIMAQ" access --edges "$DATA/N10000/edges.csv" --nodes "$DATA/N10000/nodes.csv" \
  --centres "$DATA/N10000/centres.csv" --settlements "$DATA/N10000/points.csv" --2sfca --cutoff 60 \
  --format csv --output "$DATA/fca10000.csv" 2>/dev/null
"$PY" - "$DATA/N10000" "$DATA/fca10000.csv" <<'EOF'
import sys
import numpy as np, pandas as pd, scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
d, mine = sys.argv[1], sys.argv[2]
e = pd.read_csv(d + "/edges.csv"); nodes = pd.read_csv(d + "/nodes.csv")
pts = pd.read_csv(d + "/points.csv"); fac = pd.read_csv(d + "/centres.csv")["node"].to_numpy()
nv = len(nodes)
G = sp.csr_matrix((e["minutes"], (e["from"], e["to"])), shape=(nv, nv))
deg = np.bincount(np.r_[e["from"], e["to"]], minlength=nv)
onnet = np.flatnonzero(deg > 0)            # nodes with an edge: what aimaq snaps to
_, k = cKDTree(nodes[["x", "y"]].to_numpy()[onnet]).query(pts[["x", "y"]].to_numpy())
snode = onnet[k]
D = dijkstra(G, directed=False, indices=fac, limit=60)   # facilities x nodes
W = np.isfinite(D[:, snode]) & (D[:, snode] <= 60)       # facilities x settlements
pop = pts["pop"].to_numpy(float)
den = W @ pop
R = np.where(den > 0, 1.0 / np.where(den > 0, den, 1), 0)
A = W.T.astype(float) @ R
got = pd.read_csv(mine)["ratio"].to_numpy()
rel = np.max(np.abs(got - A) / np.maximum(np.abs(A), 1e-300))
print("2SFCA vs scipy on N=10000: max relative difference %.3g over %d settlements (%s)"
      % (rel, len(A), "agree" if rel < 1e-9 else "DIFFER"))
EOF

# Straight-line mode (no roads): nearest of 1,000 centres for 100,000 points
# spread over Kazakhstan's extent, great-circle km x 1.3 at 60 km/h. Peer:
# scipy cKDTree on 3-D unit vectors (nearest by chord = nearest by
# great-circle), then the haversine of the pair; same checksum.
SL=$DATA/straight
mkdir -p "$SL"
"$PY" - "$SL" <<'PY'
import random, sys
random.seed(42)
d = sys.argv[1]
with open(d + "/settlements.csv", "w") as f:
    f.write("id,lon,lat,pop\n")
    for i in range(100000):
        f.write(f"s{i},{random.uniform(46.5, 87.3):.6f},{random.uniform(40.6, 55.4):.6f},{random.randint(1, 1000)}\n")
with open(d + "/centres.csv", "w") as f:
    f.write("name,lon,lat\n")
    for i in range(1000):
        f.write(f"c{i},{random.uniform(46.5, 87.3):.6f},{random.uniform(40.6, 55.4):.6f}\n")
PY
timed "$DATA/aq.out" "$DATA/aq.err" "$AIMAQ" access --straight-line --centres "$SL/centres.csv" \
  --settlements "$SL/settlements.csv" --format csv --output "$SL/aq.csv" --timing
aq_s=$(sed -n 's/.*compute \([0-9.]*\) s.*/\1/p' "$DATA/aq.err")
printf '%-9s %-22s %9s %9s %8s  %s\n' 100000x1k "aimaq --straight-line" "$aq_s" "$WALL" "$PEAK_MB" \
  "$(checksum "$SL/aq.csv" minutes)"
timed "$DATA/peer.out" "$DATA/peer.err" "$PY" - "$SL" <<'PY'
import csv, sys, time
import numpy as np
from scipy.spatial import cKDTree
d = sys.argv[1]
def load(p):
    a = np.loadtxt(p, delimiter=",", skiprows=1, usecols=(1, 2))
    return np.radians(a[:, 0]), np.radians(a[:, 1])
slon, slat = load(d + "/settlements.csv")
clon, clat = load(d + "/centres.csv")
t0 = time.perf_counter()
unit = lambda lo, la: np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))
_, k = cKDTree(unit(clon, clat)).query(unit(slon, slat))
dlat, dlon = clat[k] - slat, clon[k] - slon
h = np.sin(dlat / 2) ** 2 + np.cos(slat) * np.cos(clat[k]) * np.sin(dlon / 2) ** 2
m = 2 * 6371.0088 * np.arcsin(np.minimum(1, np.sqrt(h))) * 1.3
print(f"{time.perf_counter() - t0:.3f},reach={len(m)};sum={m.sum():.6f};max={m.max():.4f}")
PY
row=$(tail -1 "$DATA/peer.out")
if [ -n "$row" ]; then
  sec=${row%%,*}
  printf '%-9s %-22s %9s %9s %8s  %s  peer/aimaq = %sx\n' 100000x1k "scipy cKDTree" "$sec" "$WALL" \
    "$PEAK_MB" "${row#*,}" "$(awk -v p="$sec" -v a="$aq_s" 'BEGIN { printf "%.2f", (a > 0) ? p / a : 0 }')"
else
  printf '%-9s %-22s error: %s\n' 100000x1k "scipy cKDTree" "$(tail -1 "$DATA/peer.err")"
fi
