#!/usr/bin/env bash
# Installs the Debian packages grader builds and benchmarks with (only those
# missing), then configures and builds into build/. Safe to run again: it
# does nothing that is already done, so a second run takes seconds.
#
#   scripts/bootstrap.sh                 release build in build/
#   BUILD_DIR=dir CMAKE_ARGS="..." scripts/bootstrap.sh   another folder / flags
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}

packages=(
  g++ cmake ninja-build pkg-config
  libcaf-dev libboost-dev libboost-system-dev
  nlohmann-json3-dev catch2 libcli11-dev
  libssl-dev openssl libutf8proc-dev
  gnuplot-nox  # draws the plot of `grader bench --plot`
  iproute2  # ip netns: the test of a node on another host
)

"$root/scripts/install-packages.sh" "${packages[@]}"

# Configure once; later runs only rebuild what changed.
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  # shellcheck disable=SC2086
  cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" ${CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}"
