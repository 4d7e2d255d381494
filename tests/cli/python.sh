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
if PYTHONPATH=$SITE PYTHONDONTWRITEBYTECODE=1 "$PY" -m pytest -q -p no:cacheprovider bindings/python/tests \
  > "$T/pytest.log" 2>&1; then ok; else
  bad "pytest bindings/python/tests failed"; sed 's/^/  | /' "$T/pytest.log" >&2
fi
# The package imported from the scratch install, not from the source tree.
PYTHONPATH=$SITE "$PY" -c 'import aimaq, sys; print(aimaq.__file__)' > "$T/where"
has "$T/where" "$SITE/aimaq/__init__.py"
tail -1 "$T/pytest.log"
finish
