# spatial_large.sh -- the fast paths for large inputs (kNN grid, bucket-shuffled
# global permutations, vectorised local draws: n > 65,536) give the same
# answers whatever the number of threads.
. tests/cli/lib.inc
awk 'BEGIN { srand(42); print "id,x,y,v";
  for (i = 1; i <= 200000; i++) { x = rand() * 1000; y = rand() * 1000;
    printf "%d,%.6f,%.6f,%.6f\n", i, x, y, sin(x / 80) + cos(y / 60) + rand() } }' > "$T/pts.csv"
for n in 1 2; do
  expect 0 env OMP_NUM_THREADS=$n "$AIMAQ" lisa "$T/pts.csv" --value v --x x --y y --weights knn:8 --id id \
    --permutations 99 --seed 7 --format csv --output "$T/lisa$n.csv"
  expect 0 env OMP_NUM_THREADS=$n "$AIMAQ" moran "$T/pts.csv" --value v --x x --y y --weights knn:8 \
    --permutations 99 --seed 7 --output "$T/moran$n.json"
done
if cmp -s "$T/lisa1.csv" "$T/lisa2.csv"; then ok; else bad "local Moran differs between 1 and 2 threads"; fi
if cmp -s "$T/moran1.json" "$T/moran2.json"; then ok; else bad "global Moran differs between 1 and 2 threads"; fi
eq "$(wc -l < "$T/lisa1.csv")" "200001" "one row per unit"
has "$T/moran1.json" '"p_sim": 0.01'   # a strong smooth field: no permutation reaches I
finish
