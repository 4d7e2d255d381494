# bns.sh -- the Bureau of National Statistics' workbook imports as published,
# with no mapping file: header found below the title, period labels read,
# regions found by name (the country total too), footnotes kept as the
# dataset's notes, the unit of measure recorded. The annual values must
# equal the clean CSV derived from the same workbook (tests/data/bns/SOURCE.md).
. tests/cli/lib.inc
B=tests/data/bns
W="$B/6. ВРП на душу населения.xlsx"
DB=$(new_store bns.db) || { finish; exit 1; }
"$AIMAQ" import $B/regions_units.csv --db "$DB" > /dev/null || bad "import the regions"
"$AIMAQ" import $B/reforms.csv --db "$DB" > /dev/null || bad "import the reforms"
expect 0 "$AIMAQ" import "$W" --layer 'тыс.тенге' --indicator grp_pc --db "$DB"
has "$T/out" "rows: 22 read, 22 accepted, 0 rejected"
has "$T/out" "observations: 1111"
has "$T/out" "units found by name: 22 rows"
has "$T/out" "unit of measure: тыс.тенге"
hasnt "$T/err" "add up" # GRP per capita is a ratio: its regions do not sum to the country
has "$T/out" "2) c 1990 по 2018 годы Туркестанская область и город Шымкент были в составе Южно-Казахстанской области."
# Every region and year of the clean CSV, to 0.1 as it was rounded.
dbq "$DB" "SELECT u.code, o.period, o.value FROM observations o JOIN units u ON u.id = o.unit_id
           JOIN indicators i ON i.id = o.indicator_id WHERE i.code = 'grp_pc' AND length(o.period) = 4
           ORDER BY u.code, o.period" | awk -F'|' '{ printf "%s,%s,%.1f\n", $1, $2, $3 + 0 }' > "$T/got.csv"
tail -n +2 $B/grp_per_capita_by_region_2008_2022.csv | awk -F, '{ printf "%s,%s,%.1f\n", $2, $3, $4 }' | sort > "$T/want.csv"
eq "$(wc -l < "$T/want.csv")" "263" "rows of the clean CSV"
if cmp -s "$T/got.csv" "$T/want.csv"; then ok; else bad "annual values differ from the CSV"; diff "$T/want.csv" "$T/got.csv" | head >&2; fi
# Quarters, half-years and the cumulative 9 months are periods of their own.
eq "$(dbq "$DB" "SELECT o.value FROM observations o JOIN units u ON u.id = o.unit_id WHERE u.code = '000000000' AND o.period = '2008-Q1'")" "205.6" "Q1 2008"
eq "$(dbq "$DB" "SELECT o.value FROM observations o JOIN units u ON u.id = o.unit_id WHERE u.code = '000000000' AND o.period = '2008-H1'")" "460.5" "H1 2008"
eq "$(dbq "$DB" "SELECT o.value FROM observations o JOIN units u ON u.id = o.unit_id WHERE u.code = '000000000' AND o.period = '2008-9M'")" "754.2" "9 months 2008"
eq "$(dbq "$DB" "SELECT o.value FROM observations o JOIN units u ON u.id = o.unit_id WHERE u.code = '620000000' AND o.period = '2023-9M'")" "5537.3" "Ulytau, 9 months 2023"
eq "$(dbq "$DB" "SELECT count(DISTINCT period) FROM observations")" "63" "periods"
# South Kazakhstan's last quarter (its own row) and Turkestan's first half-year.
eq "$(dbq "$DB" "SELECT o.value FROM observations o JOIN units u ON u.id = o.unit_id WHERE u.code = '510000000' AND o.period = '2018-Q1'")" "249.3" "South Kazakhstan Q1 2018"
eq "$(dbq "$DB" "SELECT o.value FROM observations o JOIN units u ON u.id = o.unit_id WHERE u.code = '610000000' AND o.period = '2018-H1'")" "300.6" "Turkestan H1 2018"
# The footnotes are the dataset's notes; the indicator has the sheet's unit.
expect 0 "$AIMAQ" datasets --db "$DB" --format csv
has "$T/out" "тыс.тенге,\"1) расчеты ВРП по кварталам начали прозводиться только с 2008 года."
has "$T/out" "4) Валовой региональный продукт за 1 полугодие 2022 года был пересчитан"
eq "$(dbq "$DB" "SELECT measure FROM indicators WHERE code = 'grp_pc'")" "тыс.тенге" "measure"
expect 0 "$AIMAQ" datasets --db "$DB"
has "$T/out" "тыс.тенге  1) расчеты ВРП по кварталам начали прозводиться только с 2008 года. | 2) c 1990 по 2018 годы"
# The same sheet again is refused; --again imports it once more. The
# workbook's other sheet is no repeat.
expect 2 "$AIMAQ" import "$W" --layer 'тыс.тенге' --indicator grp_pc --db "$DB"
has "$T/err" "is already in the store: dataset 3 '6. ВРП на душу населения.xlsx'"
expect 0 "$AIMAQ" import "$W" --layer 'тыс.тенге' --indicator grp_pc --db "$DB" --again
has "$T/out" "as dataset 4"
expect 0 "$AIMAQ" import "$W" --layer 'в долларах США' --indicator grp_pc_usd --db "$DB"
eq "$(dbq "$DB" "SELECT o.value FROM observations o JOIN units u ON u.id = o.unit_id JOIN indicators i ON i.id = o.indicator_id WHERE i.code = 'grp_pc_usd' AND u.code = '000000000' AND o.period = '2008'")" "8513.5" "USD 2008"

# Districts under their region's row; a name from before the 2018 reform
# (Туркестанская in 2017 is South Kazakhstan, 510000000); a two-row header.
expect 0 "$AIMAQ" import $B/districts.xlsx --indicator population --db "$DB"
has "$T/out" "periods: 2017 I квартал, 2017 год, 2018 I квартал, 2018 год"
has "$T/out" "unit of measure: человек"
eq "$(dbq "$DB" "SELECT u.code || ':' || o.period || ':' || CAST(o.value AS INTEGER) FROM observations o JOIN units u ON u.id = o.unit_id JOIN indicators i ON i.id = o.indicator_id WHERE i.code = 'population' AND u.code IN ('510000000', '610000000') ORDER BY 1" | tr '\n' ' ')" \
   "510000000:2017-Q1:100 510000000:2017:110 510000000:2018-Q1:120 610000000:2018:130 " "Turkestan's row across the reform"
eq "$(dbq "$DB" "SELECT count(*) FROM observations o JOIN units u ON u.id = o.unit_id WHERE u.parent = '110000000'")" "8" "Akmola's districts"
# A count (population) whose regions, all 20 of 2023, do not add up to the
# country's row: a warning names the sums (CSV, Russian header, by name).
{ echo "Регион,2023 год"; echo "Республика Казахстан,1000"
  awk -F, '$2 == "000000000" && $9 == "" { print $6 ",40" }' $B/regions_units.csv; } > "$T/pop.csv"
expect 0 "$AIMAQ" import "$T/pop.csv" --indicator population --db "$DB"
has "$T/err" "indicator 'population', period 2023: the 20 units under the country add up to 800, but its row says 1000 (-20.0%); a count should add up"
has "$T/out" "units found by name: 21 rows"
# Column roles in the languages of the data: a Russian long table with
# codes (kept as text: the country's 000000000), a Kazakh one with names.
printf 'Код КАТО,Наименование,Год,Значение,Показатель\n000000000,Республика Казахстан,2021,19000000,pop_ru\n' > "$T/ru.csv"
expect 0 "$AIMAQ" import "$T/ru.csv" --db "$DB"
has "$T/out" "shape long; code = column 'Код КАТО'; name_ru = column 'Наименование'; period = column 'Год'; indicator = column 'Показатель'; value = column 'Значение'"
eq "$(dbq "$DB" "SELECT CAST(o.value AS INTEGER) FROM observations o JOIN units u ON u.id = o.unit_id JOIN indicators i ON i.id = o.indicator_id WHERE i.code = 'pop_ru' AND u.code = '000000000' AND o.period = '2021'")" "19000000" "Russian long table"
printf 'Атауы,Жыл,Көрсеткіш,Мәні\nҚазақстан Республикасы,2021 жыл,pop_kk,19000000\nАқмола облысы,2021 жыл,pop_kk,780000\n' > "$T/kk.csv"
expect 0 "$AIMAQ" import "$T/kk.csv" --db "$DB"
has "$T/out" "name_kk = column 'Атауы'; period = column 'Жыл'; indicator = column 'Көрсеткіш'; value = column 'Мәні'"
eq "$(dbq "$DB" "SELECT u.code || ':' || o.period || ':' || CAST(o.value AS INTEGER) FROM observations o JOIN units u ON u.id = o.unit_id JOIN indicators i ON i.id = o.indicator_id WHERE i.code = 'pop_kk' ORDER BY 1" | tr '\n' ' ')" \
   "000000000:2021:19000000 110000000:2021:780000 " "Kazakh long table by name"
# --header-row and --skip-rows override what is found.
expect 0 "$AIMAQ" read $B/districts.xlsx --header-row 4 --format csv
has "$T/out" "Наименование,I квартал,год,I квартал.1,год.1"
has "$T/err" "column 'I квартал' appears more than once; column 4 is read as 'I квартал.1'"

# A CSV of points is read as points by its lon/lat columns.
printf 'id,lon,lat\na,76.9,43.2\nb,71.4,51.1\nc,69.6,42.3\n' > "$T/pts.csv"
expect 0 "$AIMAQ" weights "$T/pts.csv" --weights knn:1
has "$T/err" "points from the columns 'lon' (x) and 'lat' (y); give --x and --y to choose others"
finish
