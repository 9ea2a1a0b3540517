#!/usr/bin/env bash
# Installs candar for contest authors: headers, libcandar.a, the candar command, the package config
# (PREFIX/lib/cmake/candar: find_package(candar)) and the guide (PREFIX/share/doc/candar).
#   bash scripts/install.sh PREFIX        e.g. ~/.local/candar, or /usr/local (as root)
# Builds only what is installed (no tests, samples or benchmarks), Release, with clang 16, in build/install.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: bash scripts/install.sh PREFIX" >&2
  exit 2
fi
prefix=$1

bash scripts/setup.sh
cmake -S . -B build/install -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=Release \
  -DCANDAR_BUILD_TESTS=OFF -DCANDAR_BUILD_BENCH=OFF -DCANDAR_BUILD_SAMPLES=OFF -DCMAKE_INSTALL_PREFIX="${prefix}" >/dev/null
cmake --build build/install -j "$(nproc)"
cmake --install build/install >/dev/null
echo "installed candar $("${prefix}/bin/candar" --version | cut -d' ' -f2) to ${prefix}"
echo "next: export CANDAR_PREFIX=${prefix}; ${prefix}/bin/candar new mycontest"
