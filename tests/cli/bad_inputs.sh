# bad_inputs.sh -- every hostile input of tests/data/bad/ gets exactly the
# message (and exit code) its FILE.expect says. Table-driven: the data
# files and their expectations live side by side (see
# tests/data/bad/README.md for the format and the sources).
#
# FILE.expect holds cases; each starts with a `run:` line (the aimaq
# arguments, shell-quoted) followed by what must hold:
#   exit: N          the exit code (required)
#   stderr: TEXT     standard error contains TEXT (fixed string; repeatable)
#   stdout: TEXT     standard output contains TEXT (repeatable)
#   stdout-not: TEXT standard output lacks TEXT
# `setup:` lines run aimaq before the next case and must succeed. In
# arguments, $FILE is the data file, $DIR the corpus directory, $DB a store
# created fresh for each FILE.expect. Blank lines and # comments are skipped.
. tests/cli/lib.inc

DIR=tests/data/bad
ncases=0

# check_case: compares the last run against the expectations gathered.
check_case() {
  [ -n "$run" ] || return 0
  ncases=$((ncases + 1))
  if [ -z "$want_exit" ]; then bad "$name: case '$run' has no exit: line"; return; fi
  if [ "$got_exit" = "$want_exit" ]; then ok; else
    bad "$name: exit $got_exit (wanted $want_exit): aimaq $run"; sed 's/^/  | /' "$T/err" >&2
  fi
  local line
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    case "$line" in
      stderr:*) has "$T/err" "${line#stderr: }" ;;
      stdout:*) has "$T/out" "${line#stdout: }" ;;
      stdout-not:*) hasnt "$T/out" "${line#stdout-not: }" ;;
    esac
  done <<< "$checks"
}

# expand ARGS: the words of ARGS with $FILE, $DIR and $DB substituted.
expand() {
  local s=$1
  s=${s//'$FILE'/$FILE}
  s=${s//'$DIR'/$DIR}
  # $DB.SUFFIX is a file named after the store: beside it, or in $T when
  # the store is a PostgreSQL database. The URI is shell-quoted (& and ?),
  # and the replacement in double quotes keeps bash 5.2 from reading & in it.
  local q
  s=${s//'$DB.'/"$T/$name.db."}
  q=$(printf '%q' "$DB")
  s=${s//'$DB'/"$q"}
  eval "words=($s)"
}

for spec in "$DIR"/*.expect; do
  FILE=${spec%.expect}
  name=$(basename "$FILE")
  # A store of this run's engine (lib.inc) for the cases that name one.
  DB="$T/$name.db"
  rm -f "$DB" "$DB"-wal "$DB"-shm
  if grep -qF '$DB' "$spec"; then DB=$(new_store "$name.db") || continue; fi
  run="" checks="" want_exit=""
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      ''|'#'*) continue ;;
      setup:*)
        expand "${line#setup: }"
        if ! "$AIMAQ" "${words[@]}" >"$T/setup.out" 2>"$T/setup.err"; then
          bad "$name: setup failed: aimaq ${line#setup: }"; sed 's/^/  | /' "$T/setup.err" >&2
        fi ;;
      run:*)
        check_case
        run=${line#run: } checks="" want_exit=""
        expand "$run"
        "$AIMAQ" "${words[@]}" >"$T/out" 2>"$T/err"
        got_exit=$? ;;
      exit:*) want_exit=${line#exit: } ;;
      stderr:*|stdout:*|stdout-not:*) checks+="$line"$'\n' ;;
      *) bad "$name: cannot parse line: $line" ;;
    esac
  done < "$spec"
  check_case
done
# A corpus file without expectations would be silently skipped.
for f in "$DIR"/*; do
  case "$f" in *.expect|*/README.md) continue ;; esac
  [ -f "$f.expect" ] || grep -qF "$(basename "$f")" "$DIR"/*.expect || bad "$f has no .expect and no case uses it"
done
[ "$ncases" -ge 20 ] || bad "only $ncases cases ran"
echo "$ncases cases"
finish
