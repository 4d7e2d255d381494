# structure.sh -- aimaq structure on the REAT shift-share example
# (tests/data/structure/SOURCE.md): the published values, the shapes, and
# the messages for tables that do not add up.
. tests/cli/lib.inc
D=tests/data/structure
# near CSV ROW COLUMN WANT: the CSV cell of the row whose first field is ROW,
# in the column named COLUMN, is WANT to 1e-9 (printing may show 17 digits).
near() {
  got=$(awk -F, -v r="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
        $1 == r { print $k; exit }' "$1")
  if awk -v g="$got" -v w="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= 1e-9 * (w < 0 ? -w : w) + 1e-9) }'
  then ok; else bad "$1: $2/$3 = '$got', wanted $4"; fi
}

# Shift-share of A against the nation row: REAT's numbers.
expect 0 "$AIMAQ" structure $D/reat_shift.csv --measure shift --nation KZ --total total --format csv
has "$T/out" "territory,base,final,growth,national_share,industrial_mix,regional_shift,em_homothetic,em_allocation"
near "$T/out" A growth 25
near "$T/out" A national_share 27
near "$T/out" A industrial_mix 1
near "$T/out" A regional_shift -3
near "$T/out" A em_homothetic -0.636363636363636
near "$T/out" A em_allocation -2.363636363636363
hasnt "$T/out" "KZ,"

# The long shape gives the same answer.
{
  echo "territory,sector,year,employed"
  awk -F, 'NR > 1 && $1 != "KZ" { for (i = 3; i <= 6; i++) print $1 ",s" i - 2 "," $2 "," $i }' $D/reat_shift.csv
} > "$T/long.csv"
expect 0 "$AIMAQ" structure "$T/long.csv" --value employed --measure shift --format csv
near "$T/out" A regional_shift -3
near "$T/out" A em_homothetic -0.636363636363636

# Summary, LQ matrix and the competitive advantages of A.
expect 0 "$AIMAQ" structure $D/reat_shift.csv --nation KZ --sectors s1,s2,s3,s4 --format csv
has "$T/out" "territory,total,share,top_sector,top_share,hhi,hhi_norm,krugman,hoover,gini_spec,sectors_lq_above_1"
has "$T/out" "A,205,"
expect 0 "$AIMAQ" structure $D/reat_shift.csv --nation KZ --sectors s1,s2,s3,s4 --measure lq --at 2010 --format csv
has "$T/out" "territory,s1,s2,s3,s4"
expect 0 "$AIMAQ" structure $D/reat_shift.csv --nation KZ --sectors s1,s2,s3,s4 --measure advantages --format csv
has "$T/out" "A,s1,90,100,"
has "$T/out" "A,s2,20,40,"

# A nation row that does not add up, a total column that does not, negatives.
sed 's/^KZ,2011,440/KZ,2011,500/' $D/reat_shift.csv > "$T/off.csv"
expect 2 "$AIMAQ" structure "$T/off.csv" --nation KZ --sectors s1,s2,s3,s4 --measure shift
has "$T/err" "sector 's1', period 2011: the territories add up to 440 but the nation row 'KZ' says 500"
sed 's/^A,2010,90,20,10,60,180/A,2010,90,20,10,60,181/' $D/reat_shift.csv > "$T/tot.csv"
expect 2 "$AIMAQ" structure "$T/tot.csv" --nation KZ --total total
has "$T/err" "territory 'A': the sectors add up to 180 but column 'total' says 181"
sed 's/^B,2010,310/B,2010,-310/' $D/reat_shift.csv > "$T/neg.csv"
expect 2 "$AIMAQ" structure "$T/neg.csv" --sectors s1,s2,s3,s4
has "$T/err" "territory 'B', sector 's1': -310 is negative"
expect 1 "$AIMAQ" structure $D/reat_shift.csv --measure nonsense
expect 2 "$AIMAQ" structure $D/reat_shift.csv --measure shift --base 2011 --final 2010 --sectors s1,s2,s3,s4
has "$T/err" "base period before the final"
finish
