# serve_browser.sh -- the dashboard as a person uses it, in a real headless
# Chromium: a regional editor uploads, the upload waits, a central analyst
# approves it, the map changes, the language switches; the editor's reach
# into another region through the API is refused and audited. The browser
# part is tests/e2e/dashboard.mjs (playwright-core driving Debian's
# /usr/bin/chromium); this script builds the store, starts the server and
# checks the store afterwards.
#
# Skipped (exit 0) where /usr/bin/chromium (Debian package "chromium") or
# tests/e2e/node_modules (`npm ci` in tests/e2e; scripts/setup.sh --test
# does it) is missing. Screenshots of the key pages are kept in
# $AQ_TMP/serve_browser/; UPDATE_DOC_SHOT=1 also rewrites docs/img/dashboard.png.
. tests/cli/lib.inc
. tests/cli/serve_lib.inc
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "skipped: $CHROMIUM not installed (Debian package chromium)"
  rm -rf "$T"; exit 0
fi
if [ ! -d tests/e2e/node_modules/playwright-core ] || ! command -v node > /dev/null; then
  echo "skipped: node or tests/e2e/node_modules missing (run: cd tests/e2e && npm ci)"
  rm -rf "$T"; exit 0
fi
DB=$(new_store kz.db) || { finish; exit 1; } # this run's engine (lib.inc)
kz_store "$DB" || { finish; exit 1; }
SHOTS=$AQ_TMP/serve_browser
rm -rf "$SHOTS" && mkdir -p "$SHOTS"
# Abay's GRP per capita 2022 corrected from 3,901.1 to 4,321.5 thousand tenge.
UPLOAD=$T/abay_grp_2022.csv
printf 'code,year,grp_pc_kzt_thousand\n100000000,2022,4321.5\n' > "$UPLOAD"
# ... and a file the analyst rejects (it would have changed 2019).
UPLOAD_WRONG=$T/abay_grp_2019.csv
printf 'code,year,grp_pc_kzt_thousand\n100000000,2019,9999\n' > "$UPLOAD_WRONG"
# A PostgreSQL store's default spool (NAME.uploads/ in the working
# directory) would land in the repository: under $T instead.
SPOOL_ARG=()
on_pg && SPOOL_ARG=(--spool "$T/kz.uploads")
serve_start "$DB" "${SPOOL_ARG[@]}" || { finish; exit 1; }

doc=
[ "${UPDATE_DOC_SHOT:-}" = 1 ] && doc=$PWD/docs/img/dashboard.png
URL=$URL SHOTS=$SHOTS UPLOAD=$UPLOAD UPLOAD_WRONG=$UPLOAD_WRONG CHROMIUM=$CHROMIUM DOC_SHOT=$doc \
  timeout 240 node tests/e2e/dashboard.mjs > "$T/e2e.log" 2>&1
rc=$?
sed 's/^/  e2e: /' "$T/e2e.log"
eq "$rc" 0 "tests/e2e/dashboard.mjs exit status"
serve_stop

# What the browser did is in the store.
live() {
  dbq "$DB" "SELECT o.value FROM observations o JOIN units u ON u.id = o.unit_id JOIN indicators i ON i.id = o.indicator_id
                 WHERE u.code = '$1' AND i.code = 'grp_pc_kzt_thousand' AND o.period = '2022'
                 ORDER BY o.dataset_id DESC LIMIT 1"
}
eq "$(live 100000000)" 4321.5 "Abay's live value after the approval"
eq "$(live 750000000)" 8985.6 "Almaty's value, which the editor could not change"
eq "$(dbq "$DB" "SELECT kind, status, coalesce(file, ''), coalesce(period, ''), coalesce(comment, '') FROM submissions ORDER BY id")" \
  "file|approved|abay_grp_2022.csv||
file|rejected|abay_grp_2019.csv||the 2019 figure, not 2022
edit|approved||2021|
edit|approved||2020|
edit|approved||2019|
edit|approved||2018|
edit|rejected||2023|keep the 2023 census figure" "the submissions"
# The values typed in the dashboard as people write them, stored exactly.
value_of() { # value_of CODE INDICATOR PERIOD
  dbq "$DB" "SELECT coalesce(CAST(o.value AS TEXT), 'NULL') FROM observations o JOIN units u ON u.id = o.unit_id
               JOIN indicators i ON i.id = o.indicator_id
             WHERE u.code = '$1' AND i.code = '$2' AND o.period = '$3' ORDER BY o.dataset_id DESC LIMIT 1"
}
for p in 2021 2020 2019; do eq "$(value_of 100000000 grp_pc_kzt_thousand $p)" 2917.9 "Abay $p typed in the dashboard"; done
got=$(value_of 100000000 grp_pc_kzt_thousand 2018)
[ "$got" = 1234567.0 ] || [ "$got" = 1234567 ] && ok || bad "Abay 2018 typed as '1 234 567': got '$got'"
got=$(value_of 100000000 population_male 2023)
[ "$got" = 298770.0 ] || [ "$got" = 298770 ] && ok || bad "the value whose removal was rejected: got '$got'"
eq "$(dbq "$DB" "SELECT count(*) FROM observations WHERE value = 9999")" 0 "values of the rejected file"
eq "$(dbq "$DB" "SELECT count(*) FROM audit WHERE account = 'abay' AND action = 'denied' AND object LIKE '%750000000%'")" 1 \
  "the refused edit of Almaty in the audit log"
for f in 01-login 02-editor-map 03-editor-pending 04-analyst-approved 05-analyst-map-kk 06-audit 07-map-ru 07-map-en \
  07-map-kk 08-data 09-analysis; do
  if [ -s "$SHOTS/$f.png" ]; then ok; else bad "no screenshot $SHOTS/$f.png"; fi
done
finish
