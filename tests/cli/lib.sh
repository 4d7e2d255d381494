# lib.sh -- helpers for the CLI tests (sourced; not a test itself).
# Each test runs with the repository root as working directory, $AIMAQ the
# binary and $AQ_TMP a scratch directory; it ends with "N passed, N failed".
set -u
: "${AIMAQ:=build/aimaq}"
: "${AQ_TMP:=/tmp}"
T=$(mktemp -d "$AQ_TMP/cli.XXXXXX")
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); printf 'FAIL: %s\n' "$*" >&2; }
# expect CODE CMD...: runs CMD, output in $T/out and $T/err, checks the exit code.
expect() {
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  if [ "$got" = "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; sed 's/^/  | /' "$T/err" >&2; fi
}
# has FILE TEXT: FILE contains TEXT (fixed string).
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks: $2"; sed 's/^/  | /' "$1" | head -20 >&2; fi; }
hasnt() { if grep -qF -- "$2" "$1"; then bad "$1 has: $2"; else ok; fi; }
eq() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', wanted '$2'"; fi; }
finish() {
  rm -rf "$T"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
