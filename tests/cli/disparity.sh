#!/usr/bin/env bash
# aimaq disparity, convergence and markov on PySAL's example data
# (tests/data/pysal, see its SOURCE.md): the published values of the
# pysal/inequality and pysal/giddy test suites, the JSON keys of issue 3,
# every output format, and the bad-input errors.
set -euo pipefail
: "${AIMAQ:?path of the aimaq binary}"
tmp="${AQ_TMP:-/tmp}/disparity-cli.$$"
mkdir -p "$tmp"
. tests/cli/lib.inc # new_store: the store on this run's engine
trap 'rm -rf "$tmp" "$T"' EXIT
fail() { echo "disparity.sh: $*" >&2; exit 1; }
MEX=tests/data/pysal/mexico/mexico.csv
US=tests/data/pysal/us_income/usjoin.csv

# near FILE JQ-EXPR WANT TOL: the number at the path is within TOL of WANT
near() {
    local got
    got=$(jq -r "$2" "$1") || fail "jq $2 on $1"
    jq -en --argjson g "$got" --argjson w "$3" --argjson t "$4" \
        '(($g - $w) | fabs) <= $t' > /dev/null || fail "$2 = $got, expected $3 (tolerance $4)"
}

# --- mexico: Theil T and its decomposition by hanson98, every decade
# (pysal/inequality test_theil.py)
cols=pcgdp1940,pcgdp1950,pcgdp1960,pcgdp1970,pcgdp1980,pcgdp1990,pcgdp2000
"$AIMAQ" disparity "$MEX" --value "$cols" --group hanson98 --format json > "$tmp/mex.json"
theil=(0.20894344 0.15222451 0.10472941 0.10194725 0.09560113 0.10511256 0.10660832)
between=(0.0345889 0.02816853 0.05260921 0.05931219 0.03205257 0.02963731 0.03635872)
within=(0.17435454 0.12405598 0.0521202 0.04263506 0.06354856 0.07547525 0.0702496)
for i in 0 1 2 3 4 5 6; do
    near "$tmp/mex.json" ".[$i].theil_t" "${theil[$i]}" 6e-9
    near "$tmp/mex.json" ".[$i].decomposition.theil_t.between" "${between[$i]}" 6e-9
    near "$tmp/mex.json" ".[$i].decomposition.theil_t.within" "${within[$i]}" 6e-9
done
# Gini of pcgdp1940 (pysal/inequality test_gini.py)
near "$tmp/mex.json" '.[0].gini' 0.35372371173452849 1e-15
[ "$(jq -r '.[0].value' "$tmp/mex.json")" = pcgdp1940 ] || fail "value name"
[ "$(jq -r 'length' "$tmp/mex.json")" = 7 ] || fail "one object per value column"
# every key of the issue is present
for k in n mean median min max ratio_max_min ratio_p90_p10 ratio_top_bottom_quintile cv \
    cv_sample williamson gini theil_t theil_l ge atkinson hoover palma lorenz decomposition; do
    jq -e ".[0] | has(\"$k\")" "$tmp/mex.json" > /dev/null || fail "no key $k"
done
for k in '"-1"' '"0"' '"1"' '"2"'; do jq -e ".[0].ge | has($k)" "$tmp/mex.json" >/dev/null || fail "ge $k"; done
for k in '"0.5"' '"1"' '"2"'; do jq -e ".[0].atkinson | has($k)" "$tmp/mex.json" >/dev/null || fail "atkinson $k"; done
# the decomposition is exact for Theil L too, and the groups are there
near "$tmp/mex.json" '.[0].decomposition.theil_l.between + .[0].decomposition.theil_l.within' \
    "$(jq '.[0].theil_l' "$tmp/mex.json")" 1e-13
[ "$(jq '.[0].decomposition.theil_t.groups | length' "$tmp/mex.json")" = 5 ] || fail "5 groups"
[ "$(jq -r '.[0].decomposition.theil_t.groups[0].group' "$tmp/mex.json")" = 1 ] || fail "group order"

# --- one column still gives an array; Atkinson and weighted Gini from files
printf 'id,x\na,10\nb,20\nc,30\nd,40\ne,50\n' > "$tmp/atk.csv"
"$AIMAQ" disparity "$tmp/atk.csv" --value x --format json > "$tmp/atk.json"
jq -e 'type == "array" and length == 1' "$tmp/atk.json" > /dev/null || fail "array of one"
near "$tmp/atk.json" '.[0].atkinson."0.5"' 0.06315339222708616 1e-15
near "$tmp/atk.json" '.[0].atkinson."1"' 0.13160963843421658 1e-15
# REAT gini(x, weighting = w): 0.527826086956522
printf 'code,v,w\nA,500,1000\nB,1500,1200\nC,2500,1600\nD,4000,400\nE,7500,200\nF,15000,600\n' > "$tmp/w.csv"
"$AIMAQ" disparity "$tmp/w.csv" --value v --weight w --format json > "$tmp/w.json"
near "$tmp/w.json" '.[0].gini' 0.527826086956522 1e-14
near "$tmp/w.json" '.[0].williamson' "$(jq '.[0].cv' "$tmp/w.json")" 0

# --- Markov chain of usjoin quintiles 1929-2009 (pysal/giddy)
years=$(seq -s, 1929 2009)
"$AIMAQ" markov "$US" --series "$years" --classes 5 --format json > "$tmp/mk.json"
[ "$(jq -c '.transitions' "$tmp/mk.json")" = \
  '[[729,71,1,0,0],[72,567,80,3,0],[0,81,631,86,2],[0,3,86,573,56],[0,0,1,57,741]]' ] \
    || fail "transitions $(jq -c .transitions "$tmp/mk.json")"
ss=(0.20774716 0.18725774 0.20740537 0.18821787 0.20937187)
for i in 0 1 2 3 4; do near "$tmp/mk.json" ".steady_state[$i]" "${ss[$i]}" 6e-9; done
for k in classes bins transitions p steady_state mfpt sojourn prais shorrocks; do
    jq -e "has(\"$k\")" "$tmp/mk.json" > /dev/null || fail "markov key $k"
done

# --- convergence on mexico 1940 -> 2000 (scipy.stats.linregress, see t_convergence.c)
"$AIMAQ" convergence "$MEX" --series pcgdp1940,pcgdp2000 --format json > "$tmp/cv.json"
near "$tmp/cv.json" '.beta.beta' -0.007254802677838517 1e-15
near "$tmp/cv.json" '.beta.T' 60 0
near "$tmp/cv.json" '.beta.half_life' 72.77903699141807 1e-9
near "$tmp/cv.json" '.sigma[0].sd_log' 0.6300039877338818 1e-13
for k in F df1 df2 p; do jq -e ".sigma_test | has(\"$k\")" "$tmp/cv.json" >/dev/null || fail "sigma_test $k"; done
for k in n T alpha beta se_alpha se_beta t p r2 speed half_life; do
    jq -e ".beta | has(\"$k\")" "$tmp/cv.json" > /dev/null || fail "beta $k"
done
# Kendall's tau of [12,2,1,12,2] vs [1,4,7,1,0] (scipy.stats.kendalltau docs
# before scipy 1.2; the published p used sqrt(2) rounded to 1.4142136)
printf 'id,y1,y2\na,12,1\nb,2,4\nc,1,7\nd,12,1\ne,2,1e-9\n' > "$tmp/k.csv"
"$AIMAQ" convergence "$tmp/k.csv" --series y1,y2 --times 0,1 --format json > "$tmp/k.json" 2>/dev/null
near "$tmp/k.json" '.kendall.tau' -0.47140452079103173 1e-15
near "$tmp/k.json" '.kendall.p' 0.24821309157521476 2e-8

# --- bootstrap: seeded and deterministic
"$AIMAQ" disparity "$MEX" --value pcgdp1940 --bootstrap 200 --seed 5 --format json > "$tmp/b1.json"
"$AIMAQ" disparity "$MEX" --value pcgdp1940 --bootstrap 200 --seed 5 --threads 1 --format json > "$tmp/b2.json"
cmp -s "$tmp/b1.json" "$tmp/b2.json" || fail "bootstrap differs between runs/threads"
jq -e '.[0].ci.gini[0] < .[0].gini and .[0].ci.gini[1] > .[0].gini' "$tmp/b1.json" >/dev/null \
    || fail "gini interval: $(jq -c .[0].ci.gini "$tmp/b1.json")"

# --- text and CSV
"$AIMAQ" disparity "$MEX" --value pcgdp1940 --format csv > "$tmp/o.csv"
grep -q '^pcgdp1940,gini,0.35372371173452' "$tmp/o.csv" || fail "csv: $(head -3 "$tmp/o.csv")"
"$AIMAQ" disparity "$MEX" --value pcgdp1940 | grep -q 'theil_t' || fail "text table"
"$AIMAQ" markov "$US" --series 1929,1969,2009 --format csv | grep -q '^shorrocks' || fail "markov csv"
"$AIMAQ" convergence "$MEX" --series pcgdp1940,pcgdp2000 --format csv | grep -q '^beta,,half_life' \
    || fail "convergence csv"

# --- from the store: import a small regional table, select it back
printf 'code,name,level,period,grp_pc,pop\nKZ-A,Almaty,region,2023,5000,2000\nKZ-B,Astana,region,2023,9000,1500\nKZ-C,Atyrau,region,2023,15000,700\nKZ-D,Turkistan,region,2023,1500,2100\n' > "$tmp/kz.csv"
DB=$(new_store s.db)
"$AIMAQ" import "$tmp/kz.csv" --db "$DB" > /dev/null
"$AIMAQ" disparity --db "$DB" --indicator grp_pc,pop --level region --period 2023 \
    --value grp_pc --weight pop --format json > "$tmp/st.json"
"$AIMAQ" disparity "$tmp/kz.csv" --value grp_pc --weight pop --format json > "$tmp/fi.json"
[ "$(jq -c '.[0] | [.n, .gini, .theil_t]' "$tmp/st.json")" = "$(jq -c '.[0] | [.n, .gini, .theil_t]' "$tmp/fi.json")" ] \
    || fail "store and file differ: $(jq -c '.[0] | [.n, .gini]' "$tmp/st.json")"

# --- bad input
printf 'code,x,w,g\nA,1,10,n\nB,,10,n\nC,0,5,s\nD,4,5,s\nE,2,1,s\n' > "$tmp/bad.csv"
set +e
"$AIMAQ" disparity "$tmp/bad.csv" --value x 2> "$tmp/err"; rc=$?
set -e
[ $rc = 2 ] || fail "non-positive value: exit $rc"
grep -q "line 4 (code 'C')" "$tmp/err" && grep -q theil_l "$tmp/err" && grep -q -- --drop-nonpositive "$tmp/err" \
    || fail "message: $(cat "$tmp/err")"
"$AIMAQ" disparity "$tmp/bad.csv" --value x --weight w --group g --drop-nonpositive --format json > "$tmp/d.json"
[ "$(jq -c '.[0] | [.n, .missing, .dropped_nonpositive]' "$tmp/d.json")" = '[3,1,1]' ] \
    || fail "counts: $(jq -c '.[0] | [.n, .missing, .dropped_nonpositive]' "$tmp/d.json")"
printf 'code,x\nA,3\n' > "$tmp/one.csv"
# Values without their weights (population of another year): said so, not
# "needs at least 2 units, got 0".
printf 'code,x,w\nA,3,\nB,4,\nC,,10\n' > "$tmp/noweight.csv"
set +e
"$AIMAQ" disparity "$tmp/noweight.csv" --value x --weight w 2> "$tmp/err5"; rc5=$?
"$AIMAQ" disparity "$tmp/one.csv" --value x 2> "$tmp/err"; rc=$?
"$AIMAQ" disparity "$MEX" --value nosuch 2> "$tmp/err2"; rc2=$?
"$AIMAQ" convergence "$MEX" --series pcgdp1940,pcgdp2000 --times 1940 2> "$tmp/err3"; rc3=$?
"$AIMAQ" disparity "$MEX" 2> /dev/null; rc4=$?
set -e
[ $rc = 2 ] && grep -q "at least 2 units" "$tmp/err" || fail "one unit: $rc $(cat "$tmp/err")"
[ $rc2 = 2 ] && grep -q "no column 'nosuch'" "$tmp/err2" || fail "no column: $rc2 $(cat "$tmp/err2")"
[ $rc3 = 1 ] && grep -q "2 series but 1 times" "$tmp/err3" || fail "mismatched: $rc3 $(cat "$tmp/err3")"
[ $rc4 = 1 ] || fail "--value is required: $rc4"
[ $rc5 = 2 ] && grep -q "2 of the 2 unit(s) with a value of 'x' have no weight 'w', which leaves 0 to compare" "$tmp/err5" ||
  fail "values without weights: $rc5 $(cat "$tmp/err5")"
echo "disparity.sh: ok"
