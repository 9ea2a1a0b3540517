#!/usr/bin/env bash
# Which requests does a real browser make for a page before its load event, and which does the agent?
# Serves scripts/chromium-page/ with nginx on a free port, loads it in headless Debian Chromium with a NetLog,
# and in `candar fetch --resources`, then prints both lists and their differences. Needs the chromium package
# (`apt-get install chromium`); not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "compare-chromium: install Debian's chromium first (apt-get install chromium)" >&2; exit 2; }
cmake --preset release >/dev/null
cmake --build --preset release --target candar >/dev/null

work=$(mktemp -d)
cleanup() {
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/html/assets"
cp scripts/chromium-page/index.html "$work/html/"
for f in app.css alt.css off.css font.woff2 app.js mod.js legacy.js tpl.html async.js defer.js chair.png lazy.png \
         big.png small.png go.png poster.png inert.png noscript.css plain.txt no-as.js odd.bin data.json modpre.js \
         noscript.png; do
  echo "/* $f */" > "$work/html/assets/$f"
done
echo "/* early.css */" > "$work/html/early.css"  # before <base href>: resolved against the page's own URL
# shellcheck source=lib/nginx.sh
. scripts/lib/nginx.sh
port=$(free_port 20180)
start_nginx "$work" "$port" \
  'types { text/html html; text/css css; application/javascript js; image/png png; font/woff2 woff2; }' ''
url="http://127.0.0.1:$port/index.html"

# --dump-dom waits for the load event, prints the DOM and exits; the NetLog holds every request it made.
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --log-net-log="$work/net.json" \
  --dump-dom "$url" > /dev/null 2> "$work/chromium.err" || { cat "$work/chromium.err" >&2; exit 1; }
grep -o "\"url\":\"http://127.0.0.1:$port/[^\"]*\"" "$work/net.json" | sed 's/"url":"//; s/"$//' |
  sed "s|http://127.0.0.1:$port||" | grep -v -x -e '/index.html' -e '/' | sort -u > "$work/chromium.txt"  # '/': the origin
build/release/bin/candar fetch "$url" --resources | awk '/^  (script|stylesheet|preload|image) / {print $3}' |
  sed "s|http://127.0.0.1:$port||" | sort -u > "$work/candar.txt"

echo "Chromium requested (besides the page):"; sed 's/^/  /' "$work/chromium.txt"
echo "candar requested:"; sed 's/^/  /' "$work/candar.txt"
echo "only Chromium:"; comm -23 "$work/chromium.txt" "$work/candar.txt" | sed 's/^/  /'
echo "only candar:";   comm -13 "$work/chromium.txt" "$work/candar.txt" | sed 's/^/  /'
