#!/usr/bin/env bash
# Proves grader embeds as an installed CMake package: installs a build into a
# temporary prefix, builds apps/embed_example against it the way a host
# would (find_package(grader), grader::grader) and runs it, and its remote
# variant against a `grader node`.
#
#   tests/apps/install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: tests/apps/install_test.sh BUILD_DIR SOURCE_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
cache="$build/CMakeCache.txt"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The installed static libraries carry the build's sanitizer instrumentation,
# which exports no flags, so the host must compile and link with the same
# ones, and with the same compiler for the same sanitizer runtime.
sanitize=$(grep '^GRADER_SANITIZE:STRING=' "$cache" | cut -d= -f2- || true)
case "$sanitize" in
  "") flags="" ;;
  address) flags="-fsanitize=address,undefined" ;;
  thread) flags="-fsanitize=thread" ;;
  *) echo "install_test: unknown GRADER_SANITIZE '$sanitize'" >&2; exit 1 ;;
esac
compiler=$(grep '^CMAKE_CXX_COMPILER:' "$cache" | cut -d= -f2-)
# The CAF the build used (a TSan build's own, say) is the one the host needs.
prefixes=$(grep '^CMAKE_PREFIX_PATH:' "$cache" | cut -d= -f2- || true)

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$source/apps/embed_example" -B "$tmp/example" -G Ninja \
  -DCMAKE_PREFIX_PATH="$tmp/prefix${prefixes:+;$prefixes}" \
  -DCMAKE_CXX_COMPILER="$compiler" \
  -DCMAKE_CXX_FLAGS="$flags"
# The package must come from the fresh prefix, not from some other install.
if ! grep -qF "grader_DIR:PATH=$tmp/prefix/" "$tmp/example/CMakeCache.txt"
then
  echo "install_test: the example did not find grader in $tmp/prefix" >&2
  grep '^grader_DIR' "$tmp/example/CMakeCache.txt" >&2 || true
  exit 1
fi
cmake --build "$tmp/example"

"$tmp/example/embed_example" | tee "$tmp/output.txt"
if ! grep -qF "scored 3 answers, 0 failed" "$tmp/output.txt"; then
  echo "install_test: the example did not score all 3 answers" >&2
  exit 1
fi

# The remote example scores on a real `grader node` over 127.0.0.1.
"$build/apps/grader" node --port-file "$tmp/node.port" 2> "$tmp/node.err" &
node=$!
trap 'kill "$node" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do [ -s "$tmp/node.port" ] && break; sleep 0.05; done
"$tmp/example/embed_remote_example" 127.0.0.1 "$(cat "$tmp/node.port")" \
  | tee "$tmp/remote.txt"
if ! grep -qF "scored 3 answers on the node, 0 failed" "$tmp/remote.txt"; then
  echo "install_test: the remote example did not score all 3 answers" >&2
  cat "$tmp/node.err" >&2
  exit 1
fi
