#!/usr/bin/env bash
# clang-tidy over the library's sources (framework/src) with the checks of .clang-tidy, which the code passes:
# any finding fails. Not part of scripts/test.sh: it takes about 10 minutes of 2 cores. `scripts/tidy.sh FILE...`
# checks only those files. It reads the debug preset's compile database (and builds it first, for the
# precompiled headers the commands name): clang-tidy 16 is clang 16's, so it reads them.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh tidy
cmake --preset debug >/dev/null
cmake --build --preset debug -j "$(nproc)" >/dev/null

if (($# > 0)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'framework/src/*.cpp')
fi
# -quiet: the findings only; each file's output comes whole, so parallel runs do not interleave.
run-clang-tidy-16 -clang-tidy-binary /usr/bin/clang-tidy-16 -quiet -p build/debug -j "$(nproc)" "${files[@]/#/$PWD/}"
