#!/usr/bin/env bash
# What scripts/install.sh and scripts/package-deb.sh install, built: the library, headers and the candar command
# (no tests, samples or benchmarks), Release, with clang 16, in BUILD_DIR (outside the source tree, so a read-only
# or shared checkout installs too). Sets everything up first.
#   bash scripts/build-installable.sh BUILD_DIR [CMAKE_ARGS...]
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] && [ -n "$1" ] || { echo "usage: bash scripts/build-installable.sh BUILD_DIR [CMAKE_ARGS...]" >&2; exit 2; }
build_dir=$1
shift
bash "${source_dir}/scripts/setup.sh"
cmake -S "${source_dir}" -B "${build_dir}" -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=Release \
  -DCANDAR_BUILD_TESTS=OFF -DCANDAR_BUILD_BENCH=OFF -DCANDAR_BUILD_SAMPLES=OFF "$@" >/dev/null
cmake --build "${build_dir}" -j "$(nproc)"
