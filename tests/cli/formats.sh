# formats.sh -- every format planners receive reads to the same table:
# CSV, XLSX, ODS, GeoJSON, GeoPackage, and a Shapefile whose DBF is CP1251
# (declared in its .cpg, which GDAL honours).
. tests/cli/lib.inc
printf 'code,name_ru,value\n100000000,область Абай,1234.5\n110000000,Акмолинская область,2345.25\n' > "$T/t.csv"
for fmt in "XLSX:xlsx" "ODS:ods" "GeoJSON:geojson" "GPKG:gpkg"; do
  drv=${fmt%%:*}; ext=${fmt#*:}
  ogr2ogr -f "$drv" "$T/t.$ext" "$T/t.csv" -oo AUTODETECT_TYPE=YES -oo KEEP_SOURCE_COLUMNS=NO >/dev/null 2>&1
  expect 0 "$AIMAQ" read "$T/t.$ext" --format csv
  has "$T/out" "110000000,Акмолинская область,2345.25"
done
# The DBF holds CP1251 bytes; the .cpg says so; aimaq reads UTF-8 text.
ogr2ogr -f "ESRI Shapefile" "$T/shp" "$T/t.csv" -lco ENCODING=CP1251 -oo AUTODETECT_TYPE=YES >/dev/null 2>&1
eq "$(cat "$T/shp/t.cpg" 2>/dev/null)" "CP1251" "the .cpg declares CP1251"
if grep -q "$(printf '\xc0\xea\xec')" "$T/shp/t.dbf"; then ok; else bad "the DBF is not CP1251"; fi
expect 0 "$AIMAQ" read "$T/shp/t.dbf" --format csv
has "$T/out" "110000000,Акмолинская область,2345.25"
# Without the .cpg the bytes are not UTF-8: refused, with advice, never mojibake.
rm "$T/shp/t.cpg"
expect 2 "$AIMAQ" read "$T/shp/t.dbf"
has "$T/err" "text is not UTF-8; name the file's encoding with --encoding"
expect 0 "$AIMAQ" read "$T/shp/t.dbf" --encoding CP1251 --format csv
has "$T/out" "110000000,Акмолинская область,2345.25"
# Exports open in GDAL's own ogrinfo.
expect 0 "$AIMAQ" read "$T/t.csv" --output "$T/o.gpkg"
expect 0 ogrinfo -so -al "$T/o.gpkg"
has "$T/out" "Feature Count: 2"
expect 0 "$AIMAQ" read "$T/t.csv" --format json
has "$T/out" '"value": 2345.25'
# Numbers leave as the shortest text that reads back as the same double:
# 16 digits are written as 16 (not padded to 17), JSON keeps the digits
# %.15g dropped, short values stay short, integers keep JSON's ".0".
printf 'code,a,b\n1,0.1234567890123456,24.9524\n2,1.0000000000000002,9.0875740704265962e-05\n3,7,0.30000000000000004\n' > "$T/n.csv"
expect 0 "$AIMAQ" read "$T/n.csv" --format csv
has "$T/out" "1,0.1234567890123456,24.9524"
has "$T/out" "2,1.0000000000000002,9.087574070426596e-05"
has "$T/out" "3,7,0.30000000000000004"
expect 0 "$AIMAQ" read "$T/n.csv" --format json
has "$T/out" '"a": 0.1234567890123456,'
has "$T/out" '"a": 1.0000000000000002,'
has "$T/out" '"b": 9.087574070426596e-05'
has "$T/out" '"a": 7.0,'
# Aligned tables are for people: 4 significant digits, integers whole.
printf 'code,a,b\n1,24.9524,1899947\n2,0.000123456,-0.00001\n3,1234.5678,0.5\n' > "$T/p.csv"
expect 0 "$AIMAQ" read "$T/p.csv" --format table
has "$T/out" "1         24.95   1899947"
has "$T/out" "2     0.0001235  -0.00001"
has "$T/out" "3          1235       0.5"
finish
