# qgis.sh -- the QGIS Processing provider bindings/qgis (aimaq_qgis) run
# headless by qgis_process against the CLI's numbers on columbus: the
# build installed into a scratch prefix (as python.sh), the aimaq package
# importable from a copy of bindings/python, the plugin found through
# QGIS_PLUGINPATH and enabled in a scratch profile (HOME), then one run each
# of lisa, moran, disparity, classify and weights (qgis_process starts in a
# few seconds; keep the runs few). Skips (exit 0, a "skipped:" line) when
# there is no qgis_process or python3 with numpy and pandas, and in the
# ASan build, whose libaimaq.so a plain python3 cannot load.
. tests/cli/lib.inc
BUILD=$(cd "$(dirname "$AIMAQ")" && pwd)
if grep -q '^CMAKE_BUILD_TYPE:STRING=Asan$' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "skipped: the ASan build's libaimaq.so needs the ASan runtime, which QGIS's python does not load"
  finish; exit 0
fi
# Debian's /usr/bin/qgis_process wrapper passes --noversioncheck (from
# /etc/default/qgis, meant for the desktop), which qgis_process 3.22
# refuses: call the binary behind it when it is there.
QP=""
for q in qgis_process.bin qgis_process; do
  if command -v "$q" > /dev/null 2>&1; then QP=$q; break; fi
done
if [ -z "$QP" ]; then
  echo "skipped: no qgis_process (sh scripts/setup.sh test installs qgis and python3-qgis)"
  finish; exit 0
fi
if ! /usr/bin/python3 -c 'import numpy, pandas, qgis.core' > /dev/null 2>&1; then
  echo "skipped: /usr/bin/python3 lacks numpy, pandas or qgis.core (python3-qgis)"
  finish; exit 0
fi
P=$T/prefix
if ! cmake --install "$BUILD" --prefix "$P" > "$T/install.log" 2>&1; then
  bad "cmake --install $BUILD failed"; sed 's/^/  | /' "$T/install.log" >&2; finish; exit 1
fi
cp -r bindings/python "$T/py"
rm -rf "$T/py/build" "$T/py"/*.egg-info
mkdir -p "$T/home" && chmod 700 "$T/home"
export AIMAQ_LIBRARY=$P/lib/libaimaq.so.0 PYTHONPATH=$T/py QGIS_PLUGINPATH=$PWD/bindings/qgis \
  QT_QPA_PLATFORM=offscreen HOME=$T/home XDG_RUNTIME_DIR=$T/home AIMAQ_QGIS_LANG=en \
  PYTHONDONTWRITEBYTECODE=1
D=tests/data/pysal/columbus/columbus.shp
# qrun NAME ARGS...: qgis_process --json run aimaq:NAME -- ARGS, JSON in $T/NAME.json
qrun() {
  name=$1; shift
  if "$QP" --json run "aimaq:$name" -- "$@" > "$T/$name.json" 2> "$T/$name.err"; then ok; else
    bad "qgis_process run aimaq:$name failed"; sed 's/^/  | /' "$T/$name.err" | tail -15 >&2
  fi
}

expect 0 "$QP" plugins enable aimaq_qgis
# The toolbox's names follow the locale (AIMAQ_QGIS_LANG overrides QGIS's).
expect 0 env AIMAQ_QGIS_LANG=kk "$QP" list
has "$T/out" "aimaq:lisa	Жергілікті Моран индексі (LISA)"
has "$T/out" "aimaq:disparity	Теңсіздік көрсеткіштері"

# LISA: every unit's cluster, quadrant and p_sim the CLI's for the same seed;
# the style saved beside the output colours High-High red.
qrun lisa INPUT=$D VALUE=CRIME WEIGHTS=0 ID=POLYID PERMUTATIONS=99 SEED=5 OUTPUT="$T/lisa.gpkg"
"$AIMAQ" lisa $D --value CRIME --weights queen --id POLYID --permutations 99 --seed 5 \
  --format csv > "$T/lisa_cli.csv"
/usr/bin/python3 - "$T/lisa.gpkg" "$T/lisa_cli.csv" > "$T/lisa.cmp" 2>&1 << 'EOF_PY'
import csv, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
t = c.execute("select table_name from gpkg_contents").fetchone()[0]
q = list(c.execute(f'select POLYID, Ii, p_sim, quadrant, cluster from "{t}" order by fid'))
cli = list(csv.DictReader(open(sys.argv[2])))
print("units", len(q), len(cli))
bad = [r[0] for r, k in zip(q, cli) if (str(r[0]), r[4], r[3], r[2]) !=
       (k["id"], k["cluster"], int(k["quadrant"]), float(k["p_sim"]))
       or abs(r[1] - float(k["Ii"])) > 1e-12 * max(1, abs(r[1]))]
print("differ", bad)
print("clusters", sorted(set(r[4] for r in q)))
EOF_PY
has "$T/lisa.cmp" "units 49 49"
has "$T/lisa.cmp" "differ []"
has "$T/lisa.cmp" "'High-High'"
has "$T/lisa.cmp" "'Low-Low'"
has "$T/lisa.qml" 'value="High-High"'
has "$T/lisa.qml" '215,25,28'

# Moran's I: every statistic the CLI's.
qrun moran INPUT=$D VALUE=CRIME WEIGHTS=0 PERMUTATIONS=99 SEED=5
"$AIMAQ" moran $D --value CRIME --weights queen --permutations 99 --seed 5 > "$T/moran_cli.json"
# Disparity: every measure of the table the CLI's JSON value.
qrun disparity INPUT=$D VALUE=INC WEIGHT=HOVAL GROUP=CP OUTPUT="$T/disp.csv"
"$AIMAQ" disparity $D --value INC --weight HOVAL --group CP --format json > "$T/disp_cli.json"
/usr/bin/python3 - "$T" > "$T/num.cmp" 2>&1 << 'EOF_PY'
import csv, json, math, sys
T = sys.argv[1]
def close(a, b):
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or math.isnan(a)) and (b is None or (isinstance(b, float) and math.isnan(b)))
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))
def tail_json(path):  # qgis_process may print log lines before the JSON
    s = open(path).read()
    return json.loads(s[s.index("{"):])
q = tail_json(f"{T}/moran.json")["results"]
cli = json.load(open(f"{T}/moran_cli.json"))
keys = ["I", "EI", "VI_norm", "z_norm", "p_norm", "VI_rand", "z_rand", "p_rand", "EI_sim",
        "seI_sim", "z_sim", "p_sim"]
print("moran I", q["I"])
print("moran differ", [k for k in keys if not close(q[k], cli[k])])
def flat(d, pre=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat(v, pre + k + ".")
        elif isinstance(v, (int, float)) and not isinstance(v, bool) or v is None:
            yield pre + k, v
cli = dict(flat(json.load(open(f"{T}/disp_cli.json"))[0]))
rows = list(csv.DictReader(open(f"{T}/disp.csv")))
got = {r["measure"]: (float(r["value"]) if r["value"] != "" else None) for r in rows}
common = [k for k in got if k in cli]
print("disparity measures", len(got), "compared", len(common) >= 20)
print("disparity differ", [k for k in common if not close(got[k], cli[k])])
# The CSV holds the values as text; the outputs carry them exactly.
r = tail_json(f"{T}/disparity.json")["results"]
print("gini", r["GINI"] == cli["gini"], "theil_t", r["THEIL_T"] == cli["theil_t"])
EOF_PY
has "$T/num.cmp" "moran I 0.5001885571828"
has "$T/num.cmp" "moran differ []"
has "$T/num.cmp" "compared True"
has "$T/num.cmp" "disparity differ []"
has "$T/num.cmp" "gini True theil_t True"

# Convergence on mexico 1940 -> 2000 (OGR reads the CSV's fields as text;
# the numbers the library gets are the CLI's): beta, sigma and Kendall's.
M=tests/data/pysal/mexico/mexico.csv
qrun convergence INPUT=$M SERIES=pcgdp1940 SERIES=pcgdp2000 OUTPUT="$T/cv.csv"
"$AIMAQ" convergence $M --series pcgdp1940,pcgdp2000 --format json > "$T/cv_cli.json" 2> /dev/null
got=$(/usr/bin/python3 -c '
import json, sys
s = open(sys.argv[1]).read()
q = json.loads(s[s.index("{"):])["results"]
c = json.load(open(sys.argv[2]))
pairs = [(q["BETA"], c["beta"]["beta"]), (q["HALF_LIFE"], c["beta"]["half_life"]),
         (q["P"], c["beta"]["p"]), (q["T_STAT"], c["beta"]["t"]), (q["F"], c["sigma_test"]["F"]), (q["TAU"], c["kendall"]["tau"])]
print(q["N"], q["SPAN"], all(a == b for a, b in pairs), round(q["BETA"], 12))' "$T/convergence.json" "$T/cv_cli.json" 2>&1)
eq "$got" "32 60.0 True -0.007254802678" "convergence from qgis_process and the CLI"
has "$T/cv.csv" "sigma.1940.sd_log,0.63000398773388"

# classify: the class counts the CLI's; weights: the GAL the CLI writes.
qrun classify INPUT=$D VALUE=CRIME METHOD=0 K=5 OUTPUT="$T/cls.gpkg"
"$AIMAQ" classify $D --value CRIME --format json > "$T/cls_cli.json"
/usr/bin/python3 - "$T" > "$T/cls.cmp" 2>&1 << 'EOF_PY'
import json, sqlite3, sys
T = sys.argv[1]
c = sqlite3.connect(f"{T}/cls.gpkg")
t = c.execute("select table_name from gpkg_contents").fetchone()[0]
got = [n for _, n in c.execute(f'select class, count(*) from "{t}" group by class order by class')]
print("counts", got == json.load(open(f"{T}/cls_cli.json"))["counts"], got)
EOF_PY
has "$T/cls.cmp" "counts True"
has "$T/cls.qml" 'graduatedSymbol'
qrun weights INPUT=$D WEIGHTS=0 ID=POLYID OUTPUT="$T/q.gal"
"$AIMAQ" weights $D --weights queen --id POLYID --output "$T/cli.gal" > /dev/null
eq "$(cmp -s "$T/q.gal" "$T/cli.gal" && echo same)" same "GAL from qgis_process and the CLI"
has "$T/weights.json" '"LINKS": 236'
# depressed with a methodology file on a CSV layer (OGR reads its fields as
# text; numbers are numbers again for the library): the CLI's rows.
qrun depressed INPUT=methods/examples/small-towns-synthetic.csv \
  METHOD=methods/kz-depressed-small-towns.yaml OUTPUT="$T/dep.csv"
"$AIMAQ" depressed methods/examples/small-towns-synthetic.csv \
  --method methods/kz-depressed-small-towns.yaml --format csv > "$T/dep_cli.csv"
got=$(/usr/bin/python3 -c '
import csv, sys
a, b = (list(csv.reader(open(p))) for p in sys.argv[1:])
print(len(a), a == b)' "$T/dep.csv" "$T/dep_cli.csv" 2>&1)
eq "$got" "13 True" "depressed rows from qgis_process and the CLI"
# access on a road line layer: the CLI's minutes through `aimaq network`'s
# edges and nodes, the same snapping.
N=tests/data/network
head -2 $N/villages.csv > "$T/hub.csv"
csvl() { # a CSV of lon, lat points as a QGIS delimited-text layer
  case $1 in /*) f=$1 ;; *) f=$PWD/$1 ;; esac
  echo "delimitedtext://file://$f?xField=lon&yField=lat&crs=EPSG:4326"
}
qrun access LINES=$N/roads.geojson CLASS=highway "CENTRES=$(csvl "$T/hub.csv")" \
  CENTRE_NAME=name "SETTLEMENTS=$(csvl $N/villages.csv)" ID=id POP=pop OUTPUT="$T/acc.csv"
"$AIMAQ" network $N/roads.geojson --edges-out "$T/e.csv" --nodes-out "$T/n.csv" > /dev/null 2>&1
"$AIMAQ" access --edges "$T/e.csv" --nodes "$T/n.csv" --centres "$T/hub.csv" --centre-id name \
  --settlements $N/villages.csv --x lon --y lat --format csv > "$T/acc_cli.csv" 2> /dev/null
got=$(/usr/bin/python3 -c '
import csv, sys
a, b = (list(csv.DictReader(open(p))) for p in sys.argv[1:])
f = lambda v: round(float(v), 9) if v else None
print(len(a), [(r["id"], f(r["minutes"]), r["centre"]) for r in a] ==
      [(r["settlement"], f(r["minutes"]), r["centre"]) for r in b], a[1]["minutes"])' \
  "$T/acc.csv" "$T/acc_cli.csv" 2>&1)
eq "$got" "3 True 7.38116057780297" "access minutes from qgis_process and the CLI"
finish
