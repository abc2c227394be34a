#!/usr/bin/env bash
# Checks that every C++ file of the repository is formatted as .clang-format
# says, with Debian's clang-format; lists the files that are not.
#
#   scripts/check-format.sh          check (CI)
#   scripts/check-format.sh --fix    reformat them in place
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/install-packages.sh" clang-format
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
clang-format --dry-run -Werror "${files[@]}"
echo "check-format: ${#files[@]} files formatted as .clang-format says"
