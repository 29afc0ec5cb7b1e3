#!/usr/bin/env bash
# Set up, build (Release) and boot the default demo guest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDOPPEL_TESTS=OFF >/dev/null
cmake --build build --target doppel s370-guests -j2
# With no arguments: IPL the S/370 demo deck (roms/s370/demo.S) and talk
# on its 3215 console; otherwise run doppel with the given arguments.
if [ $# -eq 0 ]; then
  exec build/doppel -M s370 -nographic -kernel build/guest/s370/s370-demo.deck
fi
exec build/doppel "$@"
