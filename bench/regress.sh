#!/bin/bash
# regress.sh [SIDE...] -- ML lag and error models on a SIDE x SIDE rook lattice
# (default 30 50 100 316: 900 to 99,856 units) with aimaq and R spatialreg in the same
# run: method "eigen" (the same exact eigenvalue log-determinant as aimaq) and
# "Matrix" (sparse Cholesky, spatialreg's fastest exact method). Checks that
# rho/lambda and b agree to 1e-6 and prints the times and ratios.
# Needs Rscript with spatialreg (Debian r-cran-spatialreg). See bench/README.md.
set -eu
AIMAQ=${AIMAQ:-build/aimaq}
DATA=${DATA:-/tmp/aimaq-bench-regress}
EIGEN_MAX=${EIGEN_MAX:-2500}   # R's eigen at 2,500 units takes about 90 s
here=$(cd "$(dirname "$0")" && pwd)
sides=${*:-30 50 100 316}
printf '| n | model | aimaq s | spatialreg eigen s | ratio | spatialreg Matrix s | ratio | max abs diff (rho/lambda, b) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for s in $sides; do
  d=$DATA/s$s
  mkdir -p "$d"
  [ -f "$d/lattice.gal" ] || Rscript "$here/regress_gen.R" "$s" "$d"
  n=$((s * s))
  for model in lag error; do
    t0=$(date +%s.%N)
    "$AIMAQ" regress "$d/lattice.csv" --y y --x x1,x2 --weights "$d/lattice.gal" --id id \
      --model $model --format csv > "$d/aq_$model.csv"
    t1=$(date +%s.%N)
    ta=$(echo "$t1 - $t0" | bc -l)
    ours=$(awk -F, 'NR>1 {a[NR]=$2} END {printf "%s %s %s %s", a[5], a[2], a[3], a[4]}' "$d/aq_$model.csv")
    re="-"; rre="-"
    if [ "$n" -le "$EIGEN_MAX" ]; then
      set -- $(Rscript "$here/regress_peer.R" "$d" $model eigen)
      re=$3
      rre=$(echo "$re / $ta" | bc -l)
    fi
    set -- $(Rscript "$here/regress_peer.R" "$d" $model Matrix)
    rm_=$3
    theirs="$4 $5 $6 $7"
    diff=$(echo "$ours $theirs" | awk '{m=0; for(i=1;i<=4;i++){x=$i-$(i+4); if(x<0)x=-x; if(x>m)m=x} printf "%.2g", m}')
    ok=$(echo "$diff" | awk '{print ($1 <= 1e-6) ? "ok" : "DIFFERS"}')
    printf '| %d | %s | %.2f | %s | %s | %.2f | %.3f | %s %s |\n' "$n" $model "$ta" \
      "$re" "$( [ "$rre" = - ] && echo - || printf '%.1f' "$rre")" "$rm_" "$(echo "$rm_ / $ta" | bc -l)" "$diff" "$ok"
  done
done
