#!/usr/bin/env bash
# Set up, build (Release) and boot the default demo guest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDOPPEL_TESTS=OFF >/dev/null
cmake --build build --target doppel -j2
exec build/doppel "$@"
