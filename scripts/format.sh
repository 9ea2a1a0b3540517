#!/usr/bin/env bash
# The house layout (.clang-format, clang-format 16): `scripts/format.sh` formats every C++ file of the tree,
# `scripts/format.sh --check` lists the files it would change and fails if there are any (scripts/test.sh runs
# it). Folders whose code the docs quote word for word opt out with a .clang-format of their own; CMake's
# templates (*.in) are not C++ until configured.
set -euo pipefail
cd "$(dirname "$0")/.."

format=clang-format-16
command -v "${format}" >/dev/null || { echo "format: ${format} is missing (bash scripts/setup.sh test)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' | grep -v '^third_party/')

if [[ "${1:-}" != "--check" ]]; then
  "${format}" -i "${files[@]}"
  exit 0
fi
unformatted=()
for file in "${files[@]}"; do
  "${format}" --dry-run -Werror "${file}" 2>/dev/null || unformatted+=("${file}")
done
if ((${#unformatted[@]} > 0)); then
  echo "format: not in the house layout (bash scripts/format.sh formats them):" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files in the house layout"
