#!/usr/bin/env bash
# Installs candar for contest authors: headers, libcandar.a, the candar command, the package config
# (PREFIX/lib/cmake/candar: find_package(candar)) and the guide (PREFIX/share/doc/candar).
#   bash scripts/install.sh PREFIX [--build-dir DIR]     e.g. ~/.local/candar, or /usr/local (as root)
# Built by scripts/build-installable.sh in DIR (default ~/.cache/candar/install-build; a second install reuses
# it). For a Debian package instead: scripts/package-deb.sh.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: bash scripts/install.sh PREFIX [--build-dir DIR]" >&2; exit 2; }
prefix=""
build_dir="${XDG_CACHE_HOME:-${HOME}/.cache}/candar/install-build"
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) [ $# -ge 2 ] && [ -n "$2" ] || usage; build_dir=$2; shift 2 ;;
    -*) usage ;;
    *) [ -z "${prefix}" ] && [ -n "$1" ] || usage; prefix=$1; shift ;;
  esac
done
[ -n "${prefix}" ] || usage

bash "${source_dir}/scripts/build-installable.sh" "${build_dir}" -DCMAKE_INSTALL_PREFIX="${prefix}"
cmake --install "${build_dir}" >/dev/null
echo "installed candar $("${prefix}/bin/candar" --version | cut -d' ' -f2) to ${prefix} (built in ${build_dir})"
echo "next: export CANDAR_PREFIX=${prefix}; ${prefix}/bin/candar new mycontest"
