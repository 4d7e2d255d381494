# report.sh -- `aimaq report` on the Kazakhstan example: the file is
# self-contained (no network reference, no script), has the Albers map with
# the 20 regions, the classed legend, the provenance with the SHA-256 of the
# GRP file, Kazakh words and number format by default, Russian and English
# on request, the published max/min ratios, and graceful notes when the
# boundaries or the population are missing.
. tests/cli/lib.inc
E=examples/kz
DB=$(new_store kz.db) || { finish; exit 1; } # this run's engine (lib.inc)
# The example store, built here (not in out/kz, which examples/kz/run.sh and
# example_kz.sh own) from the same files as examples/kz/run.sh.
expect 0 "$AIMAQ" import $E/units.csv --db "$DB" --dataset "KATO NK RK 11-2025"
expect 0 "$AIMAQ" import $E/reforms.csv --db "$DB" --dataset "Territorial reforms 2018 and 2022"
expect 0 "$AIMAQ" import $E/regions.geojson --db "$DB" --dataset "Region boundaries (OpenStreetMap)"
expect 0 "$AIMAQ" import $E/population_region_2023.csv --db "$DB" --map $E/population.map.yaml
expect 0 "$AIMAQ" import $E/grp_per_capita.csv --db "$DB" --map $E/grp_per_capita.map.yaml

R=$T/report.html
expect 0 "$AIMAQ" report --db "$DB" -o "$R"
has "$T/err" "wrote $R"

# Self-contained: no http(s) URL in a src= or href= attribute, no external
# script, stylesheet or font, no script at all.
if grep -Eiq "(src|href)[[:space:]]*=[[:space:]]*[\"']?(https?:)?//" "$R"; then bad "network reference in src/href"; else ok; fi
if grep -Eiq '<script|<link|@import|url\(' "$R"; then bad "script, link, @import or url() in the report"; else ok; fi
has "$R" "<style>"
size=$(wc -c < "$R")
if [ "$size" -lt 1000000 ]; then ok; else bad "report is $size bytes (want < 1 MB)"; fi

# The map: one path per current region (20), the legend with 5 classes.
awk '/<svg class="map"/ { n++ } n == 1' "$R" | sed '/<\/svg>/q' > "$T/map1.svg"
eq "$(grep -c '<path class="unit"' "$T/map1.svg")" "20" "region paths on the choropleth"
has "$T/map1.svg" 'id="u750000000"'                    # Almaty city
has "$T/map1.svg" '<g class="legend">'
eq "$(grep -c '<rect x="10" y="[0-9]*" width="28" height="16"' "$T/map1.svg")" "5" "legend classes"
has "$T/map1.svg" "1 671,8 – 2 917,9 (6)"             # lowest class, Fisher-Jenks
has "$R" "Альберстің тең аумақты конустық проекциясы"
# The LISA cluster map: the same 20 regions, four cluster colours and "not
# significant". With 999 permutations from seed 12345 Shymkent is the one
# significant unit (Low-Low) and global Moran's I is 0.077 (aimaq's own
# result, recorded here as a regression value).
awk '/<svg class="map"/ { n++ } n == 2' "$R" | sed '/<\/svg>/q' > "$T/map2.svg"
eq "$(grep -c '<path class="unit"' "$T/map2.svg")" "20" "region paths on the cluster map"
has "$T/map2.svg" "Мәнді емес (19)"
has "$R" "Төмен – төмен: Шымкент қ."
has "$R" "Моранның жаһандық I: 0,077"

# The dot plot: every region in 2022 (filled), and in its first year except
# the three regions created in 2022 (Abay, Zhetisu, Ulytau): 17 hollow dots.
has "$R" "Өңірлердің орташа деңгейге қатысты орны"
eq "$(grep -o '<circle class="d1" cx=' "$R" | wc -l)" "21" "latest-year dots (20 + the key)"
eq "$(grep -o '<circle class="d0" cx=' "$R" | wc -l)" "18" "first-year dots (17 + the key)"

# Provenance: the checksum of the GRP file as sha256sum computes it.
sum=$(sha256sum $E/grp_per_capita.csv | cut -d' ' -f1)
eq "${#sum}" "64" "sha256sum length"
has "$R" "$sum"
has "$R" "grp_per_capita.csv"
has "$R" "aimaq нұсқасы: $("$AIMAQ" version | cut -d' ' -f2)"

# Kazakh by default: lang attribute, headings, decimal comma and space.
has "$R" '<html lang="kk">'
has "$R" "Өңірлер картасы"
has "$R" "Лоренц қисығы"
has "$R" "Атырау облысы"
has "$R" "19 974,1"          # Atyrau, 2022 (BNS)
has "$R" "19 765 004"        # total population 2023-01-01 (BNS)
# Max/min ratio per year, as in examples/kz (SOURCE.md, from the BNS series)
has "$R" '<td>2008</td><td class="n">16</td><td class="n">11,68</td>'
has "$R" '<td>2022</td><td class="n">20</td><td class="n">11,95</td>'
has "$R" "Өңірлер халық санымен салмақталған"   # weighted Lorenz curve

# Russian and English.
# A map of population itself (the value is also the weight): one column,
# not "column 'population' appears twice".
expect 0 "$AIMAQ" report --db "$DB" --value population -o "$T/pop.html"
has "$T/pop.html" "<svg"
expect 0 "$AIMAQ" report --db "$DB" --lang ru --output "$T/ru.html"
has "$T/ru.html" '<html lang="ru">'
has "$T/ru.html" "Кривая Лоренца"
has "$T/ru.html" "Атырауская область"
has "$T/ru.html" "19 974,1"
expect 0 "$AIMAQ" report --db "$DB" --lang en -o "$T/en.html"
has "$T/en.html" "Lorenz curve"
has "$T/en.html" "Atyrau Region"
has "$T/en.html" "19,974.1"
has "$T/en.html" "19,765,004"
has "$T/en.html" '<td>2008</td><td class="n">16</td><td class="n">11.68</td>'

# A methodology file: its SHA-256 is shown.
M=$(ls methods/*.yaml 2>/dev/null | head -1)
if [ -n "$M" ]; then
  expect 0 "$AIMAQ" report --db "$DB" --method "$M" -o "$T/m.html"
  has "$T/m.html" "$(sha256sum "$M" | cut -d' ' -f1)"
fi

# The class summary of a potential run (count and population per class), on
# the shipped SYNTHETIC settlements: 13 high (19 579 people), 12 low (5 238).
expect 0 "$AIMAQ" potential methods/examples/kz-snp-2025-synthetic.csv --method methods/kz-snp-potential-2025.yaml --summary --format csv
cp "$T/out" "$T/classes.csv"
expect 0 "$AIMAQ" report --db "$DB" --method methods/kz-snp-potential-2025.yaml --class-summary "$T/classes.csv" -o "$T/c.html"
has "$T/c.html" "Әлеует кластары бойынша жиынтық"
has "$T/c.html" '<tr><td>жоғары</td><td class="n">13</td><td class="n">19 579</td><td class="n">52,2</td></tr>'
has "$T/c.html" '<tr><td>төмен</td><td class="n">12</td><td class="n">5 238</td>'
has "$T/c.html" "$(sha256sum methods/kz-snp-potential-2025.yaml | cut -d' ' -f1)"
printf 'class,n\nhigh,3\n' > "$T/badclasses.csv"
expect 2 "$AIMAQ" report --db "$DB" --class-summary "$T/badclasses.csv" -o "$T/x.html"
has "$T/err" "needs the columns class, count and population"

# The map of potential classes: settlements as dots from lon/lat, a region
# classed by its code (drawn with its boundary), classes ordered by their
# mean score (best green), "excluded" grey whatever its score, a unit with
# no location counted as not drawn.
cat > "$T/classes.csv" <<'CSV'
id,score,class,lon,lat
103233100,80,high,79.2461376,48.9015932
103235100,20,low,80.0635992,49.0343718
103235101,55,medium,80.1,49.1
103235102,,excluded,80.2,49.2
999999999,50,medium,,
750000000,70,high,,
CSV
expect 0 "$AIMAQ" report --db "$DB" --lang en --class-map "$T/classes.csv" -o "$T/classes.html"
eq "$(grep -c '<circle class="pt"' "$T/classes.html")" "4" "settlements drawn as dots"
has "$T/classes.html" '<circle class="pt" id="u103233100" cx="'
has "$T/classes.html" 'fill="#1a9641"><title>103233100: high</title>'
has "$T/classes.html" 'fill="#d7191c"><title>103235100: low</title>'
has "$T/classes.html" 'fill="#d9d9d9"><title>103235102: not scored (too little data)</title>'
has "$T/classes.html" '<path class="unit" id="u750000000" fill="#1a9641" d="M'
has "$T/classes.html" "high (2)"
has "$T/classes.html" "medium (2)"
has "$T/classes.html" "classes.csv: 5 / 6 units on the map (those without a location are not drawn)"
expect 0 "$AIMAQ" report --db "$DB" --lang kk --class-map "$T/classes.csv" -o "$T/classes_kk.html"
has "$T/classes_kk.html" "Даму әлеуетінің кластары"
has "$T/classes_kk.html" "жоғары (2)"
printf 'id,klass\n1,a\n' > "$T/noclass.csv"
expect 2 "$AIMAQ" report --db "$DB" --class-map "$T/noclass.csv" -o "$T/x.html"
has "$T/err" "needs the columns id (or code) and class"

# Without boundaries and without population: notes instead of the map and
# the weights, and still a report.
D2=$(new_store plain.db) || { finish; exit 1; }
expect 0 "$AIMAQ" import $E/units.csv --db "$D2" --dataset "KATO"
expect 0 "$AIMAQ" import $E/grp_per_capita.csv --db "$D2" --map $E/grp_per_capita.map.yaml
expect 0 "$AIMAQ" report --db "$D2" --lang en -o "$T/plain.html"
has "$T/plain.html" "The store has no unit boundaries, so the map is left out."
has "$T/plain.html" "No population indicator: every region counts once."
has "$T/plain.html" "No population figures for these units."
# Population only for districts: the regions have none, so the curve is
# unweighted and says why, with a warning on stderr.
expect 0 "$AIMAQ" import $E/population_district_2023.csv --db "$D2" --map $E/population.map.yaml
expect 0 "$AIMAQ" report --db "$D2" --lang en -o "$T/plain2.html"
has "$T/err" "but no population; the Lorenz curve is unweighted"
has "$T/plain2.html" "Some regions have no population, so the curve is unweighted"
has "$T/plain2.html" "No population figures for these units."
hasnt "$T/plain.html" '<path class="unit"'

# Errors: usage, unknown indicator, missing store.
expect 1 "$AIMAQ" report --db "$DB"
has "$T/err" "-o FILE"
expect 1 "$AIMAQ" report --db "$DB" --lang de -o "$T/x.html"
expect 1 "$AIMAQ" report --db "$DB" --classes 9 -o "$T/x.html"
expect 2 "$AIMAQ" report --db "$DB" --value no_such_indicator -o "$T/x.html"
has "$T/err" "no indicator 'no_such_indicator'"
if [ -e "$T/x.html" ]; then bad "a failed report left a file"; else ok; fi
expect 2 "$AIMAQ" report --db "$T/absent.db" -o "$T/x.html"
finish
