# spatial.sh -- aimaq weights, moran, geary, getis, lisa, local-g, spmarkov on
# the PySAL examples (tests/data/pysal, see SOURCE.md there), and the
# messages for bad input.
. tests/cli/lib.inc
D=tests/data/pysal

# Queen contiguity from columbus.shp: 236 links (PySAL), written as GAL keyed
# by POLYID and read back.
expect 0 "$AIMAQ" weights $D/columbus/columbus.shp --weights queen --id POLYID --output "$T/c.gal"
has "$T/out" '"links": 236'
has "$T/out" '"components": 1'
has "$T/c.gal" "0 49 aimaq POLYID"
expect 0 "$AIMAQ" weights $D/columbus/columbus.shp --weights "$T/c.gal" --id POLYID
has "$T/out" '"links": 236'
expect 0 "$AIMAQ" weights $D/columbus/columbus.shp --weights rook --order 2
has "$T/out" '"n": 49'

# Moran's I of CRIME on queen weights (esda: I = 0.5001885571828611,
# z_norm = 5.630312787738188, z_rand = 5.58938267504451).
expect 0 "$AIMAQ" moran $D/columbus/columbus.shp --value CRIME --weights queen --permutations 99 --seed 1
has "$T/out" '"I": 0.500188557182860'
has "$T/out" '"z_norm": 5.63031278773818'
has "$T/out" '"z_rand": 5.58938267504450'
has "$T/out" '"permutations": 99'
# stl with stl.gal by position: I = 0.24365582621771659 (esda), EI = -1/77
expect 0 "$AIMAQ" moran $D/stl/stl_hom.csv --value HR8893 --weights $D/stl/stl.gal --permutations 0
has "$T/out" '"I": 0.2436558262177165'
has "$T/out" '"EI": -0.012987012987012988'
has "$T/out" '"p_sim": null'
# same seed, same answer with 1 or 2 threads
"$AIMAQ" moran $D/stl/stl_hom.csv --value HR8893 --weights $D/stl/stl.gal --seed 9 > "$T/a.json"
OMP_NUM_THREADS=1 "$AIMAQ" moran $D/stl/stl_hom.csv --value HR8893 --weights $D/stl/stl.gal --seed 9 > "$T/b.json"
eq "$(cmp -s "$T/a.json" "$T/b.json" && echo same)" same "moran with 1 and 2 threads"

expect 0 "$AIMAQ" geary $D/columbus/columbus.shp --value CRIME --weights queen --permutations 0
has "$T/out" '"C": 0.5405282027020'
has "$T/out" '"EC": 1'
expect 0 "$AIMAQ" getis $D/columbus/columbus.shp --value CRIME --weights queen --permutations 0
has "$T/out" '"style": "B"'

# LISA: CSV columns, and GeoJSON with geometries
expect 0 "$AIMAQ" lisa $D/columbus/columbus.shp --value CRIME --weights queen --id POLYID --format csv
has "$T/out" "id,value,lag,Ii,EIi,VIi,z,z_sim,p_sim,quadrant,cluster"
has "$T/out" "High-High"
"$AIMAQ" lisa $D/columbus/columbus.shp --value CRIME --weights queen --format csv --seed 5 > "$T/l2.csv"
OMP_NUM_THREADS=1 "$AIMAQ" lisa $D/columbus/columbus.shp --value CRIME --weights queen --format csv --seed 5 > "$T/l1.csv"
eq "$(cmp -s "$T/l1.csv" "$T/l2.csv" && echo same)" same "lisa with 1 and 2 threads"
expect 0 "$AIMAQ" lisa $D/columbus/columbus.shp --value CRIME --weights queen --output "$T/l.geojson"
has "$T/l.geojson" '"type": "Polygon"'
has "$T/l.geojson" '"cluster": '
expect 0 "$AIMAQ" lisa $D/columbus/columbus.shp --value CRIME --weights queen --stat geary --adjust fdr --format csv
has "$T/out" "id,value,lag,ci,z_sim,p_sim,cluster"
expect 0 "$AIMAQ" local-g $D/columbus/columbus.shp --value CRIME --weights queen --star --format csv
has "$T/out" "Gi_star"
has "$T/out" "hot"

# Spatial Markov on us_income (giddy: S[0] = 0.43509425 ...)
expect 0 "$AIMAQ" spmarkov $D/us_income/usjoin.csv --columns 1929:2009 --weights $D/us_income/states48.gal \
  --relative --fixed
has "$T/out" '"S": [[0.435094251803'
has "$T/out" '[[2.29835258878'
expect 0 "$AIMAQ" spmarkov $D/us_income/usjoin.csv --columns 1929:2009 --weights $D/us_income/states48.gal --lisa
has "$T/out" '"statistic": "lisa_markov"'

# Bad input
expect 1 "$AIMAQ" moran $D/columbus/columbus.shp --value CRIME
has "$T/err" "--weights"
expect 2 "$AIMAQ" moran $D/columbus/columbus.shp --value NOPE --weights queen
has "$T/err" "no column 'NOPE'"
expect 1 "$AIMAQ" moran $D/columbus/columbus.shp --value CRIME --weights hexagons
has "$T/err" "unknown --weights 'hexagons'"
printf 'id,v,x,y\na,1,0,0\nb,2,1,0\nc,,2,0\nd,4,3,0\ne,5,4,0\n' > "$T/p.csv"
expect 2 "$AIMAQ" moran "$T/p.csv" --id id --value v --x x --y y --weights knn:2
has "$T/err" "unit 'c'"
printf 'id,v,x,y\na,1,0,0\na,2,1,0\nc,3,2,0\nd,4,3,0\ne,5,4,0\n' > "$T/d.csv"
expect 2 "$AIMAQ" moran "$T/d.csv" --id id --value v --x x --y y --weights knn:2
has "$T/err" "'a' appears twice"
printf 'id,v,x,y\na,1,0,0\nb,1,1,0\nc,1,2,0\nd,1,3,0\ne,1,4,0\n' > "$T/c.csv"
expect 2 "$AIMAQ" moran "$T/c.csv" --id id --value v --x x --y y --weights knn:2
has "$T/err" "constant"
printf '3\nx 1\ny\ny 1\nx\nz 0\n\n' > "$T/w.gal"
printf 'id,v\nx,1\ny,2\nq,3\n' > "$T/g.csv"
expect 2 "$AIMAQ" weights "$T/g.csv" --id id --weights "$T/w.gal"
has "$T/err" "'z'"
expect 2 "$AIMAQ" moran $D/stl/stl_hom.csv --value HR8893 --weights queen
has "$T/err" "row 1"
finish
