#!/usr/bin/env bash
# The isuchair figures: the naive and the tuned webapp under the same run (duration, seed), three repeated runs
# of each (the score's spread), and the benchmarker's CPU share beside the webapp's during each run.
#   bash scripts/isuchair-figures.sh [DURATION_SECONDS]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/isuchair.sh

duration=${1:-30}
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target isuchair-webapp isuchair-bench >/dev/null

ticks=$(getconf CLK_TCK)
# cpu_of PID: user + system CPU seconds of a running process.
cpu_of() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }

work=$(mktemp -d)
trap 'stop_webapp; rm -rf "$work"' EXIT

# one_run LABEL WEBAPP_ARGS...: prints one line of figures.
one_run() {
  local label=$1
  shift
  rm -f "$work/isuchair.db"*
  start_webapp build/release/bin "$work" "$@"
  local before out score bench_cpu wall webapp_cpu
  before=$(cpu_of "$WEBAPP_PID")
  out=$(build/release/bin/isuchair-bench --target "$WEBAPP_URL" --duration "$duration" --seed 7 --progress none \
    --result "$work/result.json" || true)
  webapp_cpu=$(awk -v a="$(cpu_of "$WEBAPP_PID")" -v b="$before" 'BEGIN { printf "%.2f", a - b }')
  stop_webapp
  score=$(sed -n 's/^\(PASS\|FAIL\): score \(-\?[0-9]*\).*/\1 \2/p' <<<"$out")
  bench_cpu=$(sed -n 's/^benchmarker CPU: \([0-9.]*\)s over \([0-9.]*\)s/\1/p' <<<"$out")
  wall=$(sed -n 's/^benchmarker CPU: \([0-9.]*\)s over \([0-9.]*\)s/\2/p' <<<"$out")
  printf '%-10s %-12s benchmarker CPU %6ss (%4.0f%% of one core)  webapp CPU %6ss (%4.0f%%)  over %ss\n' \
    "$label" "$score" "$bench_cpu" "$(awk -v c="$bench_cpu" -v w="$wall" 'BEGIN{print 100*c/w}')" \
    "$webapp_cpu" "$(awk -v c="$webapp_cpu" -v w="$wall" 'BEGIN{print 100*c/w}')" "$wall"
}

echo "== isuchair: ${duration}s load, seed 7, $(nproc) cores shared by the webapp and the benchmarker"
for i in 1 2 3; do one_run "tuned #$i" --tuned; done
for i in 1 2 3; do one_run "naive #$i"; done
