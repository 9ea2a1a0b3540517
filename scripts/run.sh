#!/usr/bin/env bash
# Sets everything up, builds the release preset and runs the main job. Until the sample contest (isuchair)
# exists, the main job is the framework demo: a real benchmark run whose worker parallelism rises while it
# runs, ending with a score. Arguments are passed to it (try --duration 5).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target candar-demo
exec build/release/bin/candar-demo "$@"
