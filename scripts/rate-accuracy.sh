#!/usr/bin/env bash
# How well `candar load --rate` holds the rate it is asked for (issue 13: within 1 % up to 80 % of its
# closed-loop maximum). nginx pinned to core 0, candar to core 1 with one loop: first the closed loop's
# maximum (50 connections), then the open model at 20 %, 50 % and 80 % of it. For each: the rate asked,
# the rate of requests started over the schedule, the dropped ones, and the latency from when each was due.
# Figures only, no thresholds. Usage: DURATION=10 bash scripts/rate-accuracy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10}

bash scripts/setup.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target candar >/dev/null

# shellcheck source=lib/nginx.sh
. scripts/lib/nginx.sh
work=$(mktemp -d)
trap 'stop_nginx_in "$work"' EXIT
port=$(free_port 20080)
mkdir -p "$work/html"
printf 'hello from nginx\n' > "$work/html/index.html"
NGINX_PREFIX_CMD="taskset -c 0" start_nginx "$work" "$port" 'keepalive_requests 100000000; keepalive_timeout 60s;' ''
url="http://127.0.0.1:$port/index.html"

field() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {'j': j}))" "$@"; }

taskset -c 1 build/release/bin/candar load "$url" --connections 50 --duration "$duration" --threads 1 --json "$work/closed.json" >/dev/null
max=$(field "$work/closed.json" "round(j['requests_per_second'])")
echo "closed loop, 50 connections: $max requests/s (the maximum)"
printf '%-8s %10s %10s %9s %8s %12s %12s\n' share asked started error dropped "due p99" "sent p99"
for share in 20 50 80; do
  rate=$(( max * share / 100 ))
  taskset -c 1 build/release/bin/candar load "$url" --rate "$rate" --duration "$duration" --connections 50 --max-users 1000 \
    --threads 1 --json "$work/open.json" >/dev/null
  started=$(field "$work/open.json" "j['rate']['started']")
  dropped=$(field "$work/open.json" "j['rate']['dropped_iterations']")
  achieved=$(python3 -c "print(f'{$started / $duration:.1f}')")
  error=$(python3 -c "print(f'{($started / $duration / $rate - 1) * 100:+.2f} %')")
  due99=$(field "$work/open.json" "f\"{j['latency_from_due_us']['p99'] / 1000:.2f} ms\"")
  sent99=$(field "$work/open.json" "f\"{j['latency_from_start_us']['p99'] / 1000:.2f} ms\"")
  printf '%-8s %10s %10s %9s %8s %12s %12s\n' "$share %" "$rate" "$achieved" "$error" "$dropped" "$due99" "$sent99"
done
