# python.sh -- the Python package bindings/python (importable as aimaq) over
# the installed library: `cmake --install` of this build into a scratch
# prefix, `pip install --no-build-isolation` of the package (offline, from a
# copy of the folder so the source tree gets no build/ or egg-info), then its
# pytest suite with AIMAQ_LIBRARY pointing at the installed libaimaq.so.
# Skips (exit 0, a "skipped:" line) when no python3 has numpy, pandas and
# pytest (scripts/setup.sh test installs them), and in the ASan build, whose
# libaimaq.so cannot be loaded into a Python interpreter built without ASan.
# With AQ_TEST_DB set, the store tests make their databases on that server
# (bindings/python/tests/conftest.py, as lib.inc's new_store).
. tests/cli/lib.inc
BUILD=$(cd "$(dirname "$AIMAQ")" && pwd)
if grep -q '^CMAKE_BUILD_TYPE:STRING=Asan$' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "skipped: the ASan build's libaimaq.so needs the ASan runtime, which python3 does not load"
  finish; exit 0
fi
# The first python3 with what the package and its tests need: PATH's, else
# Debian's own (a pyenv or venv python3 may come first on PATH without them).
PY=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" > /dev/null 2>&1 && "$p" -c 'import numpy, pandas, pytest' > /dev/null 2>&1; then
    PY=$p; break
  fi
done
if [ -z "$PY" ]; then
  echo "skipped: no python3 with numpy, pandas and pytest (sh scripts/setup.sh test installs them)"
  finish; exit 0
fi
P=$T/prefix
if ! cmake --install "$BUILD" --prefix "$P" > "$T/install.log" 2>&1; then
  bad "cmake --install $BUILD failed"; sed 's/^/  | /' "$T/install.log" >&2; finish; exit 1
fi
export AIMAQ_LIBRARY=$P/lib/libaimaq.so.0
cp -r bindings/python "$T/src"
rm -rf "$T/src/build" "$T/src"/*.egg-info
if "$PY" -m pip --version > /dev/null 2>&1; then
  if "$PY" -m pip install -q --no-build-isolation --no-deps --no-index --no-cache-dir \
    --disable-pip-version-check --target "$T/site" "$T/src" \
    > "$T/pip.log" 2>&1; then ok; else
    bad "pip install --no-build-isolation bindings/python failed"; sed 's/^/  | /' "$T/pip.log" >&2
  fi
  SITE=$T/site
else
  echo "note: no pip for $PY: the tests import the package from its folder"
  SITE=$T/src
fi
# The package finds the library through AIMAQ_LIBRARY, and says which.
got=$(PYTHONPATH=$SITE "$PY" -c 'import aimaq; print(aimaq.library_path)' 2> "$T/err")
eq "$got" "$AIMAQ_LIBRARY" "library the package loaded"
# ... and, without it, through pkg-config.
got=$(env -u AIMAQ_LIBRARY PKG_CONFIG_PATH="$P/lib/pkgconfig" PYTHONPATH=$SITE "$PY" -c \
  'import aimaq; print(aimaq.library_path)' 2> "$T/err")
eq "$got" "$P/lib/libaimaq.so.0" "library found through pkg-config"
# pytest from the repository root imports the installed package ($SITE):
# neither the root nor the tests' folder holds an aimaq package.
# The package mirrors the public structures in ctypes (_lib.py); a field
# added in C and not there shifts every later one, and the library reads
# past the Python object. Each mirror's size must be the C struct's.
cat > "$T/sizes.c" << 'EOF_C'
#include <aimaq.h>
#include <aimaq_index.h>
#include <aimaq_ineq.h>
#include <aimaq_network.h>
#include <aimaq_report.h>
#include <aimaq_spatial.h>
#include <aimaq_structure.h>
#include <stdio.h>
#define S(py, c) printf("%s %zu\n", #py, sizeof(c))
int main(void)
{
    S(ReadOpts, aq_read_opts); S(ImportOpts, aq_import_opts); S(ImportColumn, aq_import_column);
    S(ImportResult, aq_import_result); S(Selection, aq_selection); S(Finding, aq_finding);
    S(MatchOpts, aq_match_opts); S(IneqOpts, aq_ineq_opts); S(IneqGroup, aq_ineq_group);
    S(IneqResult, aq_ineq_result); S(IneqCI, aq_ineq_ci); S(Sigma, aq_sigma);
    S(ConvergenceResult, aq_convergence_result); S(MarkovResult, aq_markov_result);
    S(WeightsInfo, aq_weights_info); S(MoranResult, aq_moran_result); S(GearyResult, aq_geary_result);
    S(GetisResult, aq_getis_result); S(LocalOpts, aq_local_opts); S(Local, aq_local);
    S(SpMarkovResult, aq_spmarkov_result); S(Shift, aq_shift); S(StructureOpts, aq_structure_opts);
    S(EdgeOpts, aq_edge_opts); S(Bands, aq_bands); S(AccessOpts, aq_access_opts);
    S(NetworkOpts, aq_network_opts); S(UncertaintyOpts, aq_uncertainty_opts);
    S(SupportTimes, aq_support_times); S(ReportOpts, aq_report_opts);
    return 0;
}
EOF_C
if cc -std=c11 -I"$P/include" $(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags aimaq) "$T/sizes.c" -o "$T/sizes" \
  2> "$T/sizes.err" && "$T/sizes" > "$T/sizes.c.txt"; then
  PYTHONPATH=$T/src "$PY" -c '
import ctypes, sys
from aimaq import _lib
for line in open(sys.argv[1]):
    name, size = line.split()
    got = ctypes.sizeof(getattr(_lib, name))
    print(name, got, "ok" if got == int(size) else "MISMATCH: C has %s" % size)
' "$T/sizes.c.txt" > "$T/sizes.py.txt" 2>&1 || bad "the structure size check did not run: $(tail -3 "$T/sizes.py.txt")"
  if grep -q MISMATCH "$T/sizes.py.txt"; then bad "ctypes structures differ from the C headers: $(grep MISMATCH "$T/sizes.py.txt" | tr '\n' ';')"; else ok; fi
else
  bad "cannot build the structure size check"; sed 's/^/  | /' "$T/sizes.err" | head -5 >&2
fi

if PYTHONPATH=$SITE PYTHONDONTWRITEBYTECODE=1 "$PY" -m pytest -q -p no:cacheprovider bindings/python/tests \
  > "$T/pytest.log" 2>&1; then ok; else
  bad "pytest bindings/python/tests failed"; sed 's/^/  | /' "$T/pytest.log" >&2
fi
# The package imported from the scratch install, not from the source tree.
PYTHONPATH=$SITE "$PY" -c 'import aimaq, sys; print(aimaq.__file__)' > "$T/where"
has "$T/where" "$SITE/aimaq/__init__.py"
tail -1 "$T/pytest.log"
finish
