#!/usr/bin/env bash
# smoke.sh -- runs each libFuzzer harness in build-fuzz/ (or $FUZZ_BUILD)
# for FUZZ_SECONDS (default 20) over a copy of its seed corpus
# (tests/fuzz/corpus/<name>) plus its saved regressions, and fails when
# any harness crashes or a sanitizer reports. Builds the harnesses first
# unless FUZZ_NO_BUILD=1. FUZZ_TARGETS="csv names" limits the run.
# New inputs found go to build-fuzz/corpus/<name>, never to the tree: copy
# the interesting ones by hand (a crasher goes to regressions/ when fixed).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${FUZZ_BUILD:-$root/build-fuzz}
secs=${FUZZ_SECONDS:-20}
mkdir -p "$out"
# The compiler's output goes to build.log, shown only when the build fails.
[[ ${FUZZ_NO_BUILD:-0} == 1 ]] || "$here/build.sh" >"$out/build.log" 2>&1 ||
    { tail -n 40 "$out/build.log" >&2; echo "smoke: build failed (all of it in $out/build.log)" >&2; exit 1; }
targets=${FUZZ_TARGETS:-$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
export AQ_TMP=${AQ_TMP:-$out/tmp}
mkdir -p "$AQ_TMP"
fail=0
for t in $targets; do
    work="$out/corpus/$t"
    mkdir -p "$work" "$out/crash/$t"
    seeds=("$here/corpus/$t")
    [[ -d $here/regressions/$t ]] && seeds+=("$here/regressions/$t")
    # The dictionary-free defaults; -max_len keeps files small and fast.
    if "$out/fuzz_$t" "$work" "${seeds[@]}" -max_total_time="$secs" -max_len=4096 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$out/crash/$t/" -print_final_stats=0 \
        >"$out/$t.log" 2>&1; then
        echo "fuzz $t: ok ($(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -1), $(grep -c '' "$out/$t.log") log lines)"
    else
        echo "fuzz $t: FAILED, see $out/$t.log and $out/crash/$t/" >&2
        grep -m1 -A12 'ERROR\|runtime error\|deadly signal' "$out/$t.log" >&2
        fail=1
    fi
done
exit $fail
