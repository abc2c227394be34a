#!/usr/bin/env bash
# Builds grader if needed, then scores examples/mixed.json and prints the
# batch result.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/bootstrap.sh" >&2
exec "$root/build/apps/grader" score "$root/examples/mixed.json" "$@"
