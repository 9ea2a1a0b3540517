#!/usr/bin/env bash
# Runs one test binary's matching tests many times in a row under a sanitizer build and stops at the first
# failure, printing its output: how a flaky test is shown fixed (a race that fails one run in 150 needs
# hundreds of runs, too many for the suite itself).
#   bash scripts/repeat-test.sh BINARY FILTER [RUNS] [PRESET]
#   bash scripts/repeat-test.sh benchmark_test 'phase_window.*' 1000 tsan
# The preset's build must exist (scripts/test.sh makes debug and tsan).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: $0 BINARY FILTER [RUNS] [PRESET]" >&2
  exit 2
fi
binary=$1 filter=$2 runs=${3:-1000} preset=${4:-tsan}
exe=build/${preset}/bin/${binary}
[ -x "$exe" ] || { echo "repeat-test: no $exe (build the $preset preset first)" >&2; exit 2; }
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:external_symbolizer_path=/usr/bin/llvm-symbolizer:suppressions=$PWD/tests/tsan-suppressions.txt"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((i = 1; i <= runs; i++)); do
  if ! "$exe" --gtest_filter="$filter" >"$log" 2>&1; then
    cat "$log"
    echo "repeat-test: run $i of $runs failed" >&2
    exit 1
  fi
done
echo "repeat-test: ${binary} ${filter}: ${runs} runs passed (${preset})"
