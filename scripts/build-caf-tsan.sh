#!/usr/bin/env bash
# Builds CAF 0.17.6 with ThreadSanitizer from Debian's own source package and
# installs it into a cache folder, so that scripts/test.sh --sanitize thread
# can check actor code: Debian's libcaf is not instrumented, and TSan then
# drowns every actor in false reports (docs in shared caf-0.17.md §12).
#
#   scripts/build-caf-tsan.sh            prints the install prefix
#
# The build takes several minutes on 2 cores; its result is kept in
# GRADER_CACHE_DIR (default /var/cache/grader) and reused while the version,
# the compiler and the flags stay the same. Only Debian's source package is
# downloaded: its .dsc and the upstream .orig tarball, checked against the
# SHA-256 the .dsc lists. Debian's packaging tarball is not needed (CAF's
# own CMake build with Debian's settings: log level QUIET, shared libraries).
set -euo pipefail

version=0.17.6
cache=${GRADER_CACHE_DIR:-/var/cache/grader}
flags="-fsanitize=thread -O1 -g -fno-omit-frame-pointer"
compiler=$(g++ -dumpfullversion)
stamp="caf $version | g++ $compiler | $flags"
prefix=$cache/caf-$version-tsan

if [ -f "$prefix/.stamp" ] && [ "$(cat "$prefix/.stamp")" = "$stamp" ]; then
  echo "$prefix"
  exit 0
fi

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

# apt-get source needs a deb-src entry for the release the system runs.
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "build-caf-tsan: adding a deb-src entry for $codename" >&2
  $sudo tee /etc/apt/sources.list.d/grader-deb-src.sources >/dev/null <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  $sudo apt-get update -qq
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# The packaging tarball may be gone from the mirror while the .dsc and the
# upstream tarball remain, so apt's exit code alone says little: the checksum
# below decides.
apt-get source --download-only actor-framework >apt.log 2>&1 || true
orig=actor-framework_$version.orig.tar.gz
dsc=$(ls actor-framework_"$version"*.dsc 2>/dev/null | head -n 1 || true)
if [ ! -f "$orig" ] || [ -z "$dsc" ]; then
  echo "build-caf-tsan: could not fetch Debian's source of actor-framework $version:" >&2
  cat apt.log >&2
  exit 1
fi
expected=$(awk -v f="$orig" '/^Checksums-Sha256:/ {s=1; next} /^[^ ]/ {s=0} s && $3 == f {print $1}' "$dsc")
actual=$(sha256sum "$orig" | cut -d' ' -f1)
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  echo "build-caf-tsan: $orig does not match the SHA-256 in $dsc" >&2
  exit 1
fi

tar xzf "$orig"
# With g++ 12's headers this file no longer gets <limits> by the way.
sed -i 's|^#include <cstddef>$|#include <cstddef>\n#include <limits>|' \
  "actor-framework-$version/libcaf_io/caf/io/network/receive_buffer.hpp"
echo "build-caf-tsan: building CAF $version with ThreadSanitizer (several minutes)" >&2
cmake -S "actor-framework-$version" -B build -G Ninja \
  -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" \
  -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCAF_LOG_LEVEL=QUIET \
  -DCAF_NO_EXAMPLES=yes -DCAF_NO_UNIT_TESTS=yes -DCAF_NO_TOOLS=yes \
  -DCAF_NO_PYTHON=yes -DCAF_NO_OPENCL=yes -DCAF_NO_SUMMARY=yes \
  -DCAF_NO_COMPILER_CHECK=yes >cmake.log 2>&1 || { cat cmake.log >&2; exit 1; }
cmake --build build -j "${JOBS:-$(nproc)}" >build.log 2>&1 || { tail -50 build.log >&2; exit 1; }
$sudo rm -rf "$prefix"
$sudo cmake --install build >/dev/null
echo "$stamp" | $sudo tee "$prefix/.stamp" >/dev/null
echo "$prefix"
