#!/usr/bin/env bash
# Build the libFuzzer targets in tests/fuzz/ with Debian's clang and run
# each briefly (blueprint §12): the gdb packet parser and the QMP session
# (JSON parsing and dispatch).  A crash, leak or sanitizer report fails.
#   bash scripts/fuzz.sh [seconds-per-target]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-20}
OUT=build-fuzz
mkdir -p "$OUT"
CFLAGS=(-std=gnu17 -g -O1 -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
  -Wall -Wextra -Wno-unused-parameter -Werror)

# name | sources | libraries
TARGETS=(
  "fuzz_gdb_packet|tests/fuzz/fuzz_gdb_packet.c core/gdb_packet.c|"
  "fuzz_qmp|tests/fuzz/fuzz_qmp.c core/qmp_session.c|-ljansson"
)

for t in "${TARGETS[@]}"; do
  IFS='|' read -r name sources libs <<<"$t"
  echo "== fuzz: $name (${SECONDS_PER_TARGET}s)"
  # shellcheck disable=SC2086
  clang "${CFLAGS[@]}" $sources -o "$OUT/$name" $libs
  corpus="$OUT/$name-corpus"
  mkdir -p "$corpus"
  seeds="tests/fuzz/${name#fuzz_}-seeds"
  # shellcheck disable=SC2086
  "$OUT/$name" -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=1024 \
    -print_final_stats=1 "$corpus" $([ -d "$seeds" ] && echo "$seeds") 2>&1 | tail -n 12
done
echo "== fuzz: all targets ran clean"
