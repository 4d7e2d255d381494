# serve_kill.sh -- fault injection: `aimaq serve` killed with SIGKILL while
# it receives an upload, while it imports one, while central analysts'
# edits are being written and while approvals are being decided. After
# every kill the store is consistent (and an SQLite file passes PRAGMA
# integrity_check; the store is on this run's engine, lib.inc's new_store):
#  - upload: no new dataset unless the whole file is in (all its values),
#    and the restarted server empties the spool of the partial upload;
#  - edit: every approved edit submission has its live value and exactly
#    one audit record, and no audit record names an edit that is not there;
#  - approve: every submission is pending (no live value, no approval in
#    the audit) or approved (value live, one approval record), never half.
# The same store takes every kill in turn (as a real one would), and each
# restart is the next trial's server. KILL_TRIALS (default 120) trials,
# cycling through the four kinds; SERVE_KILL_SEED fixes the delays.
. tests/cli/lib.inc
. tests/cli/serve_lib.inc
trials=${KILL_TRIALS:-120}
RANDOM=${SERVE_KILL_SEED:-$$}
echo "serve_kill: seed $RANDOM"
DB=$(new_store kz.db) || { finish; exit 1; }
# The spool: DB.uploads/ beside a file; for PostgreSQL under $T (its
# default, NAME.uploads/ in the working directory, is the repository).
SPOOL=$DB.uploads SPOOL_ARG=()
on_pg && SPOOL=$T/kz.uploads SPOOL_ARG=(--spool "$SPOOL")
kz_store "$DB" || { finish; exit 1; }
ABAY=$("$AIMAQ" account token abay --label kill-test --db "$DB" 2> /dev/null)
# q SQL: its rows (SQL both engines accept: CASE rather than sums of
# comparisons, coalesce rather than ifnull).
q() { if on_pg; then dbq "$DB" "$1"; else sqlite3 -cmd '.timeout 5000' "$DB" "$1"; fi; }

# A wide CSV of the first 3000 units for the year Y: two made-up
# indicators (~90 kB: 0.9 s at the 100 kB/s of a slow upload).
rows=3000
gen() {
  awk -F, -v y="$1" -v n=$rows 'BEGIN { srand(y); print "code,year,kill_a,kill_b" }
    NR > 1 && NR <= n + 1 { printf "%s,%d,%.1f,%.1f\n", $1, y, rand() * 1e4, rand() * 100 }' examples/kz/units.csv
}

# The invariants of the whole store, after any kill.
check_store() { # check_store TRIAL KIND
  local ic
  if ! on_pg; then # SQLite's own check of the file
    ic=$(q 'PRAGMA integrity_check')
    [ "$ic" = ok ] && ok || bad "trial $1 ($2): integrity_check: $ic"
  fi
  # Uploads: the year of upload N is 2100 + N; it has all its values and
  # its live dataset, or neither.
  local years
  years=$(q "SELECT count(*), coalesce(sum(CASE WHEN n = 2 * $rows THEN 1 ELSE 0 END), 0) FROM (SELECT o.period, count(*) AS n FROM observations o
               WHERE o.indicator_id IN (SELECT id FROM indicators WHERE code IN ('kill_a', 'kill_b')) GROUP BY o.period) AS y")
  eq "${years%|*}|${years%|*}" "$years" "trial $1 ($2): upload years with a part of their values ($years)"
  eq "$(q "SELECT count(*) FROM datasets WHERE name LIKE 'kill-%' AND status = 'live'")" "${years%|*}" \
    "trial $1 ($2): live upload datasets and years with values"
  # Edits and approvals: a live value <=> approved; one audit record of the
  # edit, and one of the approval when someone else decided it.
  # (Edits are of 2029 and 2030, so their values are found by the key.)
  local broken
  broken=$(q "WITH aud AS (SELECT action, CAST(replace(substr(object, instr(object, '(submission ') + 12), ')', '') AS INTEGER) AS sid
                FROM audit WHERE action IN ('edit', 'approve') AND object LIKE 'value %'),
              na AS (SELECT sid, sum(CASE WHEN action = 'edit' THEN 1 ELSE 0 END) AS edits,
                            sum(CASE WHEN action = 'approve' THEN 1 ELSE 0 END) AS approvals FROM aud GROUP BY sid)
              SELECT count(*) FROM submissions s LEFT JOIN na ON na.sid = s.id WHERE s.kind = 'edit' AND (
                (SELECT count(*) FROM observations o WHERE o.indicator_id = s.indicator_id AND o.period = s.period
                   AND o.unit_id = s.unit_id AND o.dataset_id = s.dataset_id)
                   <> CASE WHEN s.status = 'approved' THEN 1 ELSE 0 END
                OR coalesce(na.edits, 0) <> 1
                OR coalesce(na.approvals, 0)
                   <> CASE WHEN s.status = 'approved' AND s.decided_by <> s.account_id THEN 1 ELSE 0 END)")
  eq "$broken" 0 "trial $1 ($2): edits whose live value or audit records do not match their status"
  broken=$(q "SELECT count(*) FROM audit a WHERE a.action IN ('edit', 'approve') AND a.object LIKE 'value %'
                AND CAST(replace(substr(object, instr(object, '(submission ') + 12), ')', '') AS INTEGER) NOT IN (SELECT id FROM submissions)")
  eq "$broken" 0 "trial $1 ($2): audit records of edits that are not in the store"
}

# kill_after MS: SIGKILL the server MS milliseconds from now, wait for it.
kill_after() {
  sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
  kill -KILL "$SPID" 2> /dev/null
  wait "$SPID" 2> /dev/null
  SPID=
}
rand() { echo $(((RANDOM * 32768 + RANDOM) % ($1 + 1))); } # 0..N

serve_start "$DB" "${SPOOL_ARG[@]}" || { finish; exit 1; }
units=($(q "SELECT code FROM units WHERE code LIKE '10%' AND level = 'settlement' ORDER BY code LIMIT 400"))
uploads=0 spooled=0 imported=0 edits=0 approvals=0
t0=$(date +%s)
for trial in $(seq 1 "$trials"); do
  kind=$((trial % 4))
  case $kind in
    0) # an upload cut off while it arrives (curl at 100 kB/s: ~0.9 s for the file)
      name=upload-transfer
      gen $((2100 + trial)) > "$T/up.csv"
      curl -s -o /dev/null --limit-rate 100k -H "Authorization: Bearer $TOKEN" --data-binary @"$T/up.csv" \
        "$URL/api/uploads?name=kill-$trial.csv" 2> /dev/null &
      cpid=$!
      d=$((60 + $(rand 240)))
      sleep "$(printf '0.%03d' "$d")"
      [ -n "$(ls -A "$SPOOL")" ] && spooled=$((spooled + 1))
      kill_after 0
      kill "$cpid" 2> /dev/null; wait "$cpid" 2> /dev/null
      uploads=$((uploads + 1))
      ;;
    1) # an upload killed while it is imported (the file arrives at once)
      name=upload-import
      gen $((2100 + trial)) > "$T/up.csv"
      curl -s -o "$T/up.json" -H "Authorization: Bearer $TOKEN" --data-binary @"$T/up.csv" \
        "$URL/api/uploads?name=kill-$trial.csv" 2> /dev/null &
      cpid=$!
      kill_after "$(rand 60)"
      wait "$cpid" 2> /dev/null
      grep -q '"submission"' "$T/up.json" 2> /dev/null && imported=$((imported + 1))
      rm -f "$T/up.json"
      ;;
    2) # ten central edits at once
      name=edit
      for k in $(seq 0 9); do
        u=${units[$(((trial * 10 + k) % ${#units[@]}))]}
        curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -X POST "$URL/api/edits" \
          -d "{\"unit\":\"$u\",\"indicator\":\"grp_pc_kzt_thousand\",\"period\":\"2030\",\"value\":$trial$k}" 2> /dev/null &
      done
      kill_after "$(rand 120)"
      wait $(jobs -p) 2> /dev/null
      edits=$((edits + 10))
      ;;
    3) # a regional editor's five pending edits, then five approvals at once
      name=approve
      ids=()
      for k in $(seq 0 4); do
        u=${units[$(((trial * 5 + k) % ${#units[@]}))]}
        id=$(curl -s -H "Authorization: Bearer $ABAY" -X POST "$URL/api/edits" \
          -d "{\"unit\":\"$u\",\"indicator\":\"grp_pc_kzt_thousand\",\"period\":\"2029\",\"value\":$trial$k}" |
          grep -o '"submission":[0-9]*' | cut -d: -f2)
        [ -n "$id" ] && ids+=("$id")
      done
      [ ${#ids[@]} = 5 ] && ok || bad "trial $trial: the regional editor's edits were not all accepted"
      for id in "${ids[@]}"; do
        curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -X POST "$URL/api/submissions/$id/approve" \
          -d '{"comment":"kill test"}' 2> /dev/null &
      done
      kill_after "$(rand 80)"
      wait $(jobs -p) 2> /dev/null
      approvals=$((approvals + 5))
      ;;
  esac
  check_store "$trial" "$name"
  serve_start "$DB" "${SPOOL_ARG[@]}" || break
  eq "$(ls -A "$SPOOL" | wc -l)" 0 "trial $trial ($name): spool files after the restart"
done
secs=$(($(date +%s) - t0))
echo "serve_kill: $trials kills in ${secs} s: $uploads uploads cut in transfer ($spooled of them spooling)," \
  "$((trials / 4)) during the import ($imported finished first), $edits edits, $approvals approvals"
# Most transfer kills must have found the upload in the spool (else the
# test would prove nothing about partial uploads).
[ "$spooled" -ge $((uploads / 2)) ] && ok || bad "only $spooled of $uploads uploads were spooling when killed"
# The server still works after all that: an edit goes in and is audited.
st=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -X POST "$URL/api/edits" \
  -d '{"unit":"100000000","indicator":"grp_pc_kzt_thousand","period":"2028","value":1}')
eq "$st" 201 "an edit after the last restart"
serve_stop
check_store end final
finish
