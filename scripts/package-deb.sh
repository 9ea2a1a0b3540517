#!/usr/bin/env bash
# Builds candar's Debian package: candar_VERSION_amd64.deb, the library, headers, package config, the candar
# command and the guide under /usr, depending on the -dev packages a contest's build needs (cmake/packaging.cmake).
#   bash scripts/package-deb.sh [OUT_DIR] [--build-dir DIR]     (OUT_DIR default: the current folder)
# then: sudo apt install ./candar_VERSION_amd64.deb; candar new mycontest (find_package needs no prefix hint).
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: bash scripts/package-deb.sh [OUT_DIR] [--build-dir DIR]" >&2; exit 2; }
out_dir=""
build_dir="${XDG_CACHE_HOME:-${HOME}/.cache}/candar/deb-build"
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) [ $# -ge 2 ] && [ -n "$2" ] || usage; build_dir=$2; shift 2 ;;
    -*) usage ;;
    *) [ -z "${out_dir}" ] || usage; out_dir=$1; shift ;;
  esac
done
out_dir=$(mkdir -p "${out_dir:-.}" && cd "${out_dir:-.}" && pwd)

bash "${source_dir}/scripts/build-installable.sh" "${build_dir}"
(cd "${build_dir}" && cpack -G DEB -B "${out_dir}" >/dev/null)
rm -rf "${out_dir}/_CPack_Packages"
ls "${out_dir}"/candar_*.deb
