#!/usr/bin/env bash
# Builds grader if needed and runs `grader bench`: every scenario (or those
# given), the Markdown table on stdout, every figure in bench/latest.json
# and the plot in bench/latest.png (when gnuplot is installed).
#
#   bench/run.sh                       all scenarios, a few minutes
#   bench/run.sh --quick               a tenth of the sizes, seconds
#   bench/run.sh --scenarios short-1k,fairness
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
BUILD_DIR=$build_dir "$root/scripts/bootstrap.sh" >/dev/null
exec "$build_dir/apps/grader" bench --json "$root/bench/latest.json" \
  --plot "$root/bench/latest.png" "$@"
