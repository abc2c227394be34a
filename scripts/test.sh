#!/usr/bin/env bash
# Builds grader and runs its tests.
#
#   scripts/test.sh                      build/ and the whole suite
#   scripts/test.sh --sanitize address   AddressSanitizer + UBSan, in build-asan/,
#                                        the whole suite
#   scripts/test.sh --sanitize thread    ThreadSanitizer, in build-tsan/, the
#                                        whole suite, against a CAF built with
#                                        TSan from Debian's source package
#                                        (scripts/build-caf-tsan.sh; cached)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sanitize=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) sanitize=${2:-}; shift 2 ;;
    --sanitize=*) sanitize=${1#*=}; shift ;;
    *) echo "usage: scripts/test.sh [--sanitize address|thread]" >&2; exit 2 ;;
  esac
done

case "$sanitize" in
  "")
    "$root/scripts/bootstrap.sh"
    cd "$root/build"
    ctest --output-on-failure -j "$(nproc)"
    ;;
  address)
    BUILD_DIR="$root/build-asan" BUILD_TYPE=Debug \
      CMAKE_ARGS="-DGRADER_SANITIZE=address" "$root/scripts/bootstrap.sh"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$root/scripts/ubsan.supp"
    cd "$root/build-asan"
    ctest --output-on-failure -j "$(nproc)"
    ;;
  thread)
    # Actor code is only checkable against a CAF built with TSan too.
    caf_prefix=$("$root/scripts/build-caf-tsan.sh")
    BUILD_DIR="$root/build-tsan" BUILD_TYPE=Debug \
      CMAKE_ARGS="-DGRADER_SANITIZE=thread -DCMAKE_PREFIX_PATH=$caf_prefix" \
      "$root/scripts/bootstrap.sh"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/scripts/tsan.supp"
    cd "$root/build-tsan"
    ctest --output-on-failure -j "$(nproc)"
    ;;
  *)
    echo "scripts/test.sh: --sanitize takes 'address' or 'thread'" >&2
    exit 2
    ;;
esac
