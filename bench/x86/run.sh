#!/bin/bash
# Side-by-side x86 benchmark: the freestanding C kernels in bench/x86/*.c,
# built with gcc -m32 as Multiboot ELF programs, on doppel (-M pc, -accel
# interp and jit by default) and on qemu-system-i386 (TCG), same binary.
#
#   bench/x86/run.sh [kernel...]          (default: every kernel)
#
# Environment:
#   BUILD=dir       doppel build (default: build; use a Release build)
#   ITERS=n         iterations of the base run (default: each kernel's
#                   "iterations" figure)
#   ACCELS="a b"    doppel accelerators to time (default "interp jit")
#   QEMU=path       qemu-system-i386 (default: on PATH; "none" skips it)
#   JIT_SCALE=n     jit and QEMU runs do n times the iterations (default 10),
#                   so that compiled code runs long against the noise
#   REPEAT=n        time each run n times and keep the fastest (default 1)
#   DOPPEL_ARGS=".." more doppel options for every doppel run (e.g.
#                   "-icount shift=3" to time exact instruction counting)
#
# Each kernel runs twice, with I and 2I iterations; the difference of the
# wall-clock times is that of I iterations in the steady state (start-up,
# firmware, loading and the JIT's warm-up cancel out).  The guest
# instruction count of those I iterations is the difference of doppel's
# counts of the two runs ("-d jit" prints it at exit: every instruction
# executed, a REP string instruction counting once per block that runs
# it).  MIPS = instructions / seconds / 10^6, the same count for every
# emulator.  Every run must print the same checksum line, so the table is
# also a differential check of the three.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
accels=${ACCELS:-interp jit}
jit_scale=${JIT_SCALE:-10}
qemu=${QEMU:-qemu-system-i386}
doppel=$build/doppel

[ -x "$doppel" ] || { echo "run.sh: $doppel not built (ninja -C $build doppel)" >&2; exit 1; }
command -v gcc >/dev/null || { echo "run.sh: gcc missing" >&2; exit 1; }
if [ "$qemu" != none ] && ! command -v "$qemu" >/dev/null; then
    echo "run.sh: $qemu not found (apt-get install qemu-system-x86); timing doppel only" >&2
    qemu=none
fi

work=$(mktemp -d /tmp/x86-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(int branch mem x87 sse mixed)

# cflags KERNEL -> the kernel's code generation flags
cflags() {
    case $1 in
    x87) echo "-march=pentium3 -mfpmath=387 -mno-sse" ;;
    sse) echo "-march=pentium4 -msse2 -mfpmath=sse" ;;
    *) echo "-march=i686" ;;
    esac
}

# source_of KERNEL -> its source file's name (x87 and sse share fp.c)
source_of() {
    case $1 in
    x87 | sse) echo fp ;;
    *) echo "$1" ;;
    esac
}

# kernel KERNEL ITERS -> path of the ELF
kernel() {
    local k=$1 n=$2 out=$work/$1.$2
    if [ ! -f "$out.elf" ]; then
        # shellcheck disable=SC2046
        gcc -m32 -O2 -ffreestanding -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables \
            $(cflags "$k") -DITERS="$n" -c "$here/$(source_of "$k").c" -o "$out.o"
        gcc -m32 -c "$here/crt0.S" -o "$work/crt0.o"
        # No libgcc: the kernels avoid 64-bit division and conversions, so
        # that gcc's 32-bit multilib (which Debian will not install beside
        # the s390x cross compiler) is not needed.
        ld -m elf_i386 -nostdlib --no-warn-rwx-segments -T "$here/bench.ld" "$work/crt0.o" \
            "$out.o" -o "$out.elf"
    fi
    echo "$out.elf"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

# check_output FILE WHO: the run printed the kernel's checksum line
check_output() {
    local sum
    sum=$(grep -a -o '[a-z0-9]* checksum [0-9a-f]*' "$1" | head -1 || true)
    if [ -z "$sum" ]; then
        echo "run.sh: $2 printed no checksum:" >&2
        tail -5 "$1" >&2
        exit 1
    fi
    echo "$sum"
}

# time_doppel ACCEL ELF -> seconds; leaves the output in $work/doppel.out
time_doppel() {
    local t0 t1 status=0
    t0=$(now)
    # shellcheck disable=SC2086
    "$doppel" -M pc -accel "$1" -d jit -nographic ${DOPPEL_ARGS:-} -kernel "$2" </dev/null \
        >"$work/doppel.out" 2>&1 || status=$?
    t1=$(now)
    # isa-debug-exit: main returned 0, written as 0, exits with (0 << 1) | 1.
    if [ $status -ne 1 ]; then
        echo "run.sh: doppel -accel $1 on $2 ended with status $status:" >&2
        tail -20 "$work/doppel.out" >&2
        exit 1
    fi
    elapsed "$t0" "$t1"
}

# count_doppel ELF -> guest instructions executed (doppel's own count)
count_doppel() {
    "$doppel" -M pc -accel jit -d jit -nographic -kernel "$1" </dev/null >"$work/count.out" 2>&1 || true
    awk '/^cpu 0 / { print $3; exit }' "$work/count.out"
}

# time_qemu ELF -> seconds
time_qemu() {
    local t0 t1 status=0
    t0=$(now)
    "$qemu" -M pc -accel tcg -display none -serial stdio -monitor none -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$1" </dev/null \
        >"$work/qemu.out" 2>&1 || status=$?
    t1=$(now)
    if [ $status -ne 1 ]; then
        echo "run.sh: $qemu on $1 ended with status $status:" >&2
        tail -5 "$work/qemu.out" >&2
        exit 1
    fi
    elapsed "$t0" "$t1"
}

# fastest CMD ARGS... -> the smallest of REPEAT timings
fastest() {
    local best="" t
    for _ in $(seq "${REPEAT:-1}"); do
        t=$("$@")
        best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
    done
    echo "$best"
}

# rate INSNS T_2I T_I -> "seconds MIPS"
rate() {
    awk -v n="$1" -v t="$2" -v b="$3" 'BEGIN {
        d = t - b; if (d <= 0) d = 1e-9
        printf "%8.3f %8.1f", d, n / d / 1e6 }'
}

printf 'x86 kernels: seconds and MIPS in the steady state (jit and qemu: %s times iter)\n' \
    "$jit_scale"
printf '%-7s %6s %12s' kernel iter insn/iter
for a in $accels; do printf ' | %-17s' "doppel $a"; done
if [ "$qemu" != none ]; then
    printf ' | %-17s' "qemu tcg"
    for a in $accels; do printf ' | %-9s' "$a/qemu"; done
fi
printf '\n'
for k in "${kernels[@]}"; do
    iters=${ITERS:-$(sed -n 's/.*bench: .*iterations \([0-9]*\).*/\1/p' "$here/$(source_of "$k").c")}
    [ -n "$iters" ] || { echo "run.sh: $k.c states no \"bench: ..., iterations I\"" >&2; exit 1; }
    # Instructions per iteration, from doppel's counts of the I and 2I runs.
    c1=$(count_doppel "$(kernel "$k" "$iters")")
    c2=$(count_doppel "$(kernel "$k" $((2 * iters)))")
    if [ -z "$c1" ] || [ -z "$c2" ]; then
        echo "run.sh: doppel gave no instruction count for $k:" >&2
        tail -5 "$work/count.out" >&2
        exit 1
    fi
    per=$(awk -v a="$c1" -v b="$c2" -v n="$iters" 'BEGIN { printf "%.0f", (b - a) / n }')
    printf '%-7s %6s %12s' "$k" "$iters" "$per"
    mips=()
    declare -A sums=()
    for a in $accels; do
        n=$iters
        [ "${a%%,*}" = jit ] && n=$((iters * jit_scale))
        t2=$(fastest time_doppel "$a" "$(kernel "$k" $((2 * n)))")
        t1=$(fastest time_doppel "$a" "$(kernel "$k" "$n")")
        sum=$(check_output "$work/doppel.out" "doppel -accel $a")
        r=$(rate $((per * n)) "$t2" "$t1")
        printf ' | %s' "$r"
        mips+=("$(echo "$r" | awk '{ print $2 }')")
        sums[$n]=$sum
    done
    if [ "$qemu" != none ]; then
        n=$((iters * jit_scale))
        t2=$(fastest time_qemu "$(kernel "$k" $((2 * n)))")
        t1=$(fastest time_qemu "$(kernel "$k" "$n")")
        # Same binary, same checksum as doppel's run of n iterations.
        qsum=$(check_output "$work/qemu.out" qemu)
        if [ -z "${sums[$n]:-}" ]; then
            time_doppel jit "$(kernel "$k" "$n")" >/dev/null
            sums[$n]=$(check_output "$work/doppel.out" doppel)
        fi
        if [ "$qsum" != "${sums[$n]}" ]; then
            echo "run.sh: $k: qemu and doppel disagree: $qsum vs ${sums[$n]}" >&2
            exit 1
        fi
        r=$(rate $((per * n)) "$t2" "$t1")
        printf ' | %s' "$r"
        q=$(echo "$r" | awk '{ print $2 }')
        for m in "${mips[@]}"; do
            awk -v d="$m" -v q="$q" 'BEGIN { printf " | %8.2fx", d / q }'
        done
    fi
    printf '\n'
    unset sums
done
