#!/usr/bin/env bash
# run.sh [BUILD_DIR [JOBS]] -- the CLI end-to-end tests (tests/cli/*.sh) with AIMAQ
# pointing at tests/valgrind/aimaq, so every aimaq process runs under
# valgrind memcheck; fails on any valgrind report (an error or a definitely
# lost block) or any failed test. BUILD_DIR (default build) must hold an
# aimaq built without sanitizers; JOBS tests run at once (default 1).
# AQ_VALGRIND_ONLY=check runs one test. Run from anywhere.
#
# Left out (AQ_VALGRIND_SKIP overrides the list): tests whose data make
# valgrind's 20-50x slowdown cost minutes, or that kill or starve aimaq on
# purpose, which valgrind itself would not survive:
#   spatial_large   200,000 points, 8 runs of local and global Moran
#   kill_import     SIGKILLs imports (kills valgrind, not aimaq)
#   serve_kill      the same for the server
#   report_browser  headless Chromium around one `aimaq report`
# disk_full.sh runs with AQ_VALGRIND=1: it skips its ulimit -f parts (the
# file size cap would also cap valgrind's log) and keeps the rest.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
[ -x "$build/aimaq" ] || { echo "valgrind: no $build/aimaq; build it first" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)" >&2; exit 1; }
jobs=${2:-1}
skip=${AQ_VALGRIND_SKIP-spatial_large kill_import serve_kill report_browser}
work=$(mktemp -d "${TMPDIR:-/tmp}/aq-valgrind.XXXXXX")
mkdir -p "$work/logs" "$work/tmp"
chmod 755 "$work" && chmod 1777 "$work/logs" # disk_full.sh runs aimaq as nobody too
export AQ_VALGRIND_BIN=$build/aimaq AQ_VALGRIND_LOGS=$work/logs AQ_VALGRIND=1
export AIMAQ=$here/aimaq AQ_TMP=$work/tmp
cd "$root"
start=$SECONDS
# one NAME: runs tests/cli/NAME.sh, its output in $work/NAME.out, its exit
# code and seconds in $work/NAME.rc.
one() {
  local t0=$SECONDS rc=0
  bash "tests/cli/$1.sh" >"$work/$1.out" 2>&1 || rc=$?
  echo "$rc $((SECONDS - t0))" >"$work/$1.rc"
}
names=()
for t in tests/cli/${AQ_VALGRIND_ONLY:-*}.sh; do
  name=$(basename "$t" .sh)
  case " $skip " in *" $name "*) echo "valgrind: $name skipped"; continue ;; esac
  names+=("$name")
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  one "$name" &
done
wait
fail=0
for name in "${names[@]}"; do
  read -r rc secs < "$work/$name.rc"
  if [ "$rc" = 0 ]; then
    echo "valgrind: $name ok ($secs s, $(tail -n 1 "$work/$name.out"))"
  else
    echo "valgrind: $name FAILED ($secs s)"
    sed 's/^/  | /' "$work/$name.out" | tail -n 30
    fail=1
  fi
done
reports=0
for f in "$work"/logs/vg.*.log; do
  [ -s "$f" ] || continue
  reports=$((reports + 1))
  echo "valgrind report ($f):"
  head -n 60 "$f" | sed 's/^/  /'
done
echo "valgrind: $(ls "$work"/logs | wc -l) aimaq runs, $reports with reports, $((SECONDS - start)) s"
[ "$reports" -eq 0 ] && [ "$fail" -eq 0 ] || { echo "valgrind: FAILED (logs kept in $work)" >&2; exit 1; }
rm -rf "$work"
