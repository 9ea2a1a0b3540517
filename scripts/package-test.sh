#!/usr/bin/env bash
# candar as a contest author gets it (issue 11), checked end to end:
#   1. scripts/install.sh: build candar in a folder of ours and install it (library, headers, package config, the
#      candar command) to a prefix;
#   2. `candar new` a starter contest, build it there with find_package, run it for a few seconds against a
#      local web server, and check its exit code and JSON result;
#   3. the Debian package (cpack): installed with apt, the starter built on it with no prefix hint, removed;
#   4. build a tiny consumer with g++ and the author's -Wall -Wextra -Werror: once through find_package, once
#      through add_subdirectory (which builds candar's library with g++ as a subproject).
# Run by scripts/test.sh; alone: bash scripts/package-test.sh. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

work=$(mktemp -d /tmp/candar-package.XXXXXX)
server_pid=""
deb_installed=""
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
cleanup() {
  if [ -n "${server_pid}" ]; then kill "${server_pid}" 2>/dev/null || true; fi
  # A failed check must not leave candar installed under /usr.
  if [ -n "${deb_installed}" ]; then "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq candar >/dev/null || true; fi
  rm -rf "${work}"
}
trap cleanup EXIT
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
jobs=$(nproc)
prefix=${work}/prefix
version=$(sed -n 's/^project(candar VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)

echo "== install candar ${version} to a prefix, as an author does (scripts/install.sh, built outside the tree)"
bash scripts/install.sh "${prefix}" --build-dir "${work}/build"
[ "$("${prefix}/bin/candar" --version)" = "candar ${version}" ] || fail "candar --version: $("${prefix}/bin/candar" --version)"

echo "== candar new: the starter, built on the installed prefix"
# "poll", as libc's poll(): the contest's name must not meet the C++ names the headers bring in.
"${prefix}/bin/candar" new "${work}/contests/poll"
[ -f "${prefix}/share/doc/candar/docs/writing-a-benchmarker.md" ] || fail "the guide is not installed"
[ -f "${prefix}/share/doc/candar/benchmarker/tinysns/main.cpp" ] || fail "the guide's sample is not installed"
set +e
"${prefix}/bin/candar" new "${work}/contests/poll" 2>"${work}/new.err"; rc=$?
set -e
[ "${rc}" -eq 2 ] || fail "candar new into a non-empty folder exited ${rc}, not 2"
grep -q "not an empty folder" "${work}/new.err" || fail "candar new into a non-empty folder said: $(cat "${work}/new.err")"
(cd "${work}/contests/poll" && CANDAR_PREFIX="${prefix}" cmake --preset release >/dev/null &&
  cmake --build --preset release -j "${jobs}")

echo "== the starter against a local web server, for 3 s"
mkdir -p "${work}/www"
printf '<!doctype html><link rel=stylesheet href=/style.css><h1>hello</h1>\n' >"${work}/www/index.html"
printf 'h1 { color: teal }\n' >"${work}/www/style.css"
timeout 300 python3 -u -c '
import functools, http.server, sys
class quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass
    def do_POST(self):  # the starter resets the webapp first: POST /initialize
        self.send_response(200 if self.path == "/initialize" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()
handler = functools.partial(quiet, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()
' "${work}/www" >"${work}/port" &
server_pid=$!
for _ in $(seq 100); do [ -s "${work}/port" ] && break; sleep 0.1; done
port=$(cat "${work}/port")
[ -n "${port}" ] || fail "the local web server did not start"
set +e
"${work}/contests/poll/build/poll-bench" --target "http://127.0.0.1:${port}" --duration 3 --threads 1 \
  --progress none --result "${work}/result.json"; rc=$?
set -e
[ "${rc}" -eq 0 ] || fail "the starter exited ${rc} against a working server"
python3 - "${work}/result.json" <<'PY' || fail "the starter's JSON result"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["pass"] is True, r["reasons"]
assert r["score"] > 0 and r["breakdown"]["visit"]["count"] == r["score"], r["breakdown"]
assert "GET /" in r["endpoints"], list(r["endpoints"])
print(f"   starter: pass, score {r['score']}")
PY
# --initialize: 'none' sends no reset; another request is sent instead (this server answers 404 to it: Prepare
# fails, exit 1); a value that is no 'METHOD PATH' is bad usage before any request.
starter_with() {
  set +e
  "${work}/contests/poll/build/poll-bench" --target "http://127.0.0.1:${port}" --duration 1 --threads 1 \
    --progress none "$@" >"${work}/initialize.out" 2>&1; rc=$?
  set -e
}
starter_with --initialize none
[ "${rc}" -eq 0 ] || fail "the starter with --initialize none exited ${rc}: $(cat "${work}/initialize.out")"
starter_with --initialize 'POST /reset'
[ "${rc}" -eq 1 ] || fail "the starter with --initialize 'POST /reset' (404) exited ${rc}, not 1"
grep -q "POST /reset" "${work}/initialize.out" || fail "the failed --initialize is not named: $(cat "${work}/initialize.out")"
starter_with --initialize bogus
[ "${rc}" -eq 2 ] || fail "the starter with --initialize bogus exited ${rc}, not 2"
echo "   starter: --initialize none, another request, and a bad one (exit 0, 1, 2)"

echo "== the Debian package: built, installed with apt, the starter built on it with no prefix hint, removed"
(cd "${work}/build" && cpack -G DEB -B "${work}/deb" >/dev/null)
deb=$(ls "${work}"/deb/candar_"${version}"_*.deb)
# What find_package(candar) looks for must be what the package depends on: this machine has them all installed
# already, so apt alone would not notice one missing.
depends=$(dpkg-deb -f "${deb}" Depends)
for needed in libboost libssl-dev libc-ares-dev libgumbo-dev libnghttp2-dev libfmt-dev nlohmann-json3-dev \
  zlib1g-dev libdeflate-dev libbrotli-dev libpsl-dev pkg-config clang-16; do
  [[ "${depends}" == *"${needed}"* ]] || fail "the package does not depend on ${needed}: ${depends}"
done
if dpkg-query -W -f='${Status}' candar 2>/dev/null | grep -q "install ok installed"; then
  fail "a candar package is installed already: remove it first (apt remove candar)"
fi
deb_installed=1
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${deb}" >/dev/null
[ "$(/usr/bin/candar --version)" = "candar ${version}" ] || fail "the package's candar --version: $(/usr/bin/candar --version)"
/usr/bin/candar new "${work}/contests/from-deb" >/dev/null
(cd "${work}/contests/from-deb" && env -u CANDAR_PREFIX cmake --preset release >/dev/null &&
  cmake --build --preset release -j "${jobs}" >/dev/null)
"${work}/contests/from-deb/build/from-deb-bench" --target "http://127.0.0.1:${port}" --duration 1 --threads 1 \
  --progress none >/dev/null || fail "the starter built on the package did not pass"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq candar >/dev/null
deb_installed=""
[ ! -e /usr/lib/cmake/candar/candarConfig.cmake ] || fail "apt remove candar left its package config"
echo "   $(basename "${deb}"): installed, starter built and passed, removed"

kill "${server_pid}"; wait "${server_pid}" 2>/dev/null || true; server_pid=""
set +e
"${work}/contests/poll/build/poll-bench" --target "http://127.0.0.1:${port}" --duration 1 --threads 1 \
  --progress none >/dev/null; rc=$?
set -e
[ "${rc}" -eq 1 ] || fail "the starter exited ${rc} once the server was gone, not 1"

echo "== a consumer through find_package, with g++ and the author's -Wall -Wextra -Werror"
cmake -S tests/package/consumer -B "${work}/consumer-package" -G Ninja -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_PREFIX_PATH="${prefix}" -DCANDAR_CONSUMER_MODE=package >/dev/null
cmake --build "${work}/consumer-package" -j "${jobs}"
"${work}/consumer-package/consumer-bench" --version | grep -q "candar ${version}" || fail "consumer-bench --version"
"${work}/consumer-package/consumer-locust" | grep -q "master" || fail "consumer-locust did not end on its unreachable master"
cmake -S tests/package/consumer -B "${work}/consumer-nonsense" -G Ninja -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_PREFIX_PATH="${prefix}" -DCANDAR_CONSUMER_MODE=package -DCANDAR_CONSUMER_COMPONENT=nonsense \
  >"${work}/nonsense.out" 2>&1 && fail "find_package(candar COMPONENTS nonsense) succeeded"
grep -q "no component 'nonsense'" "${work}/nonsense.out" || fail "COMPONENTS nonsense said: $(cat "${work}/nonsense.out")"

echo "== a consumer through add_subdirectory, with g++ and no build type, as an author's first build (candar's library built as a subproject)"
cmake -S tests/package/consumer -B "${work}/consumer-subdirectory" -G Ninja -DCMAKE_CXX_COMPILER=g++ \
  -DCANDAR_CONSUMER_MODE=subdirectory -DCANDAR_SOURCE_DIR="${root}" >/dev/null
cmake --build "${work}/consumer-subdirectory" -j "${jobs}"
"${work}/consumer-subdirectory/consumer-bench" --version | grep -q "candar ${version}" || fail "consumer-bench --version"

echo "package-test: OK"
