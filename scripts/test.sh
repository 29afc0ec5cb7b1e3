#!/usr/bin/env bash
# Set up, build, and run the whole test suite: a Release build with
# warnings as errors, then the same suite under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

run_suite() { # build-dir build-type
  local dir=$1 type=$2
  echo "== $type build ($dir)"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DDOPPEL_WERROR=ON >/dev/null
  cmake --build "$dir" -j2
  echo "== unit tests ($type)"
  # --verbose so skipped tests say so; the per-test RUN/PASS lines are dropped.
  "$dir/doppel-unit" --jobs 2 --verbose 2>&1 | grep -v -E '^\[(RUN |PASS)\]'
}

run_suite build Release
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-sanitize Sanitize
echo "== fuzz targets (libFuzzer, 20 s each)"
bash scripts/fuzz.sh 20
echo "== all test suites passed"
