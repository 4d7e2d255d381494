#!/bin/sh
# setup.sh -- the README's two commands.
#
#   sh scripts/setup.sh          install what is missing, build, run the Kazakhstan example
#   sh scripts/setup.sh test     install what is missing, build, run the whole test suite
#                                (a normal build on SQLite files, the same build again on a
#                                throwaway PostgreSQL server, and an AddressSanitizer+UBSan
#                                build), then a fuzz smoke of every libFuzzer harness
#   sh scripts/setup.sh valgrind the CLI end-to-end tests under valgrind memcheck (minutes)
#
# Debian packages are installed only when pkg-config (or `command -v`) says
# they are missing, so a second run touches nothing outside the project.
set -eu
cd "$(dirname "$0")/.."
mode=${1:-demo}
jobs=$(nproc 2>/dev/null || echo 2)

need=""
# Libraries, looked up through pkg-config (scripts/deps.txt).
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
while read -r module package; do
  case "$module" in ''|'#'*) continue ;; esac
  if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$module"; then
    need="$need $package"
  fi
done < scripts/deps.txt
# SuiteSparse CHOLMOD ships no pkg-config file in Debian bookworm: its header
# (scripts/deps.txt lists it too, with a path instead of a module).
[ -f /usr/include/suitesparse/cholmod.h ] || need="$need libsuitesparse-dev"
# Tools, looked up on PATH: compiler, build system, and what the tests call
# (GDAL's ogrinfo and ogr2ogr, the sqlite3 shell, jq).
for pair in cc:gcc cmake:cmake ogrinfo:gdal-bin sqlite3:sqlite3 python3:python3 jq:jq; do
  tool=${pair%%:*}; package=${pair#*:}
  command -v "$tool" >/dev/null 2>&1 || need="$need $package"
done
if [ "$mode" = test ]; then
  # The report is checked in a real headless browser (tests/cli/report_browser.sh).
  command -v chromium >/dev/null 2>&1 || need="$need chromium"
  # The dashboard's browser test (tests/cli/serve_browser.sh) drives it with
  # playwright-core from npm (tests/e2e/package-lock.json).
  command -v node >/dev/null 2>&1 || need="$need nodejs"
  command -v npm >/dev/null 2>&1 || need="$need npm"
  # The fuzz smoke (tests/fuzz/): clang and its libFuzzer runtime.
  # tests/cli/install.sh compiles each public header as C++ too.
  command -v c++ >/dev/null 2>&1 || need="$need g++"
  command -v clang >/dev/null 2>&1 || need="$need clang"
  ls "$(clang -print-resource-dir 2>/dev/null)"/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 ||
    need="$need libclang-rt-14-dev"
  # The suite's PostgreSQL pass (scripts/pg_test_server.sh): the server's
  # initdb and pg_ctl, and psql and pg_dump for the CLI tests.
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
  command -v pg_dump >/dev/null 2>&1 || need="$need postgresql-client"
  # The Python package's tests (tests/cli/python.sh): Debian's numpy,
  # pandas, scipy and pytest, pip and setuptools for the offline install,
  # GeoPandas for the GeoDataFrame round trip. Looked for in PATH's python3
  # and in Debian's own (a pyenv or venv one may come first on PATH).
  py_ok=""
  for py in python3 /usr/bin/python3; do
    "$py" -c 'import numpy, pandas, scipy, pytest, setuptools, pip, geopandas' >/dev/null 2>&1 && py_ok=1
  done
  [ -n "$py_ok" ] ||
    need="$need python3-numpy python3-pandas python3-scipy python3-pytest python3-setuptools python3-pip python3-geopandas"
  # The QGIS provider's tests (tests/cli/qgis.sh): qgis_process and
  # Debian's python3 with qgis.core.
  command -v qgis_process >/dev/null 2>&1 || need="$need qgis qgis-providers"
  /usr/bin/python3 -c 'import qgis.core' >/dev/null 2>&1 || need="$need python3-qgis"
fi
if [ "$mode" = valgrind ]; then
  command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
fi
if [ -n "$need" ]; then
  echo "setup: installing Debian packages:$need" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $need
fi

build() { # build DIR TYPE
  cmake -S . -B "$1" -DCMAKE_BUILD_TYPE="$2" -DAQ_WERROR=ON >/dev/null
  cmake --build "$1" -j "$jobs"
}

case "$mode" in
  demo)
    build build Release
    sh examples/kz/run.sh build/aimaq
    ;;
  test)
    # playwright-core for the browser test: installed once, offline afterwards.
    [ -d tests/e2e/node_modules/playwright-core ] ||
      (cd tests/e2e && npm ci --no-audit --no-fund --ignore-scripts) ||
      echo "setup: npm ci failed in tests/e2e: the dashboard's browser test will be skipped" >&2
    build build Release
    (cd build && ctest --output-on-failure -j "$jobs")
    # The same suite with every store a PostgreSQL database (AQ_TEST_DB) on
    # a throwaway server, stopped and removed also when a test fails or the
    # run is interrupted. Tests about SQLite files by nature use files.
    pg_stop() {
      [ -z "${pg_dir:-}" ] || sh scripts/pg_test_server.sh stop "$pg_dir" >/dev/null 2>&1 || true
      pg_dir=
    }
    trap pg_stop EXIT
    trap 'pg_stop; exit 130' INT TERM
    pg_t0=$(date +%s)
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/aimaq-pg.XXXXXX") # short: a socket path holds 107 bytes
    pg_uri=$(sh scripts/pg_test_server.sh start "$pg_dir")
    pg_t1=$(date +%s)
    pg_rc=0
    (cd build && AQ_TEST_DB=$pg_uri ctest --output-on-failure -j "$jobs") || pg_rc=$?
    # The tests that write the store once more as a role without superuser
    # rights (aimaq_plain), as a deployment's: its imports keep PostgreSQL's
    # foreign-key triggers, which a superuser's skip.
    pg_plain=$(echo "$pg_uri" | sed 's|://aimaq@|://aimaq_plain@|')
    (cd build && AQ_TEST_DB=$pg_plain ctest --output-on-failure -j "$jobs" \
      -R 'unit/t_store$|unit/t_workspace|cli/(import|import_repeats|bad_inputs|account|serve)$') || pg_rc=$?
    pg_t2=$(date +%s)
    pg_stop
    echo "setup: the PostgreSQL pass took $((pg_t2 - pg_t0)) s (server $((pg_t1 - pg_t0)) s, ctest $((pg_t2 - pg_t1)) s)" >&2
    [ "$pg_rc" -eq 0 ] || exit "$pg_rc"
    # The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
    # GDAL's own leak of the network handlers aimaq replaces is suppressed
    # (tests/asan/lsan.supp says why), here and in the fuzz smoke.
    build build-asan Asan
    LSAN_OPTIONS=suppressions=$(pwd)/tests/asan/lsan.supp:print_suppressions=0
    export LSAN_OPTIONS
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j "$jobs")
    # Every libFuzzer harness 12 s over its seeds and saved crashers
    # (tests/fuzz/smoke.sh: clang, ASan+UBSan, into build-fuzz/).
    FUZZ_SECONDS=12 bash tests/fuzz/smoke.sh
    ;;
  valgrind)
    # Every aimaq process the CLI tests start runs under valgrind memcheck
    # (tests/valgrind/run.sh, which names the tests it leaves out); a build
    # without sanitizers, with debug information for readable reports.
    build build-valgrind RelWithDebInfo
    bash tests/valgrind/run.sh build-valgrind "$jobs"
    ;;
  *)
    echo "usage: sh scripts/setup.sh [demo|test|valgrind]" >&2
    exit 1
    ;;
esac
