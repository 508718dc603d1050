#!/usr/bin/env bash
# Installs what is missing (Debian packages only), then configures and builds
# troupe into build/ (Release). Safe to run again: it skips what is done.
# Arguments name build targets (default: all), e.g. `bash .ci/setup.sh troupe`
# builds the executable without the tests and benchmarks.
#   TROUPE_BUILD_DIR   build folder (default: build)
#   TROUPE_CMAKE_ARGS  extra arguments for cmake (e.g. -DTROUPE_SANITIZE=ON)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build ccache libcaf-dev libfmt-dev libboost-test-dev
          libtomlplusplus-dev libcli11-dev gnuplot-nox zlib1g-dev
          libtorch-dev libopenblas0-openmp dataset-fashion-mnist
          libssl-dev openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

build_dir="${TROUPE_BUILD_DIR:-build}"
echo "== building in $build_dir"
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -G Ninja ${TROUPE_CMAKE_ARGS:-} >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
