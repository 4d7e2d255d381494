# read_guard.sh -- what aimaq refuses to read, or reads without doing more
# than reading: a FIFO or a device (would hang), a spreadsheet that unpacks
# past the bounds (a zip bomb, built here with python3's zipfile, small and
# quick, against lowered bounds), and a GeoJSON whose "crs" names a URL
# (GDAL would fetch it: a listener on the loopback must see nothing).
# The hostile files that can be committed are in tests/data/bad/.
. tests/cli/lib.inc

# --- FIFOs and devices: refused at once, never opened ---------------------
mkfifo "$T/fifo.csv" "$T/fifo.geojson" "$T/fifo.yaml"
expect 2 timeout 60 "$AIMAQ" read "$T/fifo.csv"
has "$T/err" "aimaq: error: cannot read '$T/fifo.csv': it is a FIFO (named pipe), not a regular file (aimaq reads files only)"
expect 2 timeout 60 "$AIMAQ" read "$T/fifo.geojson"
has "$T/err" "it is a FIFO (named pipe), not a regular file"
expect 2 timeout 60 "$AIMAQ" check "$T/fifo.csv"
has "$T/err" "it is a FIFO (named pipe), not a regular file"
expect 2 timeout 60 "$AIMAQ" import "$T/fifo.csv" --db "$T/s.db"
has "$T/err" "it is a FIFO (named pipe), not a regular file"
printf 'code,period,v\n100000000,2023,1\n' > "$T/v.csv"
expect 2 timeout 60 "$AIMAQ" import "$T/v.csv" --db "$T/s.db" --map "$T/fifo.yaml"
has "$T/err" "cannot read '$T/fifo.yaml': it is a FIFO (named pipe)"
expect 2 timeout 60 "$AIMAQ" read /dev/zero
has "$T/err" "aimaq: error: cannot read '/dev/zero': it is a character device, not a regular file (aimaq reads files only)"
expect 2 timeout 60 "$AIMAQ" import /dev/null --db "$T/s.db"
has "$T/err" "cannot read '/dev/null': it is a character device"

# --- spreadsheet bombs (tests/cli/make_bombs.py) -------------------------
python3 tests/cli/make_bombs.py "$T"
[ "$(stat -c %s "$T/bomb.xlsx")" -lt 100000 ] && ok || bad "bomb.xlsx is not small: $(stat -c %s "$T/bomb.xlsx") bytes"
AIMAQ_SHEET_MAX_CELLS=100000 expect 2 timeout 60 "$AIMAQ" read "$T/bomb.xlsx"
has "$T/err" "aimaq: error: '$T/bomb.xlsx' spans more than 100000 cells (rows x columns up to each sheet's last filled cell: the bound on a spreadsheet here); delete the rows and columns it does not need, or save it as CSV"
AIMAQ_SHEET_MAX_MB=1 expect 2 timeout 60 "$AIMAQ" import "$T/bomb.xlsx" --db "$T/s.db" --period 2023
has "$T/err" "aimaq: error: '$T/bomb.xlsx' unpacks to more than 1 MB (the bound on a spreadsheet's unpacked size here); it may be a zip bomb, or a workbook too large to read whole: split it, or save it as CSV"
# Under the same bounds a small workbook reads as ever.
AIMAQ_SHEET_MAX_CELLS=100000 AIMAQ_SHEET_MAX_MB=1 expect 0 "$AIMAQ" read "$T/small.xlsx" --format csv
has "$T/out" "100000000,2"
# The scanner is not fooled by XML (make_bombs.py says how each tries).
AIMAQ_SHEET_MAX_CELLS=1000 expect 0 "$AIMAQ" read "$T/comment.xlsx" --format csv
has "$T/out" "\"<c r=\"\"XFD9\"\">\",2"
AIMAQ_SHEET_MAX_CELLS=1000 expect 2 "$AIMAQ" read "$T/gt_attr.xlsx"
has "$T/err" "'$T/gt_attr.xlsx' spans more than 1000 cells"
expect 2 "$AIMAQ" read "$T/doctype.xlsx"
has "$T/err" "aimaq: error: '$T/doctype.xlsx' declares a DOCTYPE in 'xl/workbook.xml': refused (a workbook has no use for XML entities)"
expect 2 "$AIMAQ" read "$T/outside.xlsx"
has "$T/err" "aimaq: error: '$T/outside.xlsx': sheet 'data' points outside the workbook ('../../../../etc/passwd'): refused"
hasnt "$T/out" "root:"
# The ODS bomb, against the default bound, refused before GDAL repeats a row.
expect 2 timeout 60 "$AIMAQ" read "$T/bomb.ods"
has "$T/err" "aimaq: error: '$T/bomb.ods' spans more than 16777216 cells"

# --- no network: a GeoJSON "crs" link is not fetched ----------------------
python3 - "$T" << 'EOF' &
import socket, sys, os, time
d = sys.argv[1]
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(5)
s.settimeout(0.2)
open(d + '/port.tmp', 'w').write(str(s.getsockname()[1]))
os.rename(d + '/port.tmp', d + '/port')
seen, t0 = 'no connection', time.time()
while not os.path.exists(d + '/done') and time.time() - t0 < 30:
    try:
        c, _ = s.accept()
        seen = 'connection: ' + c.recv(100).decode('latin-1').split('\r')[0]
        c.close()
    except socket.timeout:
        pass
open(d + '/seen', 'w').write(seen)
EOF
LPID=$!
for i in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
LPORT=$(cat "$T/port")
cat > "$T/link.geojson" << EOF
{"type": "FeatureCollection",
 "crs": {"type": "link", "properties": {"href": "http://127.0.0.1:$LPORT/crs.wkt", "type": "ogcwkt"}},
 "features": [{"type": "Feature", "properties": {"code": "100000000", "v": 2},
               "geometry": {"type": "Point", "coordinates": [80.26, 50.41]}}]}
EOF
expect 0 timeout 60 "$AIMAQ" read "$T/link.geojson" --format csv
has "$T/out" "100000000,2"
touch "$T/done"
wait "$LPID"
eq "$(cat "$T/seen")" "no connection" "what the listener saw of reading a GeoJSON with a crs link"

finish
