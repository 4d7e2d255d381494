# report_browser.sh -- the report as a person sees it: rendered by a real
# headless Chromium to a screenshot and printed to PDF. Skipped (exit 0)
# where /usr/bin/chromium is not installed (Debian package "chromium").
# The network is not needed: Chromium runs with background networking off
# and the report refers to nothing outside itself.
. tests/cli/lib.inc
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "skipped: $CHROMIUM not installed"
  rm -rf "$T"
  exit 0
fi
E=examples/kz
DB=$(new_store kz.db) || { finish; exit 1; } # this run's engine (lib.inc)
expect 0 "$AIMAQ" import $E/units.csv --db "$DB" --dataset "KATO NK RK 11-2025"
expect 0 "$AIMAQ" import $E/regions.geojson --db "$DB" --dataset "Region boundaries (OpenStreetMap)"
expect 0 "$AIMAQ" import $E/population_region_2023.csv --db "$DB" --map $E/population.map.yaml
expect 0 "$AIMAQ" import $E/grp_per_capita.csv --db "$DB" --map $E/grp_per_capita.map.yaml
R=$T/report.html
expect 0 "$AIMAQ" report --db "$DB" -o "$R"
url="file://$(cd "$T" && pwd)/report.html"

chrome() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" "$@" "$url" > "$T/chrome.log" 2>&1
}
# size_at_least FILE BYTES WHAT
size_at_least() {
  local n=0
  [ -f "$1" ] && n=$(wc -c < "$1")
  if [ "$n" -ge "$2" ]; then ok; else bad "$3: $1 is $n bytes (want >= $2)"; sed 's/^/  | /' "$T/chrome.log" | tail -5 >&2; fi
}

chrome --screenshot="$T/report.png" --window-size=1200,3000
size_at_least "$T/report.png" 50000 "screenshot"
# A PNG, 1200 pixels wide (the width is bytes 16-19 of the IHDR chunk).
eq "$(head -c 8 "$T/report.png" | od -An -tx1 | tr -d ' \n')" "89504e470d0a1a0a" "PNG signature"
eq "$(od -An -tu1 -j16 -N4 "$T/report.png" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}')" "1200" "PNG width"

chrome --print-to-pdf="$T/report.pdf" --no-pdf-header-footer
size_at_least "$T/report.pdf" 30000 "PDF"
eq "$(head -c 5 "$T/report.pdf")" "%PDF-" "PDF signature"
# One page per section (sections break onto a new page in print): at least 5.
pages=$(grep -ao '/Count [0-9]*' "$T/report.pdf" | awk '$2 > m { m = $2 } END { print m + 0 }')
if [ "$pages" -ge 5 ]; then ok; else bad "PDF has $pages pages (want >= 5)"; fi
# Keep the pictures for a person to look at when asked to.
if [ -n "${AQ_REPORT_SHOTS:-}" ]; then mkdir -p "$AQ_REPORT_SHOTS" && cp "$T/report.png" "$T/report.pdf" "$AQ_REPORT_SHOTS/"; fi
finish
