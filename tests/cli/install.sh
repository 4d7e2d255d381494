# install.sh -- aimaq as an installed library: `cmake --install` of this
# build into a scratch prefix puts the tool, libaimaq.so (with its SONAME),
# libaimaq.a, the public headers and aimaq.pc in place; the shared library
# exports the public API only; each public header compiles on its own as C
# and as C++; and the two programs of examples/c/ build with
# `pkg-config --cflags --libs aimaq` (and statically with --static) and
# give the numbers the tool gives: Theil T of Mexico's 1940 GDP per capita
# as pysal/inequality's test_theil.py publishes it, and the store's values.
. tests/cli/lib.inc
BUILD=$(cd "$(dirname "$AIMAQ")" && pwd)
P=$T/prefix
if ! cmake --install "$BUILD" --prefix "$P" > "$T/install.log" 2>&1; then
  bad "cmake --install $BUILD failed"; sed 's/^/  | /' "$T/install.log" >&2; finish; exit 1
fi
for f in bin/aimaq lib/libaimaq.a lib/libaimaq.so lib/libaimaq.so.0 lib/pkgconfig/aimaq.pc include/aimaq.h \
  include/aimaq_ineq.h include/aimaq_workspace.h; do
  [ -e "$P/$f" ] && ok || bad "not installed: $f"
done
readelf -d "$P/lib/libaimaq.so" > "$T/dynamic"
has "$T/dynamic" "Library soname: [libaimaq.so.0]"
nm -D --defined-only "$P/lib/libaimaq.so" | awk '{print $3}' > "$T/exports"
eq "$(grep -c '^aq__' "$T/exports")" 0 "internal aq__ names exported"
eq "$(grep -vc '^aq_' "$T/exports")" 0 "names outside the API exported"
# Every function the headers declare is there.
cat "$P"/include/*.h | grep -oE '\baq_[a-z0-9_]+ *\(' | tr -d ' (' | sort -u > "$T/declared"
eq "$(sort -u "$T/exports" | comm -23 "$T/declared" - | tr '\n' ' ')" "" "declared but not exported"

# A sanitizer build's library needs its runtime in the programs too.
SAN=""
grep -q '^CMAKE_BUILD_TYPE:STRING=Asan$' "$BUILD/CMakeCache.txt" && SAN="-fsanitize=address,undefined"
export PKG_CONFIG_PATH=$P/lib/pkgconfig
CFLAGS=$(pkg-config --cflags aimaq) || bad "pkg-config --cflags aimaq"
LIBS=$(pkg-config --libs aimaq) || bad "pkg-config --libs aimaq"
# libaimaq.a with its dependencies shared (Debian ships libpq's own static
# helpers only in part, so `--static` of every dependency would not link):
# the modules aimaq.pc requires, and its Libs.private.
STATIC_LIBS="$(pkg-config --libs $(pkg-config --print-requires-private aimaq)) -fopenmp -lm" ||
  bad "pkg-config --print-requires-private aimaq"

# Each public header on its own, as C11 and as C++.
for h in "$P"/include/*.h; do
  printf '#include <%s>\n' "$(basename "$h")" > "$T/one.c"
  if cc -std=c11 -Wall -Wextra -Werror -fsyntax-only $CFLAGS "$T/one.c" 2> "$T/cc.err"; then ok; else
    bad "$(basename "$h") does not compile alone as C"; sed 's/^/  | /' "$T/cc.err" | head -5 >&2; fi
  if c++ -x c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only $CFLAGS "$T/one.c" 2> "$T/cc.err"; then ok; else
    bad "$(basename "$h") does not compile alone as C++"; sed 's/^/  | /' "$T/cc.err" | head -5 >&2; fi
done

# build NAME: examples/c/NAME.c against the shared library ($T/NAME) and
# the static one ($T/NAME-static).
build() {
  if cc -std=c11 -Wall -Wextra -Werror $SAN examples/c/$1.c $CFLAGS $LIBS -lm -o "$T/$1" 2> "$T/cc.err"; then ok; else
    bad "examples/c/$1.c does not build against libaimaq.so"; sed 's/^/  | /' "$T/cc.err" | head -5 >&2; fi
  if cc -std=c11 -Wall -Wextra -Werror $SAN examples/c/$1.c $CFLAGS "$P/lib/libaimaq.a" $STATIC_LIBS -o "$T/$1-static" \
    2> "$T/cc.err"; then ok; else
    bad "examples/c/$1.c does not build against libaimaq.a"; sed 's/^/  | /' "$T/cc.err" | head -5 >&2; fi
}
build summarise
build store_select
export LD_LIBRARY_PATH=$P/lib
ldd "$T/summarise" > "$T/ldd"
has "$T/ldd" "libaimaq.so.0 => $P/lib/libaimaq.so.0"

# Mexico 1940: Theil T 0.20894344 (pysal/inequality, test_theil.py), the
# same digits as `aimaq disparity`.
MEX=tests/data/pysal/mexico/mexico.csv
for prog in summarise summarise-static; do
  expect 0 "$T/$prog" "$MEX" pcgdp1940
  has "$T/out" "n	32"
  got=$(awk -F'\t' '$1 == "theil_t" { print $2 }' "$T/out")
  [ "$prog" = summarise ] && theil=$got
  awk -v t="$got" 'BEGIN { exit !(t - 0.20894344 < 1e-8 && 0.20894344 - t < 1e-8) }' && ok ||
    bad "$prog: Theil T of Mexico 1940 $got, published 0.20894344"
done
expect 0 "$AIMAQ" disparity "$MEX" --value pcgdp1940 --format json
eq "$(jq -r '.. | objects | select(has("theil_t")) | .theil_t' "$T/out" | head -1)" "$theil" "Theil T: library vs tool"
expect 2 "$T/summarise" "$MEX" no_such_column
has "$T/err" "no_such_column"

# The store (a file here, or a PostgreSQL database with AQ_TEST_DB).
DB=$(small_store small.db) || { finish; exit 1; }
for prog in store_select store_select-static; do
  expect 0 "$T/$prog" "$DB" population settlement 2023
  eq "$(cat "$T/out")" "A	A	100
B	B	200
C	C	300
E	E	50" "$prog: population 2023 of the settlements"
done
expect 2 "$T/store_select" "$T/no-such-store.db" population settlement 2023
has "$T/err" "no-such-store.db"
finish
