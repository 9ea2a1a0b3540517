#!/usr/bin/env bash
# Configures candar twice, as a plain `cmake -S . -B build` would and with CANDAR_WARNINGS_AS_ERRORS=ON (as the
# presets do), and reads the compile commands: -Werror only in the second. Only the library is configured, so
# this takes seconds.
# usage: warnings_as_errors.sh SOURCE_DIR WORK_DIR
set -euo pipefail
source_dir=$1
work_dir=$2
rm -rf "${work_dir}"
mkdir -p "${work_dir}"

configure() {
  local out=$1; shift
  cmake -S "${source_dir}" -B "${out}" -G Ninja -DCANDAR_BUILD_TESTS=OFF -DCANDAR_BUILD_BENCH=OFF \
    -DCANDAR_BUILD_SAMPLES=OFF -DCANDAR_BUILD_CLI=OFF -DCANDAR_INSTALL=OFF "$@" >"${out}.log" 2>&1 \
    || { echo "FAIL: configure $*"; cat "${out}.log"; exit 1; }
  [[ -s "${out}/compile_commands.json" ]] || { echo "FAIL: no compile_commands.json in ${out}"; exit 1; }
}

configure "${work_dir}/plain"
configure "${work_dir}/asked" -DCANDAR_WARNINGS_AS_ERRORS=ON

plain=$(grep -c -- '-Werror' "${work_dir}/plain/compile_commands.json" || true)
asked=$(grep -c -- '-Werror' "${work_dir}/asked/compile_commands.json" || true)
sources=$(grep -c '"file"' "${work_dir}/asked/compile_commands.json")
echo "compile commands with -Werror: plain ${plain}, asked ${asked} (of ${sources})"
if [[ "${plain}" -ne 0 ]]; then echo "FAIL: a plain configure makes warnings errors"; exit 1; fi
if [[ "${asked}" -ne "${sources}" ]]; then echo "FAIL: CANDAR_WARNINGS_AS_ERRORS=ON left some sources without -Werror"; exit 1; fi
echo PASS
