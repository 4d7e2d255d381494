# serve.sh -- `aimaq serve` over real HTTP (curl), as an attacker and as a
# crowd would use it: malformed JSON, oversized bodies, unknown routes,
# path traversal in upload names and static paths, SQL metacharacters in
# every query parameter and JSON field, a missing CSRF token, a regional
# editor reaching for another region, and 50 concurrent writers. After the
# hostile part the store must be unchanged (checksums of the observations,
# units, indicators and datasets tables), every refusal a 4xx, each in the
# access log, and the refusals of rights in the audit log.
. tests/cli/lib.inc
. tests/cli/serve_lib.inc
DB=$(new_store kz.db) || { finish; exit 1; } # this run's engine (lib.inc)
kz_store "$DB" || { finish; exit 1; }
# Uploads wait in DB.uploads/ beside a file; a PostgreSQL store's default
# (NAME.uploads/ in the working directory) would land in the repository.
SPOOL=$DB.uploads SPOOL_ARG=()
on_pg && SPOOL=$T/kz.uploads SPOOL_ARG=(--spool "$SPOOL")
serve_start "$DB" "${SPOOL_ARG[@]}" || { finish; exit 1; }
AUTH=(-H "Authorization: Bearer $TOKEN")

# The tables no refused request may touch, as one checksum (of values
# written out exactly: SQLite's quote(); PostgreSQL's shortest exact text).
VALUE="quote(value)"
on_pg && VALUE="coalesce(CAST(value AS TEXT), 'NULL')"
store_sum() {
  dbq "$DB" "SELECT unit_id, indicator_id, period, dataset_id, $VALUE, flags FROM observations
                 ORDER BY indicator_id, period, unit_id, dataset_id;
                 SELECT code, parent, level, name_kk, name_ru, name_en FROM units ORDER BY code;
                 SELECT code, name_en FROM indicators ORDER BY code;
                 SELECT id, name, checksum, status FROM datasets ORDER BY id;
                 SELECT id, status FROM submissions ORDER BY id;" | md5sum | cut -c1-32
}
sum0=$(store_sum)
[ "$sum0" != "$(md5sum < /dev/null | cut -c1-32)" ] && ok || bad "the store's checksum read nothing"
# st WANT METHOD PATH [CURL ARGS]: the request answers WANT.
st() {
  local want=$1 got
  shift
  got=$(http "$@")
  if [ "$got" = "$want" ]; then ok; else bad "$1 $2: status $got, wanted $want"; head -c 300 "$T/body" | sed 's/^/  | /' >&2; echo >&2; fi
}
total() { grep -o '"total":[0-9]*' "$T/body" | cut -d: -f2; }

# --- the basics ---------------------------------------------------------
st 200 GET /api/health
# A second server on the same port is refused, not given half the requests.
expect 2 timeout 10 "$AIMAQ" serve --db "$DB" "${SPOOL_ARG[@]}" --listen "127.0.0.1:$PORT"
has "$T/err" "cannot listen on 127.0.0.1:$PORT"
st 401 GET /api/units
st 200 GET /api/units?level=region "${AUTH[@]}"
eq "$(total)" 21 "regions of Kazakhstan"
st 200 GET '/api/observations?indicator=grp_pc_kzt_thousand&period=2022&code=100000000' "${AUTH[@]}"
has "$T/body" '"value":3901.1'

# --- malformed requests -------------------------------------------------
st 400 POST /api/login -d '{"name":"analyst",'
has "$T/body" "not valid JSON"
st 400 POST /api/login -d '[1,2,3]'
st 400 POST /api/login -d '{"name":"analyst","name":"x","password":"p"}' # duplicate keys
st 400 POST /api/edits "${AUTH[@]}" -d '{"unit":"100000000","indicator":"grp_pc_kzt_thousand","period":"2022","value":"many"}'
st 400 POST /api/edits "${AUTH[@]}" -d $'{"unit":"1000\x01","indicator":"grp_pc_kzt_thousand","period":"2022","value":1}'
st 400 POST /api/edits "${AUTH[@]}" -d '{"unit":7,"indicator":"grp_pc_kzt_thousand","period":"2022","value":1}'
st 400 POST /api/edits "${AUTH[@]}" --data-binary $'\xff\xfe{}'
st 400 POST /api/edits "${AUTH[@]}"
st 400 GET '/api/units?limit=-1' "${AUTH[@]}"
st 400 GET '/api/units?limit=99999999999999999999999' "${AUTH[@]}"
st 400 GET '/api/units?offset=1e3' "${AUTH[@]}"
st 400 GET "/api/units?level=$(printf 'x%.0s' $(seq 1 100))" "${AUTH[@]}" # a value over 64 bytes
st 400 GET '/api/units?colour=red' "${AUTH[@]}"
st 400 GET "/api/units?$(seq -s '&' 1 40 | sed 's/\([0-9]*\)/a\1=1/g')" "${AUTH[@]}" # 40 parameters
st 405 DELETE /api/units "${AUTH[@]}"
st 405 PUT /index.html
st 401 GET /api/units -H 'Authorization: Bearer not-a-token'
st 401 GET /api/units -H "Cookie: aq_session=$(printf '0%.0s' $(seq 1 64))"
# Oversized bodies: over the 1 MiB JSON limit, declared or streamed in chunks.
head -c 2000000 /dev/zero | tr '\0' ' ' > "$T/big.json"
st 413 POST /api/edits "${AUTH[@]}" --data-binary @"$T/big.json"
st 413 POST /api/login --data-binary @"$T/big.json"
st 413 POST /api/edits "${AUTH[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big.json"
# A declared size over the limit is answered at once, before any body:
# nobody has to send 300 MB to be told no.
early() { # early PATH LENGTH: the status of a request that sends only its headers
  exec 3<> "/dev/tcp/127.0.0.1/$PORT"
  printf 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %s\r\n\r\n' "$1" "$TOKEN" "$2" >&3
  timeout 5 head -1 <&3 | cut -d' ' -f2
  exec 3<&-
}
eq "$(early '/api/uploads?name=big.csv' 300000000)" 413 "a 300 MB upload declared"
eq "$(early /api/edits 5000000)" 413 "a 5 MB JSON body declared"
eq "$(early '/api/uploads?name=../big.csv' 100)" 400 "an upload named ../big.csv, before its body"

# --- unknown routes and static paths ------------------------------------
st 404 GET /api/nothing "${AUTH[@]}"
st 404 GET /api/units/extra "${AUTH[@]}"
st 404 GET /api/submissions/1/destroy "${AUTH[@]}"
st 405 GET /api/submissions/1/approve "${AUTH[@]}"
st 404 POST /api/submissions/x1/approve "${AUTH[@]}"
st 404 GET /nothing.html
st 200 GET /
has "$T/body" '<script src="/app.js"'
for p in /../../etc/passwd /..%2f..%2fetc%2fpasswd /%2e%2e/%2e%2e/etc/passwd /app.js/../../../etc/passwd \
  '/....//....//etc/passwd' /./app.js/.. '/%00' '/app.js%00.html' /etc/passwd '//etc/passwd' '/\..\..\etc\passwd'; do
  code=$(http GET "$p" --path-as-is)
  case $code in 400 | 404) ok ;; *) bad "static $p: status $code (wanted 400 or 404)" ;; esac
  hasnt "$T/body" "root:"
done

# --- path traversal in upload names -------------------------------------
printf 'code,year,grp_pc_kzt_thousand\n100000000,2022,4000\n' > "$T/up.csv"
for name in ../../x.csv ..%2F..%2Fx.csv %2E%2E%2F%2E%2E%2Fx.csv /tmp/x.csv x/../../x.csv '..\x.csv' .x.csv \
  x.sh x 'x.csv%0A' '%00' x.csv%00.sh "$(printf 'a%.0s' $(seq 1 250)).csv" ''; do
  st 400 POST "/api/uploads?name=$name" "${AUTH[@]}" --data-binary @"$T/up.csv"
done
st 400 POST /api/uploads "${AUTH[@]}" --data-binary @"$T/up.csv"
[ ! -e "$T/x.csv" ] && [ ! -e "$(dirname "$T")/x.csv" ] && [ ! -e x.csv ] && ok || bad "an upload escaped the spool"
eq "$(ls -A "$SPOOL" | wc -l)" 0 "spool files left after refused uploads"

# --- SQL metacharacters in every parameter ------------------------------
# Each value, in each parameter of each read endpoint: refused (400), not
# found (404), or 200 with nothing in it; never an error of SQLite or
# PostgreSQL, never a change. The language parameter falls back to the default language.
printf 'code,2021,2022\n100000000,4000,4100\n' > "$T/years.csv"
printf 'code,grp_pc_kzt_thousand\n100000000,4000\n' > "$T/noperiod.csv"
sqlvals=("'" "' OR '1'='1" "1' OR 1=1--" "'; DROP TABLE observations;--" '" OR ""="' '%' '_' '*' '\'
  "1; DELETE FROM units" "') UNION SELECT name, sql FROM sqlite_master--" "0x27" '%27%20OR%201=1' "%' --")
enc() { # percent-encodes every byte but letters and digits
  local s=$1 i c out=
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [a-zA-Z0-9]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}
probe() { # probe ENDPOINT PARAM VALUE [EXTRA QUERY]
  local code
  code=$(http GET "$1?$(enc "$2")=$(enc "$3")${4:+&$4}" "${AUTH[@]}")
  if grep -qi 'syntax error\|unrecognized token\|no such \(table\|column\)\|SQL logic\|\(relation\|column\|function\) .* does not exist\|invalid input syntax\|transaction is aborted\|could not determine data type' "$T/body"; then
    bad "$1 $2=$3: SQL error text: $(head -c 200 "$T/body")"
  fi
  case $code in
    400 | 404) ok ;;
    200)
      if [ "$2" = lang ] || [ "$2" = population ]; then ok # a default language; the map without a population
      elif [ "$1" = /api/map ]; then
        # A map of nothing: no region drawn.
        if grep -q 'class="unit"' "$T/body"; then bad "$1 $2=$3: drew a map"; else ok; fi
      elif [ "$(total)" = 0 ] || grep -q '"items":\[\]' "$T/body"; then ok
      else bad "$1 $2=$3: 200 with rows: $(head -c 200 "$T/body")"; fi ;;
    *) bad "$1 $2=$3: status $code"; head -c 200 "$T/body" >&2; echo >&2 ;;
  esac
}
for v in "${sqlvals[@]}"; do
  for p in level under code q offset limit lang; do probe /api/units $p "$v"; done
  for p in indicator offset limit lang; do probe /api/indicators $p "$v"; done
  for p in indicator period level under code horizon offset limit lang; do
    probe /api/observations $p "$v" 'indicator=grp_pc_kzt_thousand'
  done
  for p in offset limit; do probe /api/datasets $p "$v"; done
  for p in indicator level classes population lang; do probe /api/map $p "$v"; done
  probe /api/submissions status "$v"
  for p in after limit; do probe /api/audit $p "$v"; done
  probe /api/units "$v" 1 # as a parameter name
  # In the JSON of an edit, and in the upload's parameters (a table with a
  # year per column takes ?indicator=, one without a period ?period=).
  ve=$(printf '%s' "$v" | sed 's/\\/\\\\/g; s/"/\\"/g')
  for body in "{\"unit\":\"$ve\",\"indicator\":\"grp_pc_kzt_thousand\",\"period\":\"2022\",\"value\":1}" \
    "{\"unit\":\"100000000\",\"indicator\":\"$ve\",\"period\":\"2022\",\"value\":1}" \
    "{\"unit\":\"100000000\",\"indicator\":\"grp_pc_kzt_thousand\",\"period\":\"$ve\",\"value\":1}"; do
    code=$(http POST /api/edits "${AUTH[@]}" -d "$body")
    case $code in 400 | 404) ok ;; *) bad "edit $body: status $code $(head -c 200 "$T/body")" ;; esac
  done
  if ! [[ $v =~ ^[A-Za-z0-9_.-]+$ ]]; then # (a plain code names a new indicator, as it may)
    code=$(http POST "/api/uploads?name=years.csv&indicator=$(enc "$v")" "${AUTH[@]}" --data-binary @"$T/years.csv")
    case $code in 400 | 404) ok ;; *) bad "upload indicator=$v: status $code $(head -c 200 "$T/body")" ;; esac
  fi
  code=$(http POST "/api/uploads?name=noperiod.csv&period=$(enc "$v")" "${AUTH[@]}" --data-binary @"$T/noperiod.csv")
  case $code in 400 | 404) ok ;; *) bad "upload period=$v: status $code $(head -c 200 "$T/body")" ;; esac
done
st 200 GET /api/units?level=region "${AUTH[@]}"
eq "$(total)" 21 "regions after the SQL probes"
on_pg || eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity after the hostile requests" # SQLite's own check
eq "$(store_sum)" "$sum0" "store checksum after the hostile requests"
# Every refusal is in the access log with its status.
n400=$(grep -c ' 400 ' "$T/access.log")
[ "$n400" -ge 100 ] && ok || bad "access log lists only $n400 requests answered 400"
has "$T/access.log" ' POST /api/uploads 400 '
has "$T/access.log" ' GET /api/nothing 404 '
has "$T/access.log" ' POST /api/edits 413 '

# --- CSRF and rights ----------------------------------------------------
login() { # login NAME PASSWORD JAR: sets CSRF
  curl -s -c "$3" -o "$T/login.json" -X POST -d "{\"name\":\"$1\",\"password\":\"$2\"}" "$URL/api/login"
  CSRF=$(grep -o '"csrf":"[0-9a-f]*"' "$T/login.json" | cut -d'"' -f4)
  [ ${#CSRF} = 64 ] && ok || bad "login as $1: $(cat "$T/login.json")"
}
audit_count() { dbq "$DB" "SELECT count(*) FROM audit WHERE action = '$1'"; }
# The session cookie and the headers every answer carries.
curl -s -D "$T/headers" -o /dev/null -X POST -d '{"name":"reader","password":"reader-password-1"}' "$URL/api/login"
has "$T/headers" "HttpOnly; SameSite=Strict"
has "$T/headers" "Content-Security-Policy: default-src 'self'"
has "$T/headers" "X-Frame-Options: DENY"
has "$T/headers" "X-Content-Type-Options: nosniff"
has "$T/headers" "Cache-Control: no-store"
login reader reader-password-1 "$T/reader.jar"
st 403 POST /api/edits -b "$T/reader.jar" -H "X-CSRF-Token: $CSRF" -d '{"unit":"100000000","indicator":"grp_pc_kzt_thousand","period":"2022","value":1}'
st 200 POST /api/logout -b "$T/reader.jar" -H "X-CSRF-Token: $CSRF" -d '{}'
st 401 GET /api/me -b "$T/reader.jar" # the old cookie is dead on the server too
login abay abay-password-1 "$T/abay.jar"
denied0=$(audit_count denied)
edit_own='{"unit":"100000000","indicator":"grp_pc_kzt_thousand","period":"2022","value":4100}'
st 403 POST /api/edits -b "$T/abay.jar" -d "$edit_own"
has "$T/body" "CSRF"
st 403 POST /api/edits -b "$T/abay.jar" -H "X-CSRF-Token: $(printf 'f%.0s' $(seq 1 64))" -d "$edit_own"
eq "$(audit_count denied)" $((denied0 + 2)) "refusals for CSRF in the audit log"
# Another region's data (Almaty city, 750000000): refused, logged, unchanged.
st 403 POST /api/edits -b "$T/abay.jar" -H "X-CSRF-Token: $CSRF" \
  -d '{"unit":"750000000","indicator":"grp_pc_kzt_thousand","period":"2022","value":1}'
eq "$(audit_count denied)" $((denied0 + 3)) "the refused edit of another region in the audit log"
printf 'code,year,grp_pc_kzt_thousand\n750000000,2022,1\n' > "$T/almaty.csv"
st 403 POST '/api/uploads?name=almaty.csv' -b "$T/abay.jar" -H "X-CSRF-Token: $CSRF" --data-binary @"$T/almaty.csv"
st 403 GET /api/audit -b "$T/abay.jar"
st 200 GET '/api/audit?limit=10000' "${AUTH[@]}"
has "$T/body" '"account":"abay","action":"denied"'
has "$T/body" '750000000'
eq "$(store_sum)" "$sum0" "store checksum after the refused changes"

# --- files that name other files, and spreadsheet bombs -----------------
# A regional editor uploads a GDAL VRT (XML whose SrcDataSource is the store
# and whose SrcSQL reads every account's name and password hash, the audit
# log, or a URL) under each data extension the server takes, and GeoPackages
# whose schema reads another database: each is a 400 naming the format, and
# no response holds a hash, an account or the query. (GDAL choosing the
# driver from the content obeyed such a file and returned the hashes in the
# error text.)
for src in "<SrcDataSource>$DB</SrcDataSource><SrcSQL dialect=\"SQLITE\">SELECT name || ':' || pw_hash AS code, 1 AS grp_pc_kzt_thousand FROM accounts</SrcSQL>" \
  "<SrcDataSource>$DB</SrcDataSource><SrcSQL dialect=\"SQLITE\">SELECT account AS code, object AS name_ru FROM audit</SrcSQL>" \
  "<SrcDataSource>/vsicurl/http://127.0.0.1:9/grp.csv</SrcDataSource>"; do
  printf '<OGRVRTDataSource><OGRVRTLayer name="grp">%s</OGRVRTLayer></OGRVRTDataSource>\n' "$src" > "$T/vrt.body"
  for ext in json geojson xlsx ods gpkg; do
    st 400 POST "/api/uploads?name=grp.$ext&period=2022" -b "$T/abay.jar" -H "X-CSRF-Token: $CSRF" --data-binary @"$T/vrt.body"
    has "$T/body" "'grp.$ext' is not a valid"
    for leak in argon2 'analyst:' 'abay:' pw_hash SrcSQL OGRVRT "$DB" '"account"'; do hasnt "$T/body" "$leak"; done
  done
done
for f in gpkg_view_other_db gpkg_virtual_table; do
  st 400 POST "/api/uploads?name=$f.gpkg&period=2022" -b "$T/abay.jar" -H "X-CSRF-Token: $CSRF" \
    --data-binary @tests/data/bad/$f.gpkg
  has "$T/body" "'$f.gpkg'"
  hasnt "$T/body" argon2
done
# A file GDAL cannot read is the client's fault: 400, not 500.
printf '{"type": "FeatureCollection", "features": [' > "$T/broken.geojson"
st 400 POST '/api/uploads?name=broken.geojson&period=2022' -b "$T/abay.jar" -H "X-CSRF-Token: $CSRF" \
  --data-binary @"$T/broken.geojson"
has "$T/body" "'broken.geojson'"
# Spreadsheet bombs (tests/cli/make_bombs.py): a row repeated ten million
# times in an ODS under 1 kB is past the server's default bound (4,194,304
# cells, docs/server.md); a 30 kB XLSX of 600,002 cells past a server
# started with --sheet-max-cells 100000. Both are 413 and the server's
# memory stays small.
python3 tests/cli/make_bombs.py "$T"
st 413 POST '/api/uploads?name=bomb.ods&period=2022' "${AUTH[@]}" --data-binary @"$T/bomb.ods"
has "$T/body" "'bomb.ods' spans more than 4194304 cells"
main_server=("$SPID" "$PORT" "$URL")
serve_start "$DB" "${SPOOL_ARG[@]}" --sheet-max-cells 100000 --sheet-max-mb 64 || { finish; exit 1; }
st 413 POST '/api/uploads?name=bomb.xlsx&period=2022' "${AUTH[@]}" --data-binary @"$T/bomb.xlsx"
has "$T/body" "'bomb.xlsx' spans more than 100000 cells"
rss=$(awk '/^VmHWM/ {print $2}' "/proc/$SPID/status")
[ "$rss" -lt 300000 ] && ok || bad "the server's peak memory after the bomb: $rss kB"
serve_stop
SPID=${main_server[0]} PORT=${main_server[1]} URL=${main_server[2]}
eq "$(store_sum)" "$sum0" "store checksum after the refused files"
# The editor's own region: a pending submission, no live change.
st 201 POST /api/edits -b "$T/abay.jar" -H "X-CSRF-Token: $CSRF" -d "$edit_own"
has "$T/body" '"status":"pending"'
st 200 GET '/api/observations?indicator=grp_pc_kzt_thousand&period=2022&code=100000000' "${AUTH[@]}"
has "$T/body" '"value":3901.1'

# --- 50 concurrent writers ----------------------------------------------
# 50 curl processes at once, each a central analyst's edit of its own
# district (GRP per capita, 2031): each becomes exactly one live value, one
# approved submission and one audit record.
codes=$(dbq "$DB" "SELECT code FROM units WHERE level = 'district' ORDER BY code LIMIT 50")
eq "$(echo "$codes" | wc -l)" 50 "districts for the writers"
i=0
for c in $codes; do
  i=$((i + 1))
  curl -s -o "$T/w$i.json" -w '%{http_code}\n' "${AUTH[@]}" -X POST \
    -d "{\"unit\":\"$c\",\"indicator\":\"grp_pc_kzt_thousand\",\"period\":\"2031\",\"value\":$((1000 + i))}" \
    "$URL/api/edits" > "$T/w$i.code" &
done
wait $(jobs -p | grep -v "^$SPID\$")
eq "$(cat "$T"/w*.code | sort | uniq -c | awk '{print $1 ":" $2}')" "50:201" "statuses of the 50 writers"
eq "$(dbq "$DB" "SELECT count(*), count(DISTINCT o.unit_id) FROM observations o JOIN indicators i ON i.id = o.indicator_id
                     WHERE i.code = 'grp_pc_kzt_thousand' AND o.period = '2031'")" "50|50" "live values of the writers"
# Each writer's value is on its own district (none swapped, none lost).
i=0 wrong=0
for c in $codes; do
  i=$((i + 1))
  # (its one value, as a count: the engines print 1001.0 and 1001)
  v=$(dbq "$DB" "SELECT count(*) FROM observations o JOIN units u ON u.id = o.unit_id JOIN indicators i ON i.id = o.indicator_id
                 WHERE u.code = '$c' AND i.code = 'grp_pc_kzt_thousand' AND o.period = '2031' AND o.value = $((1000 + i))")
  [ "$v" = 1 ] || wrong=$((wrong + 1))
done
eq "$wrong" 0 "writers whose value is not on their district"
eq "$(dbq "$DB" "SELECT count(*), count(DISTINCT object) FROM audit WHERE action = 'edit' AND object LIKE '% 2031 %'")" "50|50" \
  "audit records of the writers"
eq "$(dbq "$DB" "SELECT count(*) FROM submissions WHERE period = '2031' AND status = 'approved'")" 50 "approved submissions of the writers"
st 200 GET '/api/observations?indicator=grp_pc_kzt_thousand&period=2031&limit=100' "${AUTH[@]}"
eq "$(total)" 50 "the writers' values through the API"

# ==== issue 13: every list is a page, unknown parameters are refused, =====
# ==== pending values are hidden from readers, results are capped     =====
# (before the login flood below: its rate limit would refuse our logins)
disp='{"indicator":"grp_pc_kzt_thousand","period":"2022","level":"region"}'
for i in 1 2 3; do st 201 POST /api/analysis/disparity "${AUTH[@]}" -d "$disp"; done
nres=$(dbq "$DB" "SELECT count(*) FROM results")
st 200 GET /api/results "${AUTH[@]}"
eq "$(total)" "$nres" "total of the results listing"
has "$T/body" '"offset":0,"limit":100,"next":null,'
st 200 GET '/api/results?limit=2' "${AUTH[@]}"
has "$T/body" "\"total\":$nres,\"offset\":0,\"limit\":2,\"next\":2,"
eq "$(grep -o '"output_sha256"' "$T/body" | wc -l)" 2 "results on a page of 2"
st 200 GET "/api/results?limit=2&offset=$((nres - 1))" "${AUTH[@]}"
has "$T/body" '"next":null,'
eq "$(grep -o '"output_sha256"' "$T/body" | wc -l)" 1 "results on the last page"
st 400 GET '/api/results?limit=10001' "${AUTH[@]}"
# Each list takes offset and limit and refuses what it does not declare.
login admin admin-password-1 "$T/admin.jar"
for p in /api/units /api/indicators /api/observations /api/datasets /api/tokens /api/accounts /api/submissions \
  /api/audit /api/methodologies /api/results; do
  st 200 GET "$p?limit=1&offset=0" -b "$T/admin.jar"
  has "$T/body" '"offset":0,"limit":1,"next":'
  st 400 GET "$p?colour=red" -b "$T/admin.jar"
  has "$T/body" "unknown query parameter 'colour' for $p"
done
# ... and so does every other route, whatever its method.
st 400 POST '/api/login?colour=red' -d '{"name":"reader","password":"reader-password-1"}'
st 400 GET '/api/results/1?colour=red' "${AUTH[@]}"
st 400 POST '/api/analysis/disparity?colour=red' "${AUTH[@]}" -d "$disp"
st 400 GET '/api/health?colour=red'
has "$T/body" "unknown query parameter 'colour' for /api/health"
# Abay's pending edit (4100, above) is not a reader's to see.
login reader reader-password-1 "$T/reader2.jar"
st 200 GET /api/submissions -b "$T/reader2.jar"
hasnt "$T/body" '"status":"pending"'
hasnt "$T/body" '"value":4100'
st 200 GET '/api/submissions?status=pending' -b "$T/reader2.jar"
eq "$(total)" 0 "pending submissions a reader sees"
st 200 GET '/api/submissions?status=pending' "${AUTH[@]}"
eq "$(total)" "$(dbq "$DB" "SELECT count(*) FROM submissions WHERE status = 'pending'")" "pending submissions an approver sees"
has "$T/body" '"value":4100'
st 200 GET '/api/submissions?status=pending' -b "$T/abay.jar"
has "$T/body" '"value":4100'
# --max-results: past the cap an account's oldest results expire.
expect 1 "$AIMAQ" serve --db "$DB" --max-results -1
has "$T/err" "--max-results must be 0 (no cap) or more"
serve_stop
serve_start "$DB" "${SPOOL_ARG[@]}" --max-results 2 || { finish; exit 1; }
first=$(dbq "$DB" "SELECT min(id) FROM results WHERE created_by = 'analyst'")
st 201 POST /api/analysis/disparity "${AUTH[@]}" -d "$disp"
eq "$(dbq "$DB" "SELECT count(*) FROM results WHERE created_by = 'analyst'")" 2 "the analyst's results under a cap of 2"
st 404 GET "/api/results/$first" "${AUTH[@]}"
eq "$(dbq "$DB" "SELECT count(*) FROM audit WHERE action = 'result' AND new_value LIKE '%older results of this account expired (cap 2)'")" 1 \
  "the audit record of the result that expired older ones"

# SQL in the login's name and password: refused (and, after 20 failures
# from one address, rate limited: twice over, 28 attempts).
for v in "${sqlvals[@]}" "${sqlvals[@]}"; do
  ve=$(printf '%s' "$v" | sed 's/\\/\\\\/g; s/"/\\"/g')
  code=$(http POST /api/login -d "{\"name\":\"$ve\",\"password\":\"$ve\"}")
  case $code in 400 | 401 | 429) ok ;; *) bad "login as $v: status $code" ;; esac
done
has "$T/body" "too many failed logins"

# --- results reproduce after units change (issue 13) --------------------
# A disparity of 2023 district population under Abay region (its 10
# districts in examples/kz/population_district_2023.csv) is recorded; then
# a units upload moves Semey (101000000) to East Kazakhstan region
# (630000000) and renames Kurchatov (101800000). Reproducing the result is
# identical, since its horizon sees the units as they were; a fresh run
# sees 9 districts (Gini 0.588, then 0.359 without Semey's 328,762); the
# read API at the old horizon has the old name and hierarchy.
expect 0 "$AIMAQ" import examples/kz/population_district_2023.csv --db "$DB" --map examples/kz/population.map.yaml
abay='{"indicator":"population","period":"2023","level":"district","under":"100000000"}'
st 201 POST /api/analysis/disparity "${AUTH[@]}" -d "$abay"
has "$T/body" '"gini":0.5879'
has "$T/body" '"units":10}'
rid=$(grep -o '"result":[0-9]*' "$T/body" | cut -d: -f2)
hz=$(grep -o '"horizon":[0-9]*' "$T/body" | cut -d: -f2)
printf 'code,parent,level,name_ru\n101000000,630000000,district,Семей Г.А.\n101800000,100000000,district,Курчатов (переименован)\n' \
  > "$T/moves.csv"
st 201 POST '/api/uploads?name=moves.csv' "${AUTH[@]}" --data-binary @"$T/moves.csv"
eq "$(dbq "$DB" "SELECT parent FROM units WHERE code = '101000000'")" 630000000 "Semey's parent now"
eq "$(dbq "$DB" "SELECT count(*) FROM unit_history h JOIN units u ON u.id = h.unit_id
                 WHERE u.code IN ('101000000', '101800000') AND h.until_dataset > $hz")" 2 "history rows of the two changes"
st 200 POST "/api/results/$rid/reproduce" "${AUTH[@]}"
has "$T/body" '"identical":true'
st 201 POST /api/analysis/disparity "${AUTH[@]}" -d "$abay"
has "$T/body" '"gini":0.3592'
has "$T/body" '"units":9}'
st 200 GET "/api/observations?indicator=population&period=2023&code=101800000&horizon=$hz" "${AUTH[@]}"
has "$T/body" '"name_ru":"Курчатов Г.А."'
st 200 GET '/api/observations?indicator=population&period=2023&code=101800000' "${AUTH[@]}"
has "$T/body" '"name_ru":"Курчатов (переименован)"'
st 200 GET "/api/observations?indicator=population&period=2023&level=district&under=100000000&horizon=$hz" "${AUTH[@]}"
eq "$(total)" 10 "Abay's districts at the old horizon"
st 200 GET '/api/observations?indicator=population&period=2023&level=district&under=100000000' "${AUTH[@]}"
eq "$(total)" 9 "Abay's districts now"

serve_stop

# ========================================================================
# --- the front door (issue 13): login backoff per name and address, the
# trusted proxy's X-Forwarded-For, a flood of refused logins, connections
# per address, the header deadline, the access log's escapes, the bearer
# scheme's case, repeated parameters, and test-mode (weak) hashes. A
# server of its own, behind a "proxy" at 127.0.0.1; other loopback
# addresses (127.0.0.2) are clients it does not trust.
# ========================================================================
expect 1 "$AIMAQ" serve --db "$DB" --trusted-proxy 127.0.0.1,10.0.0.300 --listen 127.0.0.1:1
has "$T/err" "--trusted-proxy must be IPv4 addresses separated by commas (at most 16), e.g. 127.0.0.1,10.0.0.2, not '10.0.0.300'"
expect 1 "$AIMAQ" serve --db "$DB" --connections-per-address -1
has "$T/err" "--connections-per-address must be 0 (no limit) to 4096, not -1"
expect 1 "$AIMAQ" serve --db "$DB" --header-timeout 0
has "$T/err" "--header-timeout must be 1 to 3600 seconds, not 0"
serve_start "$DB" "${SPOOL_ARG[@]}" --trusted-proxy 127.0.0.1 --connections-per-address 10 --header-timeout 3 ||
  { finish; exit 1; }
has "$T/serve.err" "AQ_PWHASH_FAST=1: the test mode" # said at the start: serve_lib.inc sets it
# The bearer scheme is case-insensitive; another word is not the scheme.
st 200 GET /api/me -H "Authorization: bearer $TOKEN"
st 200 GET /api/me -H "Authorization: BEARER  $TOKEN"
st 401 GET /api/me -H "Authorization: Bearerx $TOKEN"
# A repeated query parameter is refused, naming it.
st 400 GET '/api/units?level=region&level=district' "${AUTH[@]}"
has "$T/body" "query parameter 'level' is given more than once"
st 400 GET '/api/units?limit=1&offset=0&limit=99999' "${AUTH[@]}"
has "$T/body" "query parameter 'limit' is given more than once"
# Control characters, spaces, quotes and backslashes of a path are escaped
# in the access log: no forged line, every line 7 fields.
http GET '/api/x%0A2026-01-01T00:00:00Z%206.6.6.6%20GET%20/api/health%20200%200%200.01ms%22%5C%1B' > /dev/null
has "$T/access.log" ' GET /api/x\x0a2026-01-01T00:00:00Z\x206.6.6.6\x20GET\x20/api/health\x20200\x200\x200.01ms\x22\x5c\x1b 404 '
eq "$(grep -c '^2026-01-01T00:00:00Z' "$T/access.log")" 0 "forged lines in the access log"
eq "$(awk 'NF != 7' "$T/access.log" | wc -l)" 0 "access log lines without exactly 7 fields"
# The client is the right-most X-Forwarded-For address that is not a
# trusted proxy, from the trusted proxy only (several headers are one list).
login_as() { # login_as NAME PASSWORD [CURL ARGS]: the status; the body in $T/body
  local n=$1 p=$2
  shift 2
  http POST /api/login -d "{\"name\":\"$n\",\"password\":\"$p\"}" "$@"
}
eq "$(login_as reader wrong-password-0 -H 'X-Forwarded-For: 6.6.6.6, 10.9.8.7')" 401 "a wrong password"
eq "$(login_as reader wrong-password-0 -H 'X-Forwarded-For: 6.6.6.6' -H 'X-Forwarded-For: 10.9.8.8, 127.0.0.1')" 401 \
  "a wrong password"
eq "$(login_as reader wrong-password-0 --interface 127.0.0.2 -H 'X-Forwarded-For: 10.9.8.9')" 401 "a wrong password"
last_failed() { dbq "$DB" "SELECT client FROM audit WHERE action = 'login-failed' ORDER BY id DESC LIMIT 1 OFFSET $1"; }
eq "$(last_failed 2)" 10.9.8.7 "client of a login through the proxy"
eq "$(last_failed 1)" 10.9.8.8 "client through the proxy, two headers"
eq "$(last_failed 0)" 127.0.0.2 "client of an untrusted peer (its X-Forwarded-For ignored)"
has "$T/access.log" ' 10.9.8.7 POST /api/login 401 '
# Aimed lockout: wrong passwords for admin from one address make that
# address wait (even with the right password), not admin's owner. (Three
# more failures written directly make the wait 16 s, not 2: a slow
# machine does not outwait it.)
for i in 1 2 3; do eq "$(login_as admin "guess-$i-password" -H 'X-Forwarded-For: 10.66.0.1')" 401 "guess $i"; done
for i in 1 2 3; do dbq "$DB" "INSERT INTO login_failures(name, client, at) VALUES ('admin', '10.66.0.1', $(date +%s))"; done
eq "$(login_as admin admin-password-1 -H 'X-Forwarded-For: 10.66.0.1')" 401 "the guesser's address, backing off"
has "$T/body" "too many failed logins for 'admin' from this address: try again in"
eq "$(login_as admin admin-password-1 -H 'X-Forwarded-For: 10.66.0.2')" 200 "admin from another address"
# A flood of 500 logins with a new name each, on one connection from one
# address: 20 are checked and audited, the rest refused, counted, and
# audited at most once a minute; the audit stays small.
audit_from() { dbq "$DB" "SELECT count(*) FROM audit WHERE client = '$1'"; }
flood=$(timeout 60 python3 - "$PORT" << 'EOF'
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
failed = refused = other = 0
for i in range(500):
    body = json.dumps({"name": "flood%d" % i, "password": "whatever-password"})
    c.request("POST", "/api/login", body, {"X-Forwarded-For": "10.66.0.3", "Content-Type": "application/json"})
    r = c.getresponse()
    text = r.read().decode()
    if r.status == 401 and "too many failed logins" in text: refused += 1
    elif r.status == 401: failed += 1
    else: other += 1
print(failed, refused, other)
EOF
)
read -r nfailed nrefused nother <<< "$flood"
[ "${nfailed:-0}" -ge 20 ] && [ "${nfailed:-99}" -le 23 ] && ok || bad "flood: $nfailed logins checked, wanted 20 to 23"
eq "$((nfailed + nrefused))|$nother" "500|0" "flood: checked and refused logins"
n=$(audit_from 10.66.0.3)
[ "$n" -ge 20 ] && [ "$n" -le 25 ] && ok || bad "flood: $n audit records from 10.66.0.3, wanted 20 to 25"
# Every refusal is counted: in the audit once its minute is over (a
# minute may have ended during the flood), else in login_refusals.
nrec=$(dbq "$DB" "SELECT count(*) FROM audit WHERE action = 'login-refused' AND client = '10.66.0.3'")
[ "$nrec" -le 1 ] && ok || bad "flood: $nrec login-refused records, wanted at most 1"
audited=$(dbq "$DB" "SELECT new_value FROM audit WHERE action = 'login-refused' AND client = '10.66.0.3'" |
  awk '{n += $1} END {print n + 0}')
counted=$(dbq "$DB" "SELECT coalesce(sum(refused), 0) FROM login_refusals WHERE client = '10.66.0.3'")
eq "$((audited + counted))" "$nrefused" "flood: refusals audited and counted"
# Connections per address and the header deadline, with python sockets:
# 14 idle sockets from 127.0.0.1 (4 over the limit of 10: closed at
# once), a request from 127.0.0.2 answered meanwhile; once the 14 are
# gone, one from 127.0.0.1 too; a request trickling its headers a byte
# every 0.2 s is closed 3 s after it started; a slow one that finishes
# its headers in time is answered.
conns=$(timeout 60 python3 - "$PORT" << 'EOF'
import select, socket, sys, time
port = int(sys.argv[1])
def get(source):
    s = socket.socket()
    s.settimeout(5)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    try:
        while True:
            d = s.recv(4096)
            if not d: break
            data += d
    except OSError: pass
    s.close()
    return data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "none"
held = [socket.create_connection(("127.0.0.1", port)) for i in range(14)]
closed = set()
end = time.time() + 1.0
while time.time() < end:
    ready, _, _ = select.select([s for s in held if s not in closed], [], [], 0.1)
    for s in ready:
        try: d = s.recv(1)
        except OSError: d = b""
        if not d: closed.add(s)
print(len(closed), get("127.0.0.2"), end=" ")
for s in held: s.close()
time.sleep(0.3)
print(get("127.0.0.1"), end=" ")
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(0.2)
start = time.time()
s.sendall(b"GET /api/health HTTP/1.1\r\n")
while time.time() - start < 10:
    try: s.sendall(b"X")
    except OSError: break
    try:
        if s.recv(1) == b"": break
    except socket.timeout: pass
    except OSError: break
print("%d" % round(time.time() - start), end=" ")
s.close()
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(5)
for part in (b"GET /api/health HTTP/1.1\r\n", b"Host: x\r\n", b"Connection: close\r\n", b"\r\n"):
    s.sendall(part)
    time.sleep(0.4)
print(s.recv(100).split(b" ")[1].decode())
EOF
)
read -r nclosed other_addr after trickle slow <<< "$conns"
eq "$nclosed" 4 "sockets over the per-address limit, closed"
eq "$other_addr" 200 "another address while one holds its limit"
eq "$after" 200 "the address once its sockets are closed"
[ "${trickle:-99}" -ge 3 ] && [ "${trickle:-99}" -le 5 ] && ok || bad "a trickled request closed after ${trickle:-?} s, wanted 3 to 5"
eq "$slow" 200 "slow headers within the deadline"
has "$T/access.log" ' 127.0.0.1 - - 408 0 '
serve_stop
# A weak (test-mode) hash outside the test mode: the login works and the
# hash is replaced by one at the INTERACTIVE cost.
weak="SELECT count(*) FROM accounts WHERE name = 'reader' AND pw_hash LIKE '\$argon2id\$v=19\$m=8,t=1,%'"
eq "$(dbq "$DB" "$weak")" 1 "the reader's test-mode hash"
AQ_PWHASH_FAST=0 serve_start "$DB" "${SPOOL_ARG[@]}" || { finish; exit 1; }
hasnt "$T/serve.err" "test mode"
eq "$(login_as reader reader-password-1)" 200 "a test-mode account's login outside the test mode"
eq "$(dbq "$DB" "$weak")" 0 "the reader's test-mode hash, after its login outside the test mode"
eq "$(dbq "$DB" "SELECT count(*) FROM accounts WHERE name = 'reader' AND pw_hash LIKE '\$argon2id\$v=19\$m=65536,t=2,p=1\$%'")" 1 \
  "the reader's INTERACTIVE hash"
eq "$(login_as reader reader-password-1)" 200 "the login with the new hash"
serve_stop
# ========================================================================
on_pg || eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity at the end"
finish
