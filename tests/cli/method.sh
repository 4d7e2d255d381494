# method.sh -- aimaq method check: every shipped methodology is valid, errors
# name the file and line, and a data file is checked against the columns.
. tests/cli/lib.inc
for f in methods/*.yaml tests/data/methods/*.yaml; do
  expect 0 "$AIMAQ" method check "$f"
  has "$T/out" "sha256: "
done
expect 0 "$AIMAQ" method check tests/data/methods/minimal.yaml tests/data/methods/minimal.csv
has "$T/out" "every column the methodology names is present (5 units)"
expect 0 "$AIMAQ" method check methods/kz-snp-potential-2025.yaml methods/examples/kz-snp-2025-synthetic.csv
expect 0 "$AIMAQ" method check methods/kz-depressed-small-towns.yaml methods/examples/small-towns-synthetic.csv
has "$T/out" "act: Government Decree No. 728"
printf 'name: x\nid: code\nindicators:\n  - {code: i01, weigth: 2}\n' > "$T/typo.yaml"
expect 2 "$AIMAQ" method check "$T/typo.yaml"
has "$T/err" "typo.yaml:4: indicator: unknown key 'weigth'"
printf 'name: x\nid: code\nindicators: [\n' > "$T/syntax.yaml"
expect 2 "$AIMAQ" method check "$T/syntax.yaml"
has "$T/err" "invalid YAML"
expect 2 "$AIMAQ" method check tests/data/methods/minimal.yaml tests/data/methods/calemp_density.csv
has "$T/err" "id column 'code' is not in the data"
# Indicators the data lacks: all listed with their lines, or a note with --allow-missing.
expect 2 "$AIMAQ" method check methods/kz-snp-potential-2025.yaml examples/kz/potential/settlements.csv
has "$T/err" "21 of the 23 indicators of methods/kz-snp-potential-2025.yaml are not in the data"
has "$T/err" "methods/kz-snp-potential-2025.yaml:53: indicator 'net_migration' is not a column of the data"
expect 0 "$AIMAQ" method check methods/kz-snp-potential-2025.yaml examples/kz/potential/settlements.csv --allow-missing
has "$T/out" "23 indicators"
has "$T/out" "data: 2 of the 23 indicators present (4512 units); missing: arable_land_ha, pasture_ha,"
expect 2 "$AIMAQ" method check no-such.yaml
expect 1 "$AIMAQ" method
finish
