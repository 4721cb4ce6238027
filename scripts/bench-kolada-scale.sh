#!/usr/bin/env bash
# Kolada-scale batch benchmark (issue 16): 290 entities x 2,000 key figures x 30 years x T/K/M
# (52.2 million GENERATED observations, 1.2 GB of CSV in 25 files) read and judged: every
# municipality's latest year, 10 std-rule indicators with national and peer comparisons.
# Writes the data under ${DIR:-target/kolada-scale} and deletes it afterwards (KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${DIR:-target/kolada-scale}
df -h "$(dirname "$DIR")" | tail -1
if [ ! -f "$DIR/plan.toml" ]; then
  python3 scripts/gen-tidy-csv.py "$DIR" --indicators "${INDICATORS:-2000}" --years 30 --per-file 80
fi
cargo build --release -q -p attain-core --example kolada_scale
/usr/bin/time -v target/release/examples/kolada_scale "$DIR" "$DIR/reports.jsonl" 2> "$DIR/time.txt"
grep -E "Elapsed|Maximum resident" "$DIR/time.txt"
wc -l < "$DIR/reports.jsonl" | sed 's/^/reports written: /'
[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"
