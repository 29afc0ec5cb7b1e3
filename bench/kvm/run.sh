#!/bin/sh
# Ring-3 integer kernel under -accel kvm vs the same instructions natively.
#
#   BUILD=build bench/kvm/run.sh [ITERS]
#
# The guest is tests/guest/x86/kvm_longmode.asm assembled with -DBENCH
# (no checks) and -DITERS; it runs under -M pc -accel kvm -cpu host.  Its
# time is the run's wall time minus that of a 1-iteration run (boot, the
# ring-0 set-up and exit).  native.c runs the same loop on the host.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
iters=${1:-${ITERS:-500000000}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

cc -O2 -o "$work/native" "$here/native.c"
guest() {
    nasm -f elf32 -I"$root/tests/guest/x86/" -DBENCH -DITERS="$1" -o "$work/g$1.o" \
        "$root/tests/guest/x86/kvm_longmode.asm"
    ld -m elf_i386 -N --no-warn-rwx-segments -T "$root/tests/guest/x86/link.ld" \
        -o "$work/g$1.elf" "$work/g$1.o"
}
guest 1
guest "$iters"

now() { date +%s.%N; }
run_guest() {
    t0=$(now)
    status=0
    "$build/doppel" -M pc -accel kvm -cpu host -no-reboot -nographic -serial null \
        -kernel "$work/g$1.elf" >/dev/null 2>&1 || status=$?
    t1=$(now)
    if [ "$status" != 1 ]; then
        echo "doppel exited with $status (needs /dev/kvm and long mode)" >&2
        exit 1
    fi
    echo "$t1 - $t0" | bc -l
}
base=$(run_guest 1)
full=$(run_guest "$iters")
guest_s=$(echo "$full - $base" | bc -l)
native_s=$("$work/native" "$iters" | cut -d' ' -f1)
printf 'iterations      %s (13 instructions each)\n' "$iters"
printf 'native          %.3f s\n' "$native_s"
printf 'guest (kvm)     %.3f s   (run %.3f s - start-up %.3f s)\n' "$guest_s" "$full" "$base"
printf 'guest / native  %.3f\n' "$(echo "$guest_s / $native_s" | bc -l)"
