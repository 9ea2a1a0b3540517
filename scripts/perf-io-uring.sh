#!/usr/bin/env bash
# Asio's io_uring backend against its epoll one, in the same rounds of scripts/perf-agent.sh (issue 23 asks for
# it to be tried and kept only if it measures better per client CPU-second against wrk). Builds the candar
# command a second time, in build/uring, with every socket operation on io_uring (BOOST_ASIO_HAS_IO_URING and
# BOOST_ASIO_DISABLE_EPOLL, Debian's liburing), and runs it as perf-agent.sh's "before" client. callgrind is
# skipped: valgrind does not drive io_uring's completions. Usage: ROUNDS=3 DURATION=5 bash scripts/perf-io-uring.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh perf >/dev/null
cmake --preset release -B build/uring -DCMAKE_CXX_FLAGS="-DBOOST_ASIO_HAS_IO_URING -DBOOST_ASIO_DISABLE_EPOLL" \
  -DCMAKE_EXE_LINKER_FLAGS=-luring >/dev/null
cmake --build build/uring --target candar >/dev/null
echo "\"before\" below is build/uring/bin/candar: Asio on io_uring; \"candar\" is the release build, on epoll"
CALLGRIND=0 BEFORE="$PWD/build/uring/bin/candar" bash scripts/perf-agent.sh
