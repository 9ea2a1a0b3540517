#!/usr/bin/env bash
# How much the score moves between repeated runs of one webapp on this machine, and how much of that is the
# host's: isuchair-bench run RUNS times (each from /initialize) against the naive and the tuned reference
# webapp (release builds, seed 7). For each run it prints the score and the CPU time the webapp got; then the
# median, min, max and spread (max - min, in percent of the median) of the score, and of the score per
# CPU-second of the webapp. When the second spread is much smaller than the first, the runs differ by how much
# CPU the host gave the webapp, not by what the benchmarker asked of it. Issue 14's goal: a spread of 5 %.
#   bash scripts/spread.sh [RUNS [DURATION_SECONDS]]   (default 5 runs of 60 s: about 12 minutes)
# REPORT_DIR=DIR also keeps each run's HTML report there (DIR/spread-naive-1.html, ...).
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
ticks=$(getconf CLK_TCK)

# utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15, after the command's parentheses).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

for mode in naive tuned; do
  rm -f "$work/isuchair.db"*
  if [ "$mode" = tuned ]; then start_webapp build/release/bin "$work" --tuned; else start_webapp build/release/bin "$work"; fi
  echo "== $mode webapp: $runs runs of ${duration}s, seed 7, $(nproc) cores shared by the webapp and the benchmarker"
  : > "$work/$mode.runs"
  for i in $(seq 1 "$runs"); do
    before=$(cpu_ticks "$WEBAPP_PID")
    code=0
    build/release/bin/isuchair-bench --target "$WEBAPP_URL" --duration "$duration" --seed 7 --progress none \
      --result "$work/$mode-$i.json" ${REPORT_DIR:+--report "$REPORT_DIR/spread-$mode-$i.html"} >"$work/$mode-$i.out" 2>&1 || code=$?
    after=$(cpu_ticks "$WEBAPP_PID")
    python3 - "$work/$mode-$i.json" "$(( after - before ))" "$ticks" "$code" "$i" >>"$work/$mode.runs" <<'PY'
import json, sys
result, webapp_ticks, ticks, code, i = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
r = json.load(open(result))
cpu = webapp_ticks / ticks
print(f"{r['score']} {cpu:.2f} {code} {r.get('verdict', '?')} {r['benchmarker']['cpu_seconds']:.2f}")
PY
    tail -1 "$work/$mode.runs" | awk -v i="$i" '{printf "run %s: score %s, the webapp used %s CPU-s (the benchmarker %s), %s (exit %s)\n", i, $1, $2, $5, $4, $3}'
  done
  python3 - "$work/$mode.runs" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
def spread(name, values, unit):
    m = statistics.median(values)
    s = (max(values) - min(values)) / m * 100 if m else float("nan")
    print(f"{name}: median {m:,.0f}{unit}, min {min(values):,.0f}, max {max(values):,.0f}, spread {s:.1f} % of the median")
scores = [int(r[0]) for r in rows]
spread("score", scores, "")
per_cpu = [int(r[0]) / float(r[1]) for r in rows if float(r[1]) > 0]
if per_cpu:
    spread("score per webapp CPU-second", per_cpu, "")
cpu = [float(r[1]) for r in rows]
print(f"webapp CPU-seconds per run: {', '.join(f'{c:.1f}' for c in cpu)}")
if any(r[2] != "0" for r in rows):
    print("some runs did not pass: see their verdicts above")
PY
  stop_webapp
done
