#!/usr/bin/env bash
# Times `grader score` against `grader judge` over 127.0.0.1: N short answers,
# each needing two LLM calls (score, explanation), with the judge answering
# every call after LATENCY ms.
#
#   bench/llm_bench.sh [N] [LATENCY_MS]      default: 50 answers, 300 ms
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-50}
latency=${2:-300}
"$root/scripts/bootstrap.sh" >/dev/null
grader="$root/build/apps/grader"
work=$(mktemp -d)
judge_pid=""
cleanup() {
  [ -n "$judge_pid" ] && kill "$judge_pid" 2>/dev/null && wait "$judge_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$grader" judge --port 0 --port-file "$work/port" --latency-ms "$latency" \
  2>/dev/null &
judge_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
python3 "$root/bench/make_batch.py" "$count" short_answer > "$work/batch.json"

best=""
for run in 1 2 3; do
  start=$(date +%s%N)
  "$grader" score --llm-url "http://127.0.0.1:$port/v1" "$work/batch.json" \
    -o "$work/out.json" --quiet
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  calls=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['metrics']; print(m['llm_calls'])" "$work/out.json")
  echo "run $run: $ms ms wall, $calls LLM calls"
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
echo "best: $count short answers, judge latency ${latency} ms: $best ms"
