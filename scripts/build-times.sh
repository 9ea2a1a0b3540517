#!/usr/bin/env bash
# What a contest author waits for at compile time (issue 11), in seconds of wall time on this machine:
#   - candar's library from a clean build folder (no ccache), at -j1 and at -j$(nproc);
#   - the rebuild after touching one scenario file: each of isuchair's, tinysns' main.cpp, and each file of a
#     starter contest from `candar new` built against an installed candar (as an author's repository is).
# Release with clang 16 (the starter's preset); ccache off, so that every compile is real.
#   bash scripts/build-times.sh          this working tree
#   bash scripts/build-times.sh REV      a commit instead (a git worktree in a temporary folder), for before/after
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-}
work=$(mktemp -d /tmp/candar-build-times.XXXXXX)
src=$(pwd)
cleanup() {
  if [ -n "${rev}" ]; then git worktree remove --force "${work}/src" >/dev/null 2>&1 || true; fi
  rm -rf "${work}"
}
trap cleanup EXIT
if [ -n "${rev}" ]; then
  git worktree add --detach "${work}/src" "${rev}" >/dev/null 2>&1
  src=${work}/src
fi
export CCACHE_DISABLE=1
jobs=$(nproc)
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "${start} ${end}" | awk '{printf "%.1f", $2 - $1}'; }
# The median of 3 rebuilds after touching $1 (the host is shared: one run can be another process's noise).
rebuild() {
  local file=$1; shift
  for _ in 1 2 3; do touch "${file}"; seconds "$@"; echo; done | sort -n | sed -n 2p
}
configure() { cmake -S "$1" -B "$2" -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=Release \
  -DCANDAR_BUILD_TESTS=OFF -DCANDAR_BUILD_BENCH=OFF "${@:3}" >/dev/null; }

echo "build times of $(git -C "${src}" rev-parse --short HEAD)$([ -z "${rev}" ] && ! git diff --quiet && echo ' (with uncommitted changes)'), clang 16, Release, ccache off"
configure "${src}" "${work}/j1"
echo "library, clean, -j1:        $(seconds ninja -C "${work}/j1" -j 1 candar_framework) s"
configure "${src}" "${work}/build" -DCMAKE_INSTALL_PREFIX="${work}/prefix"
echo "library, clean, -j${jobs}:        $(seconds ninja -C "${work}/build" -j "${jobs}" candar_framework) s"
ninja -C "${work}/build" -j "${jobs}" isuchair-bench tinysns-bench candar >/dev/null

echo "rebuild after touching one file (compile + link; median of 3):"
for f in "${src}"/scenarios/isuchair/*.cpp "${src}/benchmarker/isuchair/main.cpp" "${src}/benchmarker/tinysns/main.cpp"; do
  printf "  %-45s %5s s\n" "${f#"${src}"/}" "$(rebuild "${f}" ninja -C "${work}/build" -j "${jobs}" isuchair-bench tinysns-bench)"
done

if grep -q new_command "${src}/benchmarker/CMakeLists.txt"; then
  cmake --install "${work}/build" >/dev/null
  "${work}/prefix/bin/candar" new "${work}/starter/mycontest" >/dev/null
  (cd "${work}/starter/mycontest" && CANDAR_PREFIX="${work}/prefix" cmake --preset release >/dev/null)
  echo "starter contest (candar new, on the installed prefix), clean: $(seconds cmake --build "${work}/starter/mycontest/build" -j "${jobs}") s"
  for f in "${work}"/starter/mycontest/*.cpp; do
    printf "  starter/%-37s %5s s\n" "$(basename "${f}")" "$(rebuild "${f}" cmake --build "${work}/starter/mycontest/build" -j "${jobs}")"
  done
fi
