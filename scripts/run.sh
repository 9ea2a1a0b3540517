#!/usr/bin/env bash
# The main job: sets everything up, builds the release preset, starts the isuchair reference webapp on a free
# port with a fresh database, runs isuchair-bench against it and prints pass/fail, the score and its
# breakdown. Arguments go to isuchair-bench (try --duration 20); WEBAPP_ARGS go to the webapp (e.g. --tuned).
# The JSON result is written to isuchair-result.json (RESULT=path to change it). Exit code: isuchair-bench's.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/isuchair.sh

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target isuchair-webapp isuchair-bench

work=$(mktemp -d)
trap 'stop_webapp; rm -rf "$work"' EXIT
# shellcheck disable=SC2086  # WEBAPP_ARGS is a list of words
start_webapp build/release/bin "$work" ${WEBAPP_ARGS:-}
echo "isuchair-webapp at $WEBAPP_URL ($(head -1 "$work/webapp.log"))"
status=0
build/release/bin/isuchair-bench --target "$WEBAPP_URL" --result "${RESULT:-isuchair-result.json}" "$@" || status=$?
exit "$status"
