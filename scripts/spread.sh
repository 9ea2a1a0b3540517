#!/usr/bin/env bash
# How much the score moves between repeated runs of one webapp on this machine: isuchair-bench --repeat N
# against the naive and the tuned reference webapp (release builds, seed 7), printing each score, the median,
# min, max and the spread (max - min, in percent of the median). Issue 14's goal is a spread of at most 5 %.
#   bash scripts/spread.sh [RUNS [DURATION_SECONDS]]   (default 5 runs of 60 s: about 12 minutes)
# REPORT_DIR=DIR also keeps each webapp's HTML report there (DIR/spread-naive.html, DIR/spread-tuned.html).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/isuchair.sh

runs=${1:-5}
duration=${2:-60}
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target isuchair-webapp isuchair-bench >/dev/null

work=$(mktemp -d)
trap 'stop_webapp; rm -rf "$work"' EXIT

for mode in naive tuned; do
  rm -f "$work/isuchair.db"*
  if [ "$mode" = tuned ]; then start_webapp build/release/bin "$work" --tuned; else start_webapp build/release/bin "$work"; fi
  echo "== $mode webapp: $runs runs of ${duration}s, seed 7, $(nproc) cores shared by the webapp and the benchmarker"
  build/release/bin/isuchair-bench --target "$WEBAPP_URL" --duration "$duration" --seed 7 --progress none \
    --repeat "$runs" --result "$work/$mode.json" ${REPORT_DIR:+--report "$REPORT_DIR/spread-$mode.html"} | grep -E '^(scores|median|PASS|FAIL|INVALID|REGRESSION)' || true
  stop_webapp
done
