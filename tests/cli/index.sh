# index.sh -- aimaq potential, depressed and classify: the minimal methodology
# of issue 4 (hand-computed values in tests/unit/t_index.c), the shipped
# methodologies on their synthetic examples, the calemp map classes published
# by PySAL mapclassify, and the messages for bad input.
. tests/cli/lib.inc
D=tests/data/methods

# Minimal form: scores, ranks, classes, reasons; class summary.
expect 0 "$AIMAQ" potential $D/minimal.csv --method $D/minimal.yaml --format csv
has "$T/out" "id,score,rank,class,economy,services,reason"
has "$T/out" "E,95.83333333333333,1,high,91.66666666666666,100,"
has "$T/out" "B,50,3,uninhabited,"
has "$T/out" "pop == 0 (pop = 0)"
expect 0 "$AIMAQ" potential $D/minimal.csv --method $D/minimal.yaml --format csv --summary
has "$T/out" "class,count,population,population_share"
has "$T/out" "medium,2,250,0.581395348837209"
expect 0 "$AIMAQ" potential $D/minimal.csv --method $D/minimal.yaml --format json
has "$T/out" '"sha256": "'
has "$T/out" '"pillars": {'
has "$T/out" '"class": "uninhabited"'
has "$T/out" '"classes": ['
expect 0 "$AIMAQ" potential $D/minimal.csv --method $D/minimal.yaml
has "$T/out" "methodology: Example potential"

# A unit id on two rows (several periods) is scored twice, with a warning.
{ cat $D/minimal.csv; tail -1 $D/minimal.csv; } > "$T/dup.csv"
expect 0 "$AIMAQ" potential "$T/dup.csv" --method $D/minimal.yaml --format csv
has "$T/err" "1 rows repeat a unit id of column 'code' (first: 'E')"

# Audit: indicator and pillar statistics.
expect 0 "$AIMAQ" potential $D/minimal.csv --method $D/minimal.yaml --audit --format csv
has "$T/out" "indicator,pillar,missing_share,skewness,kurtosis,corr_pillar,corr_index,weight,note"
has "$T/out" "i02,services,0,0,-1.3,1,"
expect 0 "$AIMAQ" potential $D/minimal.csv --method $D/minimal.yaml --audit --summary --format csv
has "$T/out" "economy,2,0.88888888888888"

# Robustness: thresholds and weights declared in the file.
cat > "$T/u.yaml" <<'YAML'
name: u
id: code
population: pop
indicators:
  - {code: i01, weight: 2, pillar: economy}
  - {code: i16, direction: -1, pillar: economy}
  - {code: i02, pillar: services}
pillars: [{code: economy}, {code: services}]
classes:
  - {name: uninhabited, when: "pop == 0"}
  - {name: high, min_score: 66.7, min_score_range: [50, 99]}
  - {name: low}
uncertainty: {weights: {range: 0.5}, leave_one_out: true}
YAML
expect 0 "$AIMAQ" potential $D/minimal.csv --method "$T/u.yaml" --uncertainty 200 --seed 3 --sobol --format csv
has "$T/out" "id,rank,rank_median,rank_q05,rank_q95,class,class_stability,p_uninhabited,p_high,p_low"
has "$T/out" "B,3,"
expect 0 "$AIMAQ" potential $D/minimal.csv --method "$T/u.yaml" --uncertainty 200 --sobol --format csv --summary
has "$T/out" "runs,,200"
has "$T/out" "S1,weights,"
has "$T/out" "ST,leave_one_out,"
expect 1 "$AIMAQ" potential $D/minimal.csv --method "$T/u.yaml" --uncertainty 5
expect 1 "$AIMAQ" potential $D/minimal.csv --method $D/minimal.yaml --uncertainty 100
has "$T/err" "declares no 'uncertainty'"

# Bad input: line numbers, unknown columns, constant indicators.
printf 'name: x\nid: code\nindicators:\n  - {code: i01, weight: -2}\n' > "$T/bad.yaml"
expect 2 "$AIMAQ" potential $D/minimal.csv --method "$T/bad.yaml"
has "$T/err" "bad.yaml:4: indicator 'i01': weight must be greater than 0, not -2"
printf 'name: x\nid: code\nindicators:\n  - {code: i99}\n' > "$T/miss.yaml"
expect 2 "$AIMAQ" potential $D/minimal.csv --method "$T/miss.yaml"
has "$T/err" "miss.yaml:4: indicator 'i99' is not a column"
printf 'name: x\nid: code\nindicators:\n  - {code: i01}\nclasses:\n  - {name: a, when: "popp > 1"}\n' > "$T/rule.yaml"
expect 2 "$AIMAQ" potential $D/minimal.csv --method "$T/rule.yaml"
has "$T/err" "rule.yaml:6: class 'a'"
has "$T/err" "no column or variable named 'popp'"
expect 1 "$AIMAQ" potential $D/minimal.csv

# Shipped methodologies on their synthetic examples.
E=methods/examples
expect 0 "$AIMAQ" potential $E/kz-snp-2025-synthetic.csv --method methods/kz-snp-potential-2025.yaml --format csv --summary
has "$T/out" "uninhabited,2,0,0"
expect 0 "$AIMAQ" potential $E/kz-snp-2025-synthetic.csv --method methods/kz-snp-potential-2025.yaml --uncertainty 50 --format csv
has "$T/out" "p_high"
expect 0 "$AIMAQ" depressed $E/small-towns-synthetic.csv --method methods/kz-depressed-small-towns.yaml --format csv
has "$T/out" "id,flagged,criteria_met,criteria,unknown,reason"
has "$T/out" "population_decline (pop_change_10y missing)"
expect 0 "$AIMAQ" depressed $E/small-towns-synthetic.csv --method methods/kz-depressed-small-towns.yaml --flagged --format csv
hasnt "$T/out" ",no,"
expect 1 "$AIMAQ" depressed $D/minimal.csv --method $D/minimal.yaml
has "$T/err" "use 'aimaq potential' for it"

# Support and satellite settlements: S1 (score 100) and S4 (90) are high, so
# support; S2 is 5 km from S1 (3-4-5), S3 10 km from S4, S6 1 km from S1;
# S5 is hypot(110, 200) = 228 km from S4, beyond 30 km: unattached.
expect 0 "$AIMAQ" potential $D/support.csv --method $D/support.yaml --support-satellite --format csv
has "$T/out" "id,class,role,support_id,distance_km"
has "$T/out" "S1,high,support,S1,0"
has "$T/out" "S2,medium,satellite,S1,5"
has "$T/out" "S3,low,satellite,S4,10"
has "$T/out" "S5,low,unattached,,"
has "$T/out" "S6,uninhabited,satellite,S1,1"
has "$T/err" "1 settlements are farther than 30 km"
expect 0 "$AIMAQ" potential $D/support.csv --method $D/support.yaml --support-satellite --format csv --summary
has "$T/out" "support,2,1800"
has "$T/out" "satellite,3,300"
has "$T/out" "unattached,1,50"
expect 1 "$AIMAQ" potential $D/minimal.csv --method $D/minimal.yaml --support-satellite
has "$T/err" "has no 'support' section"

# Travel times instead of straight lines (a table like `aimaq access --od` writes): pairs
# count in both directions, support-support and unknown pairs are ignored, the limit is
# --max-minutes (or the methodology's max_minutes). S3: 50 min to S1 (reversed pair) but
# 20 to S4; S5: 95 min to S4, beyond 60; S9 is not in the data.
printf 'origin,destination,minutes\nS2,S1,12\nS1,S3,50\nS3,S4,20\nS5,S4,95\nS6,S1,3\nS9,S1,5\nS1,S4,30\n' > "$T/tt.csv"
expect 0 "$AIMAQ" potential $D/support.csv --method $D/support.yaml --support-satellite --travel-times "$T/tt.csv" --max-minutes 60 --format csv
has "$T/out" "id,class,role,support_id,minutes"
has "$T/out" "S1,high,support,S1,0"
has "$T/out" "S2,medium,satellite,S1,12"
has "$T/out" "S3,low,satellite,S4,20"
has "$T/out" "S5,low,unattached,,"
has "$T/out" "S6,uninhabited,satellite,S1,3"
has "$T/err" "1 pairs name units that are not in the data (first: 'S9')"
has "$T/err" "1 settlements reach no support settlement within 60 minutes"
expect 0 "$AIMAQ" potential $D/support.csv --method $D/support.yaml --support-satellite --travel-times "$T/tt.csv" --max-minutes 100 --format csv
has "$T/out" "S5,low,satellite,S4,95"
sed 's/max_km: 30/max_minutes: 45/' $D/support.yaml > "$T/supt.yaml"
expect 0 "$AIMAQ" potential $D/support.csv --method "$T/supt.yaml" --support-satellite --travel-times "$T/tt.csv" --format csv --summary
has "$T/out" "satellite,3,300"
expect 1 "$AIMAQ" potential $D/support.csv --method "$T/supt.yaml" --support-satellite
has "$T/err" "support has 'max_minutes' but no 'max_km': give travel times"
expect 1 "$AIMAQ" potential $D/support.csv --method $D/support.yaml --support-satellite --travel-times "$T/tt.csv"
has "$T/err" "travel times need a limit"
# The pipeline: aimaq access --od times the pairs (here straight lines x 1.3 at 60 km/h, as no
# roads are given: S2-S1 5 km -> 6.5 min, S3-S4 10 km -> 13, S5-S4 228 km -> 296.7), then potential.
printf 'origin,destination\nS2,S1\nS3,S4\nS5,S4\nS6,S1\n' > "$T/od.csv"
expect 0 "$AIMAQ" access --straight-line --settlements $D/support.csv --id code --pop pop --x x --y y --centres $D/support.csv --od "$T/od.csv" --format csv --output "$T/odt.csv"
expect 0 "$AIMAQ" potential $D/support.csv --method $D/support.yaml --support-satellite --travel-times "$T/odt.csv" --max-minutes 60 --format csv
has "$T/out" "S2,medium,satellite,S1,6.5"
has "$T/out" "S3,low,satellite,S4,13"
has "$T/out" "S5,low,unattached,,"
printf 'origin,destination,minutes\nS2,S1,-4\n' > "$T/neg.csv"
expect 2 "$AIMAQ" potential $D/support.csv --method $D/support.yaml --support-satellite --travel-times "$T/neg.csv" --max-minutes 60
has "$T/err" "neg.csv: line 2: negative minutes from 'S2' to 'S1'"

# The store: units, then the minimal data as one period; potential selects
# the columns the methodology reads (indicators and population) itself.
printf 'code,parent,level,kind,name_kk,name_ru,name_en,valid_from,valid_to,classifier\n' > "$T/units.csv"
for u in A B C D E; do printf '%s,,settlement,village,%s,%s,%s,,,\n' $u $u $u $u >> "$T/units.csv"; done
DB=$(new_store s.db) || { finish; exit 1; } # this run's engine (lib.inc)
expect 0 "$AIMAQ" import "$T/units.csv" --db "$DB"
expect 0 "$AIMAQ" import $D/minimal.csv --db "$DB" --period 2023
expect 0 "$AIMAQ" potential --db "$DB" --method $D/minimal.yaml --format csv
has "$T/out" "E,95.83333333333333,1,high,91.66666666666666,100,"
has "$T/out" "B,50,3,uninhabited,"
expect 0 "$AIMAQ" classify --db "$DB" --value i01 --method equal --k 2 --format csv
has "$T/out" "1,20,3"

# Map classes: PySAL mapclassify's published values on calemp.
expect 0 "$AIMAQ" classify $D/calemp_density.csv --value emp_density --method fisher-jenks --k 5 --format json
has "$T/out" '"breaks": [75.29, 192.05, 370.5, 722.85, 4111.45], "counts": [49, 3, 4, 1, 1]'
expect 0 "$AIMAQ" classify $D/calemp_density.csv --value emp_density --method quantile --k 5 --format csv
has "$T/out" "5,4111.45,12"
expect 1 "$AIMAQ" classify $D/calemp_density.csv --value emp_density --method nope
expect 2 "$AIMAQ" classify $D/calemp_density.csv --value nope
finish
