#!/usr/bin/env bash
# HTTP/2 figures, as issue 23 asks, printed side by side in one run (no thresholds):
# 1. `candar load --http2` against h2load (Debian's nghttp2-client) on the same nginx (h2c), nginx pinned to core
#    0 and the client to core 1, same connections and streams, ROUNDS rounds of DURATION seconds: requests/s and
#    requests per client CPU-second of each, and the ratios candar/h2load.
# 2. A page of 20 sub-resources loaded by USERS users at once over TLS, over h2 and over HTTP/1.1: the time and
#    the connections it took.
# Usage: ROUNDS=3 DURATION=5 CONNECTIONS=10 STREAMS=10 USERS=100 bash scripts/perf-h2.sh
# BEFORE=path/to/candar also runs that (older) build in each round, with its own ratios: before and after a change.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
connections=${CONNECTIONS:-10}
streams=${STREAMS:-10}
users=${USERS:-100}

bash scripts/setup.sh perf >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target candar page_load >/dev/null

# shellcheck source=lib/nginx.sh
. scripts/lib/nginx.sh
work=$(mktemp -d)
tls_work=$(mktemp -d)
trap 'stop_nginx_in "$work"; stop_nginx_in "$tls_work"' EXIT
port=$(free_port 20180)
mkdir -p "$work/html"
printf 'hello from nginx\n' > "$work/html/index.html"
NGINX_LISTEN=http2 NGINX_PREFIX_CMD="taskset -c 0" start_nginx "$work" "$port" \
  'keepalive_requests 100000000; keepalive_timeout 60s; http2_max_concurrent_streams 256;' ''
url="http://127.0.0.1:$port/index.html"

TIMEFORMAT='%U %S'
run_h2load() {
  { time taskset -c 1 h2load -t1 -c"$connections" -m"$streams" -D"$duration" "$url" > "$work/h2load.out"; } 2> "$work/time.out"
  local rps total cpu
  rps=$(sed -n 's/^finished in [0-9.]*s, \([0-9.]*\) req\/s.*/\1/p' "$work/h2load.out")
  total=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$work/h2load.out")
  cpu=$(awk '{print $1 + $2}' "$work/time.out")
  echo "${rps:-0} $cpu ${total:-0}"
}
before=${BEFORE:-}
if [ -n "$before" ] && [ ! -x "$before" ]; then echo "perf-h2: BEFORE=$before is not an executable" >&2; exit 2; fi
run_before() { candar_bin="$before" run_candar; }
run_candar() {
  { time taskset -c 1 "${candar_bin:-build/release/bin/candar}" load "$url" --http2 --streams "$streams" --connections "$connections" \
      --duration "$duration" --threads 1 --json "$work/candar.json" > "$work/candar.out"; } 2> "$work/time.out"
  local rps total cpu h2
  rps=$(sed -n 's/.*"requests_per_second": \([0-9.e+]*\).*/\1/p' "$work/candar.json")
  total=$(sed -n 's/.*"requests": \([0-9]*\).*/\1/p' "$work/candar.json")
  h2=$(sed -n 's/.*"h2_responses": \([0-9]*\).*/\1/p' "$work/candar.json")
  if [ "$h2" != "$total" ]; then echo "perf-h2: only $h2 of $total responses came over HTTP/2" >&2; exit 1; fi
  cpu=$(awk '{print $1 + $2}' "$work/time.out")
  echo "$rps $cpu $total"
}

echo "nginx (h2c) on core 0, client on core 1, $connections connections x $streams streams, 1 client thread, ${duration}s rounds"
printf '%-6s %-8s %12s %10s %14s\n' round client "req/s" "client-CPU" "req/CPU-s"
rps_ratios=""; cpu_ratios=""; before_rps=""; before_cpu=""
clients="h2load candar"
[ -n "$before" ] && clients="h2load candar before"
for r in $(seq "$rounds"); do
  for client in $clients; do
    read -r rps cpu total < <(run_$client)
    per_cpu=$(awk -v t="$total" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? t / c : 0) }')
    printf '%-6s %-8s %12.0f %10.2f %14s\n' "$r" "$client" "$rps" "$cpu" "$per_cpu"
    if [ "$client" = h2load ]; then
      peer_rps=$rps; peer_per_cpu=$per_cpu
    elif [ "$client" = before ]; then
      before_rps="$before_rps $(awk -v c="$rps" -v p="$peer_rps" 'BEGIN { printf "%.3f", (p > 0 ? c / p : 0) }')"
      before_cpu="$before_cpu $(awk -v c="$per_cpu" -v p="$peer_per_cpu" 'BEGIN { printf "%.3f", (p > 0 ? c / p : 0) }')"
    else
      rps_ratios="$rps_ratios $(awk -v c="$rps" -v p="$peer_rps" 'BEGIN { printf "%.3f", (p > 0 ? c / p : 0) }')"
      cpu_ratios="$cpu_ratios $(awk -v c="$per_cpu" -v p="$peer_per_cpu" 'BEGIN { printf "%.3f", (p > 0 ? c / p : 0) }')"
    fi
  done
done
summary() { awk -v what="$1" '{ s = 0; lo = $1; hi = $1; for (i = 1; i <= NF; i++) { s += $i; if ($i < lo) lo = $i; if ($i > hi) hi = $i }
  printf "%s/h2load: mean %.2f (rounds: %.2f to %.2f)\n", what, s / NF, lo, hi }'; }
echo
echo "$rps_ratios" | summary "req/s                candar"
echo "$cpu_ratios" | summary "req per client CPU-s candar"
if [ -n "$before" ]; then
  echo "$before_rps" | summary "req/s                before"
  echo "$before_cpu" | summary "req per client CPU-s before"
fi

# The page: 20 stylesheets, over TLS (ALPN decides the protocol), nginx on core 0, the users on core 1.
tls_port=$(free_port 20280)
mkdir -p "$tls_work/html"
page='<html><head>'
for i in $(seq 0 19); do
  page="$page<link rel=stylesheet href=\"/s$i.css\">"
  head -c 4096 /dev/zero | tr '\0' 'c' > "$tls_work/html/s$i.css"
done
printf '%s</head><body>chairs</body></html>\n' "$page" > "$tls_work/html/page.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -keyout "$tls_work/key.pem" -out "$tls_work/cert.pem" 2>/dev/null
NGINX_LISTEN="ssl http2" NGINX_PREFIX_CMD="taskset -c 0" start_nginx "$tls_work" "$tls_port" \
  'keepalive_requests 100000; keepalive_timeout 60s;' \
  "ssl_certificate $tls_work/cert.pem; ssl_certificate_key $tls_work/key.pem;"
echo
echo "a page of 20 stylesheets over TLS, $users users at once, each its own agent:"
for protocol in h2 http1.1; do
  taskset -c 1 build/release/bin/page_load "https://127.0.0.1:$tls_port/page.html" "$users" "$protocol"
done
