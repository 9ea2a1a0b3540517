#!/usr/bin/env bash
# The benchmarker's peak memory against each hostile switch of the reference webapp (release build), beside the
# same run against the honest webapp in the same script: a bound that holds shows as a peak near the honest one.
# Also the exit code each run ended with (0/1 are verdicts about the webapp; 3 would be a bug of ours).
#   bash scripts/hostile-rss.sh [DURATION_SECONDS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/isuchair.sh

duration=${1:-10}
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target isuchair-webapp isuchair-bench >/dev/null

work=$(mktemp -d)
trap 'stop_webapp; rm -rf "$work"' EXIT

# one_run LABEL WEBAPP_ARGS...: prints the exit code, the verdict line and the benchmarker's peak RSS.
one_run() {
  local label=$1
  shift
  rm -f "$work/isuchair.db"*
  start_webapp build/release/bin "$work" "$@"
  local code=0
  /usr/bin/time -f '%M' -o "$work/rss" build/release/bin/isuchair-bench --target "$WEBAPP_URL" --duration "$duration" \
    --seed 7 --progress none --result "$work/result.json" --report "$work/report.html" >"$work/out" 2>&1 || code=$?
  stop_webapp
  local verdict
  verdict=$(grep -m1 -E '^(PASS|FAIL|INVALID)' "$work/out" || echo "(no verdict line)")
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/result.json" || verdict="$verdict; the result is not JSON"
  grep -q '</html>' "$work/report.html" || verdict="$verdict; no HTML report"
  printf '%-18s exit %s  peak RSS %6.1f MB  %s\n' "$label" "$code" "$(tail -n 1 "$work/rss" | awk '{print $1/1024}')" "$verdict"
}

echo "== isuchair-bench (release), ${duration}s runs, seed 7"
one_run honest
for fault in deep-page formatting-bomb latin1-header long-header broken-utf8-error zstd-home swr-static; do
  one_run "$fault" --fault "$fault"
done
