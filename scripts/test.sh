#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: the layout check (scripts/format.sh), the debug build with AddressSanitizer +
# UndefinedBehaviorSanitizer, then the ThreadSanitizer build, each through ctest, then candar as a package
# (install, find_package, add_subdirectory, the starter contest: scripts/package-test.sh), then each fuzz
# target briefly.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh test

echo "== layout"
bash scripts/format.sh --check

jobs=$(nproc)
for preset in debug tsan; do
  echo "== ${preset}: configure and build"
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}" -j "${jobs}"
  echo "== ${preset}: test"
  # halt_on_error: a sanitizer report fails the test that caused it; reports name functions and lines
  # (Debian's llvm-symbolizer, from setup.sh's test group: clang-16 alone has none on the PATH).
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:external_symbolizer_path=/usr/bin/llvm-symbolizer:suppressions=$PWD/tests/tsan-suppressions.txt" \
    ctest --preset "${preset}" -j "${jobs}"
done

echo "== candar as a package"
bash scripts/package-test.sh

echo "== fuzz targets, briefly (scripts/fuzz.sh SECONDS for longer runs)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-5}"
