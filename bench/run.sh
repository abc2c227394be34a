#!/usr/bin/env bash
# Times `grader score` on generated batches, parallel against the
# --sequential baseline, and prints a Markdown table row per batch size.
#
#   bench/run.sh [SIZE...]     default sizes: 50 1000 10000 100000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/bootstrap.sh" >/dev/null
grader="$root/build/apps/grader"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 1000 10000 100000)

# Best wall time of three runs, in milliseconds.
best_ms() {
  local best=""
  for _ in 1 2 3; do
    local start end ms
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}

echo "| answers | parallel (ms) | sequential (ms) | answers/s parallel |"
echo "|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  python3 "$root/bench/make_batch.py" "$n" > "$work/batch.json"
  parallel=$(best_ms "$grader" score --quiet "$work/batch.json" -o "$work/out.json")
  sequential=$(best_ms "$grader" score --quiet --sequential "$work/batch.json" -o "$work/out.json")
  rate=$(( n * 1000 / (parallel > 0 ? parallel : 1) ))
  echo "| $n | $parallel | $sequential | $rate |"
done
