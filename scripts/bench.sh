#!/usr/bin/env bash
# Builds the release preset and runs the micro-benchmarks; prints their figures (no thresholds).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target candar_bench
exec build/release/bin/candar_bench --benchmark_min_time=0.5 --benchmark_color=false "$@"
