#!/usr/bin/env bash
# One candar worker against one Locust worker (FastHttpUser, Locust's fast HTTP client), each pinned to core 1
# with the same Locust 2.12 master, the same users and the same nginx (core 0, with the master): the request
# rate each holds on one core, from the master's own --csv, and the ratio (issue 13 asks for 10x or more);
# then wrk on the same core, the ceiling any client reaches against this nginx.
# Figures only, no thresholds. Usage: DURATION=20 USERS=50 bash scripts/locust-worker-rate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20}
users=${USERS:-50}

bash scripts/setup.sh test perf >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target candar >/dev/null

# shellcheck source=lib/nginx.sh
. scripts/lib/nginx.sh
work=$(mktemp -d)
trap 'stop_nginx_in "$work"' EXIT
port=$(free_port 20180)
master_port=$(free_port 25557)
mkdir -p "$work/html"
printf 'hello from nginx\n' > "$work/html/index.html"
NGINX_PREFIX_CMD="taskset -c 0" start_nginx "$work" "$port" 'keepalive_requests 100000000; keepalive_timeout 60s;' ''
url="http://127.0.0.1:$port"
cat > "$work/locustfile.py" <<'PY'
from locust import FastHttpUser, task, constant

class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def index(self):
        self.client.get("/index.html")
PY

# run NAME WORKER_COMMAND...: a headless master on core 0 for DURATION seconds with USERS users, and the worker
# on core 1; prints the master's requests/s and the worker's CPU seconds.
run() {
  local name=$1
  shift
  # Bounded: a master whose worker never came would wait for it forever.
  taskset -c 0 timeout $((duration + 60)) /usr/bin/locust -f "$work/locustfile.py" --master --master-bind-host 127.0.0.1 --master-bind-port "$master_port" \
    --headless --expect-workers 1 -u "$users" -r "$users" -t "${duration}s" --csv "$work/$name" --only-summary \
    -H "$url" > "$work/$name-master.log" 2>&1 &
  local master=$!
  taskset -c 1 "$@" > "$work/$name-worker.log" 2>&1 &
  local worker=$!
  # The worker's CPU time (utime + stime, clock ticks), sampled while the master runs: the last sample is the
  # load's, give or take the last half second.
  local ticks=0 t
  while kill -0 "$master" 2>/dev/null; do
    t=$(awk '{print $14 + $15}' "/proc/$worker/stat" 2>/dev/null) && ticks=$t
    sleep 0.5
  done
  wait "$master" || true
  wait "$worker" 2>/dev/null || true
  local rps requests
  rps=$(awk -F, '$2 == "Aggregated" {printf "%.0f", $10}' "$work/${name}_stats.csv")
  requests=$(awk -F, '$2 == "Aggregated" {print $3}' "$work/${name}_stats.csv")
  echo "$rps $requests $ticks"
}

# Debian's python3-locust 2.12.1-1 has an empty __version__, and its master refuses a worker announcing ""
# ("an old (pre 2.0) worker"): the Locust worker is started with its version set. (candar's worker announces -1,
# which every 2.x master accepts.)
read -r locust_rps locust_requests locust_ticks < <(run locust /usr/bin/python3 -c \
  'import sys, locust.runners; locust.runners.__version__ = "2.12.1"; from locust.main import main; sys.argv[0] = "locust"; main()' \
  -f "$work/locustfile.py" --worker --master-host 127.0.0.1 --master-port "$master_port")
read -r candar_rps candar_requests candar_ticks < <(run candar build/release/bin/candar worker \
  --master "127.0.0.1:$master_port" --target "$url/index.html" --threads 1 --master-timeout 10)

# The ceiling: wrk, on the same core against the same nginx, with as many connections as there are users.
wrk_rps=""
if command -v wrk >/dev/null; then
  wrk_rps=$(taskset -c 1 wrk -t1 -c"$users" -d"${duration}s" "$url/index.html" | awk '/^Requests\/sec/ {printf "%.0f", $2}')
fi

hz=$(getconf CLK_TCK)
printf '%-32s %12s %12s %14s\n' worker "requests/s" requests "worker CPU-s"
printf '%-32s %12s %12s %14s\n' "Locust FastHttpUser (1 process)" "$locust_rps" "$locust_requests" \
  "$(python3 -c "print(f'{$locust_ticks / $hz:.1f}')")"
printf '%-32s %12s %12s %14s\n' "candar worker (1 loop)" "$candar_rps" "$candar_requests" \
  "$(python3 -c "print(f'{$candar_ticks / $hz:.1f}')")"
[ -z "$wrk_rps" ] || printf '%-32s %12s\n' "wrk (1 thread, the ceiling)" "$wrk_rps"
python3 -c "print(f'ratio: candar worker / Locust worker = {$candar_rps / max($locust_rps, 1):.1f}x in requests/s (master\'s --csv, {$users} users, ${duration}s), {($candar_requests / max($candar_ticks, 1)) / ($locust_requests / max($locust_ticks, 1)):.1f}x per worker CPU-second')"
[ -z "$wrk_rps" ] || python3 -c "print(f'wrk / Locust worker = {$wrk_rps / max($locust_rps, 1):.1f}x: no client holds more than this against this nginx on one core')"
