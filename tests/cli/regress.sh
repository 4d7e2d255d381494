# regress.sh -- aimaq regress on the PySAL examples (tests/data/pysal): the
# spreg and spatialreg values asserted in tests/unit/t_regress.c, seen
# through the command's JSON, table and CSV, and the messages for bad input.
. tests/cli/lib.inc
D=tests/data/pysal

# OLS with spatial diagnostics, Columbus HOVAL ~ INC + CRIME with
# columbus.gal (spreg test_diagnostics_sp.py: LM-error 3.097094, LM-lag
# 0.981552, robust LM-error 3.209187, robust LM-lag 1.093645, SARMA 4.190739)
expect 0 "$AIMAQ" regress $D/columbus/columbus.shp --y HOVAL --x INC,CRIME \
  --weights $D/columbus/columbus.gal --format json
has "$T/out" '"model": "ols"'
has "$T/out" '"n": 49'
has "$T/out" '"k": 3'
has "$T/out" '"coefficients": {"intercept": 46.42'
has "$T/out" '"lm_error": {"statistic": 3.09709'
has "$T/out" '"lm_lag": {"statistic": 0.98155'
has "$T/out" '"rlm_error": {"statistic": 3.20918'
has "$T/out" '"rlm_lag": {"statistic": 1.09364'
has "$T/out" '"lm_sarma": {"statistic": 4.19073'
has "$T/out" '"moran_residuals": {"statistic": 0.171310'
has "$T/out" '"reading": "Neither LM test is significant'
# the table says the same in words
expect 0 "$AIMAQ" regress $D/columbus/columbus.shp --y HOVAL --x INC,CRIME \
  --weights $D/columbus/columbus.gal
has "$T/out" 'LM-error                     3.0971  p = 0.07843'
has "$T/out" 'keep OLS'

# OLS without weights: CRIME ~ INC + HOVAL (spreg test_diagnostics.py)
expect 0 "$AIMAQ" regress $D/columbus/columbus.shp --y CRIME --x INC,HOVAL --format json
has "$T/out" '"r2": 0.552404040837'
has "$T/out" '"breusch_pagan": {"statistic": 7.90044167596'
has "$T/out" '"weights": null'
hasnt "$T/out" '"diagnostics"'

# ML lag, Baltimore (spreg test_ml_lag.py: rho 0.62351143, logL -875.92771143)
expect 0 "$AIMAQ" regress $D/baltim/baltim.dbf --y PRICE --x NROOM,AGE,SQFT \
  --weights $D/baltim/baltim_q.gal --id STATION --model lag --format json
has "$T/out" '"model": "lag"'
has "$T/out" '"method": "ml"'
has "$T/out" '"k": 5'
has "$T/out" '"rho": 0.623511'
has "$T/out" '"log_likelihood": -875.927711434'
has "$T/out" '"aic": 1761.85542286'
has "$T/out" '"impacts": {'
has "$T/out" '"total": {"NROOM": 9.2697'

has "$T/out" '"logdet": "sparse"'
# the eigenvalue log-determinant gives the same optimum
expect 0 "$AIMAQ" regress $D/baltim/baltim.dbf --y PRICE --x NROOM,AGE,SQFT \
  --weights $D/baltim/baltim_q.gal --id STATION --model lag --logdet eigen --format json
has "$T/out" '"logdet": "eigen"'
has "$T/out" '"rho": 0.623511'
has "$T/out" '"log_likelihood": -875.927711434'
# kNN weights are asymmetric: eigen by default, refused by the sparse path
expect 0 "$AIMAQ" regress $D/columbus/columbus.shp --y CRIME --x INC,HOVAL --weights knn:4 \
  --model lag --format json
has "$T/out" '"logdet": "eigen"'
expect 1 "$AIMAQ" regress $D/columbus/columbus.shp --y CRIME --x INC,HOVAL --weights knn:4 \
  --model lag --logdet sparse
has "$T/err" "kNN weights are asymmetric: use --logdet eigen (at most 6000 units) or --method gm"
expect 1 "$AIMAQ" regress $D/columbus/columbus.shp --y CRIME --x INC --weights queen --model lag --logdet lu
has "$T/err" "--logdet 'lu': expected auto, eigen or sparse"

# ML error, Columbus queen (spatialreg errorsarlm: lambda 0.54675)
expect 0 "$AIMAQ" regress $D/columbus/columbus.shp --y CRIME --x INC,HOVAL \
  --weights queen --model error --format csv
has "$T/out" 'lambda,0.54675'
has "$T/out" 'intercept,60.27946'

# spatial 2SLS, Columbus rook (spreg test_twosls_sp.py: rho 0.0283622122)
expect 0 "$AIMAQ" regress $D/columbus/columbus.shp --y HOVAL --x INC,CRIME \
  --weights rook --model lag --method gm --format json
has "$T/out" '"method": "gm"'
has "$T/out" '"rho": 0.0283622121'
has "$T/out" '"log_likelihood": null'

# bad input
expect 2 "$AIMAQ" regress $D/columbus/columbus.shp --y HOVAL --x INC,NOPE
has "$T/err" "has no column 'NOPE'"
expect 2 "$AIMAQ" regress $D/columbus/columbus.shp --y HOVAL --x INC,INC
has "$T/err" "regress: --x names column 'INC' twice"
expect 1 "$AIMAQ" regress $D/columbus/columbus.shp --y HOVAL --x INC --model lag
has "$T/err" "regress: --model lag needs --weights SPEC"
expect 1 "$AIMAQ" regress $D/columbus/columbus.shp --y HOVAL --x INC --model sarar --weights queen
has "$T/err" "expected ols, lag or error"
expect 1 "$AIMAQ" regress $D/columbus/columbus.shp --y HOVAL --x INC --model error --method gm --weights queen
has "$T/err" "--method gm is implemented for --model lag only"
printf 'id,y,x,z\n1,1,2,4\n2,,3,6\n3,4,5,10\n4,5,1,2\n' > "$T/m.csv"
expect 2 "$AIMAQ" regress "$T/m.csv" --y y --x x
has "$T/err" "m.csv line 3: column 'y' has no number; regression needs a value for every unit"
printf 'id,y,x,z\n1,1,2,4\n2,2,3,6\n3,4,5,10\n4,5,1,2\n' > "$T/c.csv"
expect 2 "$AIMAQ" regress "$T/c.csv" --y y --x x,z
has "$T/err" "perfectly collinear"
finish
