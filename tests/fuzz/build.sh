#!/usr/bin/env bash
# build.sh -- builds every libFuzzer harness tests/fuzz/fuzz_<name>.c with
# clang, AddressSanitizer and UndefinedBehaviorSanitizer, against the
# library sources directly (src/*.c), into build-fuzz/ (or $FUZZ_BUILD).
# The library objects are compiled once (with fuzzer coverage but without
# libFuzzer's main) and reused by every harness; only changed sources are
# recompiled (FUZZ_JOBS at a time, default nproc). Run from anywhere: paths are taken from this script.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${FUZZ_BUILD:-$root/build-fuzz}
cc=${CC_FUZZ:-clang}
jobs=${FUZZ_JOBS:-$(nproc)}
mkdir -p "$out/obj"

pkgs="gdal sqlite3 libpq jansson yaml-0.1 libutf8proc gsl libsodium"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=gnu11 -g -O1 -fno-omit-frame-pointer $san -Wall -Wextra -Wshadow -Wno-unused-parameter
        -fopenmp -I$root/include -I$root/src $(pkg-config --cflags $pkgs)"
# SuiteSparse CHOLMOD (the spatial models; no pkg-config file in Debian bookworm)
libs="$(pkg-config --libs $pkgs) -lcholmod -fopenmp -lm"

objs=()
pids=()
for src in "$root"/src/*.c; do
    obj="$out/obj/$(basename "${src%.c}").o"
    objs+=("$obj")
    # Rebuild when the source or any header is newer than the object.
    if [[ ! -f $obj || $src -nt $obj || -n $(find "$root/src" "$root/include" -name '*.h' -newer "$obj" -print -quit) ]]; then
        $cc $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
        pids+=($!)
        if (( ${#pids[@]} >= jobs )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
    fi
done
for p in "${pids[@]}"; do wait "$p"; done

for h in "$here"/fuzz_*.c; do
    name=$(basename "${h%.c}")
    $cc $cflags -fsanitize=fuzzer "$h" "${objs[@]}" $libs -o "$out/$name"
    echo "built $out/$name"
done
