#!/usr/bin/env bash
# aimaq name: keys, loose keys and the 2021 Kazakh Latin spelling, in every
# output format, from arguments and from standard input; bad UTF-8 exits 2
# and names the line. Names are real spellings from tests/data/names/.
set -euo pipefail
: "${AIMAQ:?path of the aimaq binary}"
tmp="${AQ_TMP:-/tmp}/names-cli.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "names.sh: $*" >&2; exit 1; }

# Latin i (U+0069) inside a Kazakh word keys like the Cyrillic і; capitals fold
out=$("$AIMAQ" name --key --format csv 'Еңбекшiлдер' 'ЕҢБЕКШІЛДЕР')
[ "$out" = $'name,key\nЕңбекшiлдер,еңбекшілдер\nЕҢБЕКШІЛДЕР,еңбекшілдер' ] || fail "key: $out"

# transliteration
out=$("$AIMAQ" name --latin --format csv Қарағанды Ақтөбе Шымкент Өскемен)
[ "$out" = $'name,latin\nҚарағанды,Qarağandy\nАқтөбе,Aqtöbe\nШымкент,Şymkent\nӨскемен,Öskemen' ] \
    || fail "latin: $out"

# the romanisation key and its stem (--roman; not among the default columns)
out=$("$AIMAQ" name --roman --format csv Zhambylskiy 'Жамбыл ауданы' Aksuskiy 'Аксуский район')
[ "$out" = $'name,roman_key,stem\nZhambylskiy,Jambilski,Jambil\nЖамбыл ауданы,Jambil,Jambil\nAksuskiy,aksuski,aks\nАксуский район,aksuski,aks' ] \
    || fail "roman: $out"

# loose key from standard input (KATO and statistics-table spellings)
out=$(printf 'Семей Қ.Ә.\nг.Семей\nСемей қаласы\n' | "$AIMAQ" name --loose --format csv | cut -d, -f2)
[ "$out" = $'loose_key\nсемей\nсемей\nсемей' ] || fail "loose: $out"

# all columns by default, with the count of folded look-alikes
"$AIMAQ" name --format json 'Yмiт Апа' > "$tmp/o.json"
for want in '"key": "үміт апа"' '"loose_key": "умит апа"' '"latin": "Ümıt Apa"' '"folded": 2'; do
    grep -qF "$want" "$tmp/o.json" || fail "json lacks $want: $(cat "$tmp/o.json")"
done

# the people's table has a header and one line per name
n=$("$AIMAQ" name Абай Ақсу | wc -l)
[ "$n" -eq 3 ] || fail "table has $n lines, expected 3"

# --output writes a file
"$AIMAQ" name --latin --format csv --output "$tmp/o.csv" Жетісу
[ "$(tail -n 1 "$tmp/o.csv")" = "Жетісу,Jetısu" ] || fail "output file: $(cat "$tmp/o.csv")"

# the whole OSM name list goes through without an error
cut -f3 tests/data/names/osm_names.tsv | tail -n +2 | "$AIMAQ" name --key --format csv > "$tmp/osm.csv"
[ "$(wc -l < "$tmp/osm.csv")" -eq 22106 ] || fail "OSM names: $(wc -l < "$tmp/osm.csv") lines"

# invalid UTF-8: exit 2, the line and the byte offset named
set +e
printf 'Абай\nbad\xff\n' | "$AIMAQ" name > /dev/null 2> "$tmp/err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "bad UTF-8 exit code $rc"
grep -q 'input line 2: .*byte offset 3' "$tmp/err" || fail "bad UTF-8 message: $(cat "$tmp/err")"

# usage errors exit 1
set +e
"$AIMAQ" name --format nonsense x > /dev/null 2>&1; rc=$?
set -e
[ "$rc" -eq 1 ] || fail "bad --format exit code $rc"
echo "names.sh: ok"
