# check.sh -- aimaq check finds what the founding text's own table gets wrong,
# and the other classes of error, naming unit, indicator, value and why.
. tests/cli/lib.inc

# The founding text gives 595 low-potential settlements "189.9 million"
# people (tests/data/check/SOURCE.md): flagged as a magnitude error, exit 2.
expect 2 "$AIMAQ" check tests/data/check/founding_classes.csv --format csv
has "$T/out" "error,magnitude,low,population_thousand,,189900,5,"
has "$T/out" "divided by 1000 the children add up exactly"
has "$T/err" "aimaq check: 1 error"
hasnt "$T/out" "settlements"   # the settlement counts add up: 1204 + 5625 + 595 + 88 = 7512

# Duplicates, orphans, impossible values, outliers.
{
  echo "code,parent,period,population,share_urban,income"
  echo "A,,2020,1000,50,10"
  echo "A1,A,2020,400,40,11"
  echo "A2,A,2020,-5,130,12"
  echo "A3,B,2020,300,20,9"
  echo "A1,A,2020,400,40,11"
  echo "A4,A,2020,500,30,10.5"
  echo "A5,A,2020,,30,950"
} > "$T/bad.csv"
expect 2 "$AIMAQ" check "$T/bad.csv" --format csv
has "$T/out" "error,duplicate-code,A1,,2020,,6,code 'A1' for period 2020 appears twice (first on line 3)"
has "$T/out" "error,orphan,A3,,,,5,\"unit 'A3' names parent 'B', which is not in the table\""
has "$T/out" "error,impossible,A2,population,2020,-5,4,'population' is a count and cannot be negative (-5)"
has "$T/out" "error,impossible,A2,share_urban,2020,130,4,'share_urban' is a share in per cent and must be between 0 and 100 (130)"
has "$T/out" "warning,missing,,population,,,,1 of 7 values of 'population' are missing"
has "$T/out" "warning,outlier,A5,income,2020,950,8,\"950 is far from the typical 'income'"
# Children that do not add up to their parent.
has "$T/out" "warning,sum,A,population,2020,1000,2,\"the 4 children of 'A' add up to 1295 in 'population', not 1000"

# Warnings alone exit 0; --errors-only hides them; labels follow --lang.
printf 'code,v\nX,1\nY,2\nZ,3\nW,4\nV,5\nU,6000\n' > "$T/warn.csv"
expect 0 "$AIMAQ" check "$T/warn.csv" --lang kk
has "$T/out" "Хабарлама"
has "$T/out" "ескерту"
expect 0 "$AIMAQ" check "$T/warn.csv" --errors-only --format csv
eq "$(cat "$T/out")" "" "no errors to show"
finish
