#!/bin/bash
# Side-by-side S/370 benchmark: the kernels in bench/s370/*.S on doppel
# (-M s370, -accel interp and jit by default) and on Hercules, same IPL deck.
#
#   bench/s370/run.sh [kernel...]          (default: every kernel)
#
# Environment:
#   BUILD=dir       doppel build with doppel and s370-mkdeck (default: build;
#                   use a Release build for meaningful figures)
#   ITERS=n         loop iterations of the timed run (default: each kernel's
#                   "iterations" figure, a few seconds per run)
#   ACCELS="a b"    doppel accelerators to time (default "interp jit")
#   HERCULES=path   hercules binary (default: hercules on PATH; "none" skips it)
#   JIT_SCALE=n     jit runs do n times the iterations (default 10), so
#                   that the compiled loop runs long against the noise
#   REPEAT=n        time each run n times and keep the fastest (default 1;
#                   3 or more on a shared machine)
#   WARMUP=1        also print how long the jit ran before its first region
#                   was installed, and the total compile time (-d jit)
#
# Each kernel is a loop whose instruction count per iteration is stated in
# its source ("bench: per-iteration N, iterations I").  Each emulator runs
# the deck twice, with I and with 2I iterations; the difference of the two
# wall-clock times is that of I iterations in the steady state: start-up,
# IPL, shutdown and the JIT's warm-up (the interpreter runs the loop until
# its region is compiled) cancel out.  MIPS = N * I / that difference /
# 10^6.  With -d jit, doppel's summary on stderr gives the warm-up itself
# ("first region after"); WARMUP=1 prints it for each jit run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
accels=${ACCELS:-interp jit}
jit_scale=${JIT_SCALE:-10}
hercules=${HERCULES:-hercules}
doppel=$build/doppel
mkdeck=$build/s370-mkdeck

for tool in "$doppel" "$mkdeck"; do
    [ -x "$tool" ] || { echo "run.sh: $tool not built (ninja -C $build doppel s370-mkdeck)" >&2; exit 1; }
done
for tool in s390x-linux-gnu-gcc s390x-linux-gnu-ld s390x-linux-gnu-objcopy; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool missing (apt-get install gcc-s390x-linux-gnu)" >&2; exit 1; }
done
if [ "$hercules" != none ] && ! command -v "$hercules" >/dev/null; then
    echo "run.sh: $hercules not found; timing doppel only" >&2
    hercules=none
fi

work=$(mktemp -d /tmp/s370-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(reg storage decimal hfp mixed)

# deck KERNEL ITERS -> path of the IPL deck
deck() {
    local k=$1 n=$2 out=$work/$1.$2
    s390x-linux-gnu-gcc -m31 -march=z900 -DS370=1 -DITERS="$n" -I"$root/tests/guest/s370" \
        -c "$here/$k.S" -o "$out.o"
    s390x-linux-gnu-ld -m elf_s390 -nostdlib -e _start -Ttext=0x400 -N "$out.o" -o "$out.elf" \
        2>/dev/null
    s390x-linux-gnu-objcopy -O binary "$out.elf" "$out.bin"
    "$mkdeck" -a 400 -p 0008000000000000 "$out.bin" "$out.deck"
    echo "$out.deck"
}

now() { date +%s.%N; }

# time_doppel ACCEL DECK -> seconds
time_doppel() {
    local t0 t1 status=0
    local log=()
    [ "${WARMUP:-0}" = 1 ] && [ "${1%%,*}" = jit ] && log=(-d jit)
    t0=$(now)
    "$doppel" -M s370 -accel "$1" "${log[@]}" -nographic -serial null -kernel "$2" </dev/null \
        >"$work/doppel.out" 2>&1 || status=$?
    t1=$(now)
    if [ ${#log[@]} -gt 0 ]; then
        awk '/^first region after/ { sub(/^first region after */, ""); f = $0 }
             /^compile time/ { sub(/^compile time */, ""); c = $0 }
             END { if (f != "") printf "first region after %s; compile %s\n", f, c }' \
            "$work/doppel.out" >"$work/warmup"
    fi
    if [ $status -ne 0 ]; then
        echo "run.sh: doppel -accel $1 on $2 ended with status $status:" >&2
        cat "$work/doppel.out" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }'
}

# time_hercules DECK -> seconds (quits at the disabled wait, HHCCP011I)
time_hercules() {
    local t0 t1
    printf 'MAINSIZE 16\nARCHMODE S/370\nNUMCPU 1\nCNSLPORT 0\nOSTAILOR QUIET\n000C 3505 %s ebcdic eof\n' \
        "$1" >"$work/h.cnf"
    printf 'hao tgt HHCCP011I\nhao cmd quit\nipl 00C\n' >"$work/h.rc"
    t0=$(now)
    (cd "$work" && HERCULES_RC=h.rc timeout 600 "$hercules" -f h.cnf -d </dev/null >h.log 2>&1) || true
    t1=$(now)
    # With OSTAILOR QUIET the only PSW= line is the wait's (HHCCP011I).
    if ! grep -q 'PSW=000A0000 00000000' "$work/h.log"; then
        echo "run.sh: Hercules did not end $1 with the wait code 0:" >&2
        tail "$work/h.log" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }'
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

# rate PER_ITER ITERS T_2I T_I -> "seconds MIPS" (of ITERS iterations)
rate() {
    awk -v per="$1" -v n="$2" -v t="$3" -v b="$4" 'BEGIN {
        d = t - b; if (d <= 0) d = 1e-9
        printf "%8.3f %9.1f", d, per * n / d / 1e6 }'
}

printf 'S/370 kernels: seconds and MIPS of iter iterations in the steady state (jit: %s times iter)\n' "$jit_scale"
printf '%-8s %6s %9s' kernel insn/it iter
for a in $accels; do printf ' | %-18s' "doppel $a"; done
if [ "$hercules" != none ]; then
    printf ' | %-18s' hercules
    for a in $accels; do printf ' | %-8s' "$a/herc"; done
fi
printf '\n'
for k in "${kernels[@]}"; do
    per=$(sed -n 's/.*bench: per-iteration \([0-9]*\).*/\1/p' "$here/$k.S")
    iters=${ITERS:-$(sed -n 's/.*bench: .*iterations \([0-9]*\).*/\1/p' "$here/$k.S")}
    if [ -z "$per" ] || [ -z "$iters" ]; then
        echo "run.sh: $k.S states no \"bench: per-iteration N, iterations I\"" >&2
        exit 1
    fi
    full=$(deck "$k" $((2 * iters)))
    base=$(deck "$k" "$iters")
    printf '%-8s %6s %9s' "$k" "$per" "$iters"
    mips=()
    for a in $accels; do
        n=$iters
        [ "${a%%,*}" = jit ] && n=$((iters * jit_scale))
        r=$(rate "$per" "$n" "$(fastest time_doppel "$a" "$(deck "$k" $((2 * n)))")" \
            "$(fastest time_doppel "$a" "$(deck "$k" "$n")")")
        printf ' | %s' "$r"
        mips+=("$(echo "$r" | awk '{ print $2 }')")
    done
    if [ "$hercules" != none ]; then
        r=$(rate "$per" "$iters" "$(fastest time_hercules "$full")" \
            "$(fastest time_hercules "$base")")
        printf ' | %s' "$r"
        h=$(echo "$r" | awk '{ print $2 }')
        for m in "${mips[@]}"; do
            awk -v d="$m" -v h="$h" 'BEGIN { printf " | %7.2fx", d / h }'
        done
    fi
    printf '\n'
    if [ "${WARMUP:-0}" = 1 ] && [ -s "$work/warmup" ]; then
        printf '%-8s   jit warm-up (2I run): %s\n' "" "$(cat "$work/warmup")"
        rm -f "$work/warmup"
    fi
done
