#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and
# runs each for a bounded time. Installs the Debian packages it needs (only
# those missing). Prints one line per target; libFuzzer's log goes to
# build-fuzz/logs/<target>.log.
#
#   scripts/fuzz.sh                  every target, 60 s each
#   scripts/fuzz.sh 300 url          only url, 300 s
#
# A crash, a leak, a timeout or running out of memory fails the run: the
# input is copied to tests/fuzz_regressions/<target>/<sha1>, where the test
# suite replays it from then on. Commit it with the fix. Inputs fuzzing
# adds go to build-fuzz/corpus/<target>/ and are kept between runs; the
# seeds in fuzz/corpus/ are only read.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-fuzz}
all_targets=(batch_reader journal_reader llm_reply url http_response
             judge_handler)

seconds=${1:-60}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  echo "targets: ${all_targets[*]}" >&2
  exit 2
fi
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  if [ ! -f "$root/fuzz/${t}_fuzz.cpp" ]; then
    echo "scripts/fuzz.sh: no fuzz target '$t' (targets: ${all_targets[*]})" >&2
    exit 2
  fi
done

# libclang-rt-14-dev holds libFuzzer and clang's sanitizer runtimes.
packages=(
  clang libclang-rt-14-dev cmake ninja-build pkg-config
  libcaf-dev libboost-dev libboost-system-dev
  nlohmann-json3-dev libssl-dev libutf8proc-dev
)
"$root/scripts/install-packages.sh" "${packages[@]}"

# Only the libraries and the fuzz executables. -O1 -g without NDEBUG:
# assertions stay on, stacks stay readable.
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DGRADER_BUILD_FUZZERS=ON -DGRADER_BUILD_APPS=OFF -DGRADER_BUILD_TESTS=OFF \
    "${launcher[@]}" >/dev/null
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=("${t}_fuzz"); done
if ! cmake --build "$build_dir" -j "${JOBS:-$(nproc)}" \
     --target "${build_targets[@]}" >"$build_dir/build.log" 2>&1; then
  tail -n 40 "$build_dir/build.log" >&2
  echo "fuzz: build failed (log: $build_dir/build.log)" >&2
  exit 1
fi

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$root/scripts/ubsan.supp"

# The longest input worth trying, per target: a URL is short; the others
# read documents, replies and responses.
max_len() {
  case "$1" in
    url) echo 4096 ;;
    *) echo 65536 ;;
  esac
}

# "key: value" from libFuzzer's final stats.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

failed=0
for t in "${targets[@]}"; do
  corpus=$build_dir/corpus/$t
  artifacts=$build_dir/artifacts/$t
  log=$build_dir/logs/$t.log
  regressions=$root/tests/fuzz_regressions/$t
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")" "$regressions"
  rm -f "$artifacts"/*
  # New inputs go to the first directory only; the seeds and the
  # regressions are read, never written.
  status=0
  "$build_dir/fuzz/${t}_fuzz" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$(max_len "$t")" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" \
    "$corpus" "$root/fuzz/corpus/$t" "$regressions" >"$log" 2>&1 || status=$?

  runs=$(stat number_of_executed_units "$log")
  rate=$(stat average_exec_per_sec "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  size=$(find "$corpus" -type f | wc -l)

  artifact=$(find "$artifacts" -type f \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
    | head -n 1)
  if [ "$status" -eq 0 ] && [ -z "$artifact" ]; then
    printf 'fuzz: %-15s ok      %9s runs (%s/s)  cov %s  ft %s  corpus %s\n' \
      "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$size"
    continue
  fi

  failed=1
  kind=failure
  [ -n "$artifact" ] && kind=$(basename "$artifact" | cut -d- -f1)
  printf 'fuzz: %-15s FAILED  %s after %s runs (log: %s)\n' \
    "$t" "$kind" "${runs:-?}" "$log"
  # The report, from its first line: libFuzzer's progress lines before it
  # say nothing about the fault.
  first=$(grep -n -m 1 -E '==[0-9]+==ERROR|runtime error:|ALARM:|out-of-memory|deadly signal' \
    "$log" | cut -d: -f1 || true)
  if [ -n "$first" ]; then
    tail -n "+$first" "$log" | grep -v '^stat::' | head -n 40 | sed 's/^/  | /'
  else
    tail -n 20 "$log" | sed 's/^/  | /'
  fi
  if [ -n "$artifact" ]; then
    kept=$regressions/$(sha1sum "$artifact" | cut -d' ' -f1)
    cp "$artifact" "$kept"
    echo "fuzz: input kept as ${kept#"$root"/} (commit it with the fix)"
    echo "fuzz: reproduce: ${build_dir#"$root"/}/fuzz/${t}_fuzz ${kept#"$root"/}"
    echo "fuzz:   or, in the normal build: build/fuzz/${t}_replay ${kept#"$root"/}"
  fi
done
exit "$failed"
