#!/usr/bin/env bash
# The agent's speed against wrk's, as issue 3 asks: nginx pinned to core 0, the client pinned to core 1, in
# turn `wrk` and `candar load`, same URL, 50 connections, keep-alive, one client thread, ROUNDS rounds of
# DURATION seconds. Prints each round's requests/s and requests per client CPU-second, and the ratios.
# Figures only, no thresholds. Usage: ROUNDS=3 DURATION=5 bash scripts/perf-agent.sh
# BEFORE=path/to/candar also runs that binary (an older build: `bash scripts/perf-agent.sh` on a change states
# before and after in one run) in each round, as the client "before", with its own ratio to wrk.
# BODY=gzip asks for a 20 KB page gzipped (nginx's gzip_static: the file compressed once, so nginx spends
# nothing on it), with Accept-Encoding: gzip from every client; candar decodes each body, wrk does not.
# CALLGRIND=0 and SYSCALLS=0 skip the instruction and syscall counts.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
connections=${CONNECTIONS:-50}

bash scripts/setup.sh perf >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target candar agents_memory >/dev/null

# shellcheck source=lib/nginx.sh
. scripts/lib/nginx.sh
work=$(mktemp -d)
trap 'stop_nginx_in "$work"' EXIT
port=$(free_port 20080)
mkdir -p "$work/html"
printf 'hello from nginx\n' > "$work/html/index.html"
printf '<html><head><link rel=stylesheet href="/app.css"></head><body>chairs</body></html>\n' > "$work/html/page.html"
head -c 2048 /dev/zero | tr '\0' 'c' > "$work/html/app.css"
mkdir -p "$work/html/gz"
awk 'BEGIN { srand(7); while (n < 20000) { line = sprintf("<div class=\"chair\" id=\"%d\">seat %d, %d yen</div>\n",
  int(rand() * 1000), int(rand() * 1000), int(rand() * 100000)); printf "%s", line; n += length(line) } }' \
  > "$work/html/gz/page.html"
gzip -6 -k "$work/html/gz/page.html"
NGINX_PREFIX_CMD="taskset -c 0" start_nginx "$work" "$port" \
  'keepalive_requests 100000000; keepalive_timeout 60s;' \
  'location = /page.html { add_header Set-Cookie "sid=$request_id; Path=/; HttpOnly"; }
   location = /app.css { add_header Cache-Control "max-age=3600"; }
   location /gz/ { gzip_static on; }'
url="http://127.0.0.1:$port/index.html"
wrk_headers=()
case "${BODY:-small}" in
  small) ;;
  gzip) url="http://127.0.0.1:$port/gz/page.html"; wrk_headers=(-H "Accept-Encoding: gzip") ;;
  *) echo "perf-agent: BODY=${BODY} is neither small nor gzip" >&2; exit 2 ;;
esac
status=$(build/release/bin/candar fetch "$url" | head -1 | cut -d' ' -f1)
if [ "$status" != 200 ]; then
  echo "perf-agent: nginx answers $status for $url, not 200" >&2
  exit 1
fi

# Runs a command pinned to core 1; prints "requests/s cpu-seconds" from its output and bash's own timing.
TIMEFORMAT='%U %S'
run_wrk() {
  local out cpu
  { time taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" "${wrk_headers[@]}" "$url" > "$work/wrk.out"; } 2> "$work/time.out"
  out=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
  cpu=$(awk '{print $1 + $2}' "$work/time.out")
  local total
  total=$(awk '/requests in/ {print $1}' "$work/wrk.out")
  echo "$out $cpu $total"
}
before=${BEFORE:-}
if [ -n "$before" ] && [ ! -x "$before" ]; then
  echo "perf-agent: BEFORE=$before is not an executable" >&2
  exit 2
fi
run_before() { candar_bin="$before" run_candar; }
run_candar() {
  local rps cpu total
  { time taskset -c 1 "${candar_bin:-build/release/bin/candar}" load "$url" --connections "$connections" --duration "$duration" \
      --threads 1 --json "$work/candar.json" > "$work/candar.out"; } 2> "$work/time.out"
  rps=$(sed -n 's/.*"requests_per_second": \([0-9.e+]*\).*/\1/p' "$work/candar.json")
  total=$(sed -n 's/.*"requests": \([0-9]*\).*/\1/p' "$work/candar.json")
  cpu=$(awk '{print $1 + $2}' "$work/time.out")
  echo "$rps $cpu $total"
}

echo "nginx on core 0, client on core 1, $connections connections, keep-alive, 1 client thread, ${duration}s rounds, $url"
printf '%-6s %-8s %12s %10s %14s %16s\n' round client "req/s" "client-CPU" "req/CPU-s" "CPU-s/100k req"
sum_w=0; sum_c=0; sum_wc=0; sum_cc=0; sum_b=0; sum_bc=0
clients="wrk candar"
[ -n "$before" ] && clients="wrk candar before"
# Each round runs wrk then candar back to back, so the ratio within a round is the figure the host's swings
# disturb least; the lowest and highest of those are printed with the means.
ratios=""; before_ratios=""
for r in $(seq "$rounds"); do
  for client in $clients; do
    read -r rps cpu total < <(run_$client)
    per_cpu=$(awk -v t="$total" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? t / c : 0) }')
    per_100k=$(awk -v t="$total" -v c="$cpu" 'BEGIN { printf "%.3f", (t > 0 ? c / t * 100000 : 0) }')
    printf '%-6s %-8s %12.0f %10.2f %14s %16s\n' "$r" "$client" "$rps" "$cpu" "$per_cpu" "$per_100k"
    if [ "$client" = wrk ]; then
      sum_w=$(awk -v a="$sum_w" -v b="$rps" 'BEGIN { print a + b }'); sum_wc=$(awk -v a="$sum_wc" -v b="$per_cpu" 'BEGIN { print a + b }')
      wrk_per_cpu=$per_cpu
    elif [ "$client" = candar ]; then
      sum_c=$(awk -v a="$sum_c" -v b="$rps" 'BEGIN { print a + b }'); sum_cc=$(awk -v a="$sum_cc" -v b="$per_cpu" 'BEGIN { print a + b }')
      ratios="$ratios $(awk -v c="$per_cpu" -v w="$wrk_per_cpu" 'BEGIN { printf "%.3f", (w > 0 ? c / w : 0) }')"
    else
      sum_b=$(awk -v a="$sum_b" -v b="$rps" 'BEGIN { print a + b }'); sum_bc=$(awk -v a="$sum_bc" -v b="$per_cpu" 'BEGIN { print a + b }')
      before_ratios="$before_ratios $(awk -v c="$per_cpu" -v w="$wrk_per_cpu" 'BEGIN { printf "%.3f", (w > 0 ? c / w : 0) }')"
    fi
  done
done
awk -v w="$sum_w" -v c="$sum_c" -v wc="$sum_wc" -v cc="$sum_cc" -v n="$rounds" 'BEGIN {
  printf "\nmean req/s:            wrk %.0f, candar %.0f, ratio candar/wrk %.2f\n", w / n, c / n, (w > 0 ? c / w : 0)
  printf "mean req/client-CPU-s: wrk %.0f, candar %.0f, ratio candar/wrk %.2f\n", wc / n, cc / n, (wc > 0 ? cc / wc : 0)
}'
echo "$ratios" | awk '{ lo = $1; hi = $1; for (i = 2; i <= NF; i++) { if ($i < lo) lo = $i; if ($i > hi) hi = $i }
  printf "req/client-CPU-s ratio candar/wrk within each round: %.2f to %.2f\n", lo, hi }'
if [ -n "$before" ]; then
  awk -v w="$sum_w" -v b="$sum_b" -v wc="$sum_wc" -v bc="$sum_bc" -v n="$rounds" -v bin="$before" 'BEGIN {
    printf "before (%s): mean req/s %.0f (ratio to wrk %.2f), mean req/client-CPU-s %.0f (ratio to wrk %.2f)\n",
      bin, b / n, (w > 0 ? b / w : 0), bc / n, (wc > 0 ? bc / wc : 0)
  }'
  echo "$before_ratios" | awk '{ lo = $1; hi = $1; for (i = 2; i <= NF; i++) { if ($i < lo) lo = $i; if ($i > hi) hi = $i }
    printf "req/client-CPU-s ratio before/wrk within each round: %.2f to %.2f\n", lo, hi }'
fi

# Runs CLIENT (wrk, candar or before) once, pinned to core 1, under the command that follows it (a counter:
# valgrind, perf stat); prints how many requests it made. The counter's own stderr is left to the caller.
requests_under() {
  local client=$1 bin=build/release/bin/candar
  shift
  if [ "$client" = wrk ]; then
    taskset -c 1 "$@" wrk -t1 -c"$connections" -d"${duration}s" "${wrk_headers[@]}" "$url" > "$work/counted.txt" || true
    awk '/requests in/ {print $1}' "$work/counted.txt"
  else
    [ "$client" = before ] && bin=$before
    taskset -c 1 "$@" "$bin" load "$url" --connections "$connections" --duration "$duration" --threads 1 \
      > "$work/counted.txt" || true
    awk '/^Requests:/ {print $2}' "$work/counted.txt"
  fi
}

# Instructions per request in the client's own code (user space), counted by callgrind: unlike seconds, the
# same for the same binary whatever else the shared machine is doing. Kernel work (the syscalls) is not counted.
# CALLGRIND=0 skips it. Each run is bounded (a client whose event loop valgrind cannot drive, as with io_uring,
# would otherwise never end).
if command -v valgrind >/dev/null && [ "${CALLGRIND:-1}" != 0 ]; then
  echo
  echo "user-space instructions per request (callgrind, ${duration}s each, slowed down ~50x):"
  for client in $clients; do
    total=$(requests_under "$client" timeout $((duration * 100 + 60)) valgrind --tool=callgrind \
      --callgrind-out-file="$work/cg.out" 2> "$work/cg.err")
    ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/cg.err" | awk '{ s += $1 } END { print s }')
    awk -v c="$client" -v i="$ir" -v t="$total" 'BEGIN { printf "  %-7s %10.0f instructions per request (%d requests)\n", c, (t > 0 ? i / t : 0), t }'
  done
fi

# Syscalls per request, counted by the kernel's tracepoints (perf stat): all of them, and the few a keep-alive
# client makes. A count, not a time, so the shared machine does not move it. SYSCALLS=0 skips it; it needs
# perf (setup.sh perf) and the permission to read tracepoints (root, or perf_event_paranoid below 0).
syscall_events=raw_syscalls:sys_enter
for name in read write recvfrom sendto epoll_wait epoll_ctl; do syscall_events="$syscall_events,syscalls:sys_enter_$name"; done
if command -v perf >/dev/null && [ "${SYSCALLS:-1}" != 0 ] && perf stat -e raw_syscalls:sys_enter true >/dev/null 2>&1; then
  echo
  echo "syscalls per request (perf stat, ${duration}s each): all, then read write recvfrom sendto epoll_wait epoll_ctl"
  for client in $clients; do
    total=$(requests_under "$client" perf stat -x, -e "$syscall_events" -o "$work/syscalls.csv")
    awk -F, -v c="$client" -v t="$total" '$3 ~ /sys_enter/ { n[++k] = $1 }
      END { printf "  %-7s", c; for (i = 1; i <= k; i++) printf " %6.2f", (t > 0 ? n[i] / t : 0); printf "  (%d requests)\n", t }' \
      "$work/syscalls.csv"
  done
fi

echo
echo "10,000 agents held at once, each after a page that sets a cookie and a cacheable 2 KB stylesheet:"
build/release/bin/agents_memory "http://127.0.0.1:$port/page.html" "http://127.0.0.1:$port/app.css" 10000
