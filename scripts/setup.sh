#!/usr/bin/env bash
# Installs exactly the Debian 12 packages candar needs to build and test. Idempotent: packages already
# present are not reinstalled and apt's lists are refreshed only when something is missing.
# Works as root without sudo, and through sudo otherwise.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  clang-16                # the compiler of every preset: g++ 12 miscompiles coroutine code (see README)
  libclang-rt-16-dev      # clang 16's sanitizer runtimes and libFuzzer (scripts/fuzz.sh)
  libcli11-dev            # command-line parsing for the ready benchmarker main (candar/app)
  libboost1.81-dev        # Asio (awaitables, awaitable operators, cancellation slots), Beast
  libboost-url1.81-dev    # Boost.URL: resolving relative targets like a browser
  libssl-dev              # TLS for the agent
  nlohmann-json3-dev      # JSON results and admin log lines
  libfmt-dev              # formatting of messages and logs
  libgtest-dev googletest # the test suite
  libbenchmark-dev        # the micro-benchmarks (bench/)
  zlib1g-dev libbrotli-dev # Content-Encoding: gzip, deflate, br
  libdeflate-dev          # gzip bodies decoded in one call, 1.6-4x as fast as zlib's stream (decompress.cpp)
  libpsl-dev              # the Public Suffix List: no cookie for ".com"
  libgumbo-dev            # an HTML5 parser for finding a page's sub-resources
  libc-ares-dev           # DNS resolution an event loop can wait on under a deadline, with the records' TTLs
  libnghttp2-dev          # HTTP/2 for the agent: framing, HPACK, flow control (the I/O stays candar's, on Asio)
  libzmq3-dev cppzmq-dev  # ZeroMQ for the Locust worker (candar worker, candar/locust/)
  libmsgpuck-dev          # msgpack for the Locust protocol (Debian's msgpack-c C++ package needs Boost 1.74)
  libsqlite3-dev          # the isuchair reference webapp's database
  libmimalloc-dev         # a faster malloc for the load-making programs (release builds)
  nginx                   # the real-world server the agent tests run against (started by the tests)
  python3                 # the local web server scripts/package-test.sh runs the starter contest against
)

# Extra groups, named as arguments: `setup.sh test` adds what the test suite judges with (scripts/test.sh
# asks for it), `setup.sh perf` what scripts/perf-agent.sh compares against, `setup.sh tidy` clang-tidy.
test_packages=(
  chromium                # headless, the judge of the HTML report page (tests/support/headless_chromium.*)
  llvm                    # llvm-symbolizer: sanitizer reports with function names and lines (scripts/test.sh)
  clang-format-16         # the house layout, checked by scripts/test.sh (scripts/format.sh)
  python3-locust          # Locust 2.12's master, which the candar worker tests join (tests/cli/locust_worker_test.cpp)
  prometheus              # scrapes a real run's --metrics-listen (tests/isuchair/metrics_export_test.cpp)
)
tidy_packages=(
  clang-tidy-16           # scripts/tidy.sh: clang 16's own, so it reads the presets' precompiled headers
)
perf_packages=(
  wrk                     # the peer load generator candar load is compared with
  nghttp2-client          # h2load: the HTTP/2 peer candar load --http2 is compared with
  liburing-dev            # Asio's io_uring backend, tried against epoll by scripts/perf-io-uring.sh (not kept)
  valgrind                # callgrind: perf-agent.sh's user-space instructions per request
  linux-perf              # perf stat: perf-agent.sh's syscalls per request
)

names=("${packages[@]}")
for group in "$@"; do
  case "$group" in
    test) names+=("${test_packages[@]}") ;;
    perf) names+=("${perf_packages[@]}") ;;
    tidy) names+=("${tidy_packages[@]}") ;;
    *) echo "setup: unknown group '$group' (known: test, perf, tidy)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${names[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#names[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "setup: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
