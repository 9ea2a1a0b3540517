#!/usr/bin/env bash
# Which requests does a real browser make for a page before its load event, spelled how, and does the agent
# make the same? Serves scripts/chromium-pages/ with nginx on a free port (any path answers 200, so nothing is
# skipped for being missing), loads each page in headless Debian Chromium and in `candar fetch --resources`,
# and compares the request targets nginx logged for each, byte for byte. Needs the chromium package
# (`apt-get install chromium`); not part of the test suite.
# Usage: bash scripts/compare-chromium.sh [PAGE.html...]   (default: every page in scripts/chromium-pages/)
# Exit status: 0 when every page matched, 1 when one differed, 2 when it could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "compare-chromium: install Debian's chromium first (apt-get install chromium)" >&2; exit 2; }
cmake --preset release >/dev/null
cmake --build --preset release --target candar >/dev/null

pages=("$@")
[ ${#pages[@]} -gt 0 ] || pages=(scripts/chromium-pages/*.html)

work=$(mktemp -d)
cleanup() {
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/html"
# shellcheck source=lib/nginx.sh
. scripts/lib/nginx.sh
port=$(free_port 20180)
for page in "${pages[@]}"; do
  sed "s/__PORT__/$port/g" "$page" > "$work/html/$(basename "$page")"
done
# $request_uri is the target exactly as it came on the request line. Who sent it is told by the User-Agent.
start_nginx "$work" "$port" \
  "types { text/html html; text/css css; application/javascript js; }
   log_format targets '\$http_user_agent	\$request_uri';" \
  "access_log $work/logs/requests.log targets;"'
   location / { try_files $uri @any; }
   location @any { default_type text/plain; return 200 "/* any */"; }'

differing=0
for page in "${pages[@]}"; do
  name=$(basename "$page")
  url="http://127.0.0.1:$port/$name"
  : > "$work/logs/requests.log"
  # --dump-dom waits for the load event, prints the DOM and exits.
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" \
    --dump-dom "$url" > /dev/null 2> "$work/chromium.err" || { cat "$work/chromium.err" >&2; exit 2; }
  build/release/bin/candar fetch "$url" --resources > /dev/null
  # The page itself and /favicon.ico (Chromium asks for it after the load event) are not the page's resources.
  targets() { grep "$1" "$work/logs/requests.log" | cut -f2 | grep -v -x -e "/$name" -e '/favicon.ico' | sort -u || true; }
  targets HeadlessChrome > "$work/chromium.txt"
  targets 'candar/' > "$work/candar.txt"
  echo "== $name: Chromium $(wc -l < "$work/chromium.txt"), candar $(wc -l < "$work/candar.txt") requests"
  if [ -n "${VERBOSE:-}" ]; then echo "   both:"; comm -12 "$work/chromium.txt" "$work/candar.txt" | sed "s/^/     /"; fi
  only_chromium=$(comm -23 "$work/chromium.txt" "$work/candar.txt")
  only_candar=$(comm -13 "$work/chromium.txt" "$work/candar.txt")
  if [ -z "$only_chromium" ] && [ -z "$only_candar" ]; then
    echo "   the same"
    continue
  fi
  differing=$((differing + 1))
  echo "   only Chromium:"; printf '%s\n' "$only_chromium" | sed '/^$/d; s/^/     /'
  echo "   only candar:"; printf '%s\n' "$only_candar" | sed '/^$/d; s/^/     /'
done
echo "pages that differ: $differing of ${#pages[@]}"
[ "$differing" -eq 0 ]
