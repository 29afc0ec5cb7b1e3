#!/usr/bin/env bash
# Set up, build (Release) and boot the default demo guest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDOPPEL_TESTS=OFF >/dev/null
cmake --build build --target doppel s370-guests -j2
# With no arguments: IPL the S/370 demo deck (roms/s370/demo.S) and talk
# on its 3215 console.  "linux": boot Debian's i386 kernel on -M pc to a
# busybox shell (fetched by tests/linux/prepare-i386.sh; 'poweroff -f'
# ends it).  Otherwise run doppel with the given arguments.
if [ $# -eq 0 ]; then
  exec build/doppel -M s370 -nographic -kernel build/guest/s370/s370-demo.deck
fi
if [ "$1" = linux ]; then
  G=build-guests/linux-i386
  bash tests/linux/prepare-i386.sh "$G"
  exec build/doppel -M pc -m 256 -nographic -kernel "$G/vmlinuz" -initrd "$G/initrd.gz" \
    -append "console=ttyS0 quiet doppel.test=shell"
fi
exec build/doppel "$@"
