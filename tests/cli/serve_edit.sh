# serve_edit.sh -- a single-value edit over HTTP never deletes a value by
# accident: the value a person types ("2 917,9", as the dashboard shows
# numbers) is read by aimaq's number parser and stored exactly; text it
# cannot read, text that reads two ways without the page's decimal mark,
# and a bare null are each refused with a 400 that names the field and
# leaves the store unchanged; a removal happens only when asked for by name
# ("remove": true), and the submission records the value it removed.
# (The same typed cases through the dashboard: tests/e2e/dashboard.mjs.)
. tests/cli/lib.inc
. tests/cli/serve_lib.inc
DB=$(new_store kz.db) || { finish; exit 1; } # this run's engine (lib.inc)
kz_store "$DB" || { finish; exit 1; }
SPOOL_ARG=()
on_pg && SPOOL_ARG=(--spool "$T/kz.uploads")
serve_start "$DB" "${SPOOL_ARG[@]}" || { finish; exit 1; }
AUTH=(-H "Authorization: Bearer $TOKEN") # the central analyst: edits apply at once

st() { # st WANT BODY: an edit answers WANT
  local got
  got=$(http POST /api/edits "${AUTH[@]}" -d "$2")
  if [ "$got" = "$1" ]; then ok; else bad "edit $2: status $got, wanted $1"; head -c 300 "$T/body" | sed 's/^/  | /' >&2; echo >&2; fi
}
# live CODE PERIOD: the value readers see (the newest dataset's), NULL if removed.
live() {
  dbq "$DB" "SELECT coalesce(CAST(o.value AS TEXT), 'NULL') FROM observations o JOIN units u ON u.id = o.unit_id
               JOIN indicators i ON i.id = o.indicator_id
             WHERE u.code = '$1' AND i.code = 'grp_pc_kzt_thousand' AND o.period = '$2'
             ORDER BY o.dataset_id DESC LIMIT 1"
}
# eqn GOT WANT WHAT: the same number (SQLite writes 1234567.0, PostgreSQL 1234567).
eqn() { if awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }'; then ok; else bad "$3: got '$1', wanted '$2'"; fi; }
edit() { # edit CODE PERIOD JSON-MEMBERS
  printf '{"unit":"%s","indicator":"grp_pc_kzt_thousand","period":"%s",%s}' "$1" "$2" "$3"
}
KYZ=430000000 # Kyzylorda region, GRP per capita 2022: 2917.9 in the example
before=$(live $KYZ 2022)
[ "$before" != NULL ] && [ -n "$before" ] && ok || bad "no 2022 value for Kyzylorda: '$before'"

# --- refused: the store keeps its value ------------------------------------
st 400 "$(edit $KYZ 2022 '"value":null')"
has "$T/body" '\"remove\": true'
st 400 "$(edit $KYZ 2022 '"comment":"no value at all"')"
has "$T/body" '\"value\" is missing'
st 400 "$(edit $KYZ 2022 '"value":"2 9x7,9"')"
has "$T/body" "'2 9x7,9' is not a number"
st 400 "$(edit $KYZ 2022 '"value":"1,234"')" # 1.234 or 1234: the caller must say
has "$T/body" "reads two ways"
st 400 "$(edit $KYZ 2022 '"value":"1,234","decimal":";"')"
has "$T/body" '\"decimal\" must be'
st 400 "$(edit $KYZ 2022 '"value":"12","remove":true')"
has "$T/body" 'not both'
st 400 "$(edit $KYZ 2022 '"remove":"yes"')"
st 400 "$(edit $KYZ 2022 '"value":["1"]')"
st 400 "$(edit $KYZ 2022 '"value":"1\u00002"')"
eq "$(live $KYZ 2022)" "$before" "Kyzylorda 2022 after the refused edits"

# --- typed as people type: each stored exactly -------------------------------
# (unit, period, typed value, decimal mark of the page or "", stored)
n=0
while IFS='|' read -r code period typed mark want; do
  n=$((n + 1))
  members="\"value\":\"$typed\""
  [ -n "$mark" ] && members="$members,\"decimal\":\"$mark\""
  st 201 "$(edit "$code" "$period" "$members")"
  eqn "$(live "$code" "$period")" "$want" "'$typed' (decimal '$mark') stored"
done << 'CASES'
430000000|2022|2 917,9||2917.9
430000000|2021|2917,9||2917.9
430000000|2020|2 917.9||2917.9
430000000|2019|1 234 567||1234567.0
430000000|2018|1 234 567,25|,|1234567.25
430000000|2017|1,234|,|1.234
430000000|2016|1,234|.|1234.0
430000000|2015|−12,5||-12.5
430000000|2014|  2917,9 ||2917.9
CASES
# The no-break space Intl.NumberFormat writes between thousands ("2 917,9").
st 201 "$(edit $KYZ 2013 "\"value\":\"2$(printf '\302\240')917,9\"")"
eq "$(live $KYZ 2013)" 2917.9 "a value with a no-break space"
st 201 "$(edit $KYZ 2012 '"value":2917.9')" # a JSON number, as before
eq "$(live $KYZ 2012)" 2917.9 "a JSON number"

# --- an explicit removal ------------------------------------------------------
st 201 "$(edit $KYZ 2022 '"remove":true')"
eq "$(live $KYZ 2022)" NULL "Kyzylorda 2022 after the explicit removal"
sub=$(grep -o '"submission":[0-9]*' "$T/body" | cut -d: -f2)
eq "$(dbq "$DB" "SELECT kind, status, coalesce(CAST(value AS TEXT), 'NULL'), CAST(old_value AS TEXT) FROM submissions WHERE id = $sub")" \
  "edit|approved|NULL|2917.9" "the removal's submission keeps the value it removed"
code=$(http GET /api/submissions "${AUTH[@]}")
eq "$code" 200 "the submissions list"
has "$T/body" '"old_value":2917.9'
serve_stop
finish
