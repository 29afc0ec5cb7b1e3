#!/usr/bin/env bash
# Time Linux boots on doppel and QEMU side by side, in the same run, on the
# same Debian i386 kernel and busybox initramfs (tests/linux/prepare-i386.sh):
#   direct  -kernel/-initrd: doppel -accel jit vs qemu-system-i386 -accel tcg
#   disk    SeaBIOS + syslinux from an IDE disk (doppel jit vs QEMU TCG)
# Each time is wall-clock seconds from start to the "init reached" marker and
# to the end of the run (the guest powers off).  REPEAT=n runs each n times
# and reports the best.  Usage: BUILD=build bench/pc/boot.sh [direct] [disk]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
DOPPEL="$BUILD/doppel"
REPEAT="${REPEAT:-1}"
G="${GUESTS:-build-guests/linux-i386}"
bash tests/linux/prepare-i386.sh "$G" >/dev/null
[ -x "$DOPPEL" ] || { echo "boot.sh: $DOPPEL not built" >&2; exit 1; }
command -v qemu-system-i386 >/dev/null || { echo "boot.sh: qemu-system-i386 missing" >&2; exit 1; }

now() { date +%s.%N; }
# time_boot CMD...: prints "marker_seconds end_seconds"
time_boot() {
  local t0 tm="" line
  t0=$(now)
  while IFS= read -r line; do
    if [ -z "$tm" ] && [[ "$line" == *"DOPPEL-MARKER: init reached"* ]]; then tm=$(now); fi
  done < <(timeout 600 "$@" </dev/null 2>&1)
  local te
  te=$(now)
  [ -n "$tm" ] || { echo "boot.sh: no marker from: $*" >&2; echo "nan nan"; return; }
  echo "$(echo "$tm - $t0" | bc) $(echo "$te - $t0" | bc)"
}
best() { # REPEAT runs of CMD..., the fastest marker time
  local b="" e="" r
  for _ in $(seq "$REPEAT"); do
    r=$(time_boot "$@")
    set -- "$@"
    local m=${r% *} end=${r#* }
    if [ -z "$b" ] || (( $(echo "$m < $b" | bc) )); then b=$m; e=$end; fi
  done
  echo "$b $e"
}
report() { # name doppel_result qemu_result
  local dm=${2% *} de=${2#* } qm=${3% *} qe=${3#* }
  printf '%-8s doppel %6.2f s (end %6.2f)   qemu %6.2f s (end %6.2f)   qemu/doppel %.2f\n' \
    "$1" "$dm" "$de" "$qm" "$qe" "$(echo "$qm / $dm" | bc -l)"
}
KARGS=(-kernel "$G/vmlinuz" -initrd "$G/initrd.gz" -append "console=ttyS0 panic=-1")
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(direct disk)
for w in "${what[@]}"; do
  case "$w" in
  direct)
    d=$(best "$DOPPEL" -M pc -m 256 -nographic -no-reboot -accel jit "${KARGS[@]}")
    q=$(best qemu-system-i386 -M pc -m 256 -nographic -no-reboot -accel tcg -net none "${KARGS[@]}")
    report direct "$d" "$q" ;;
  disk)
    DISK=(-drive "file=$G/disk.img,format=raw,if=ide,snapshot=on")
    d=$(best "$DOPPEL" -M pc -m 256 -nographic -no-reboot -accel jit "${DISK[@]}")
    q=$(best qemu-system-i386 -M pc -m 256 -nographic -no-reboot -accel tcg -net none "${DISK[@]}")
    report disk "$d" "$q" ;;
  *) echo "boot.sh: unknown boot '$w' (direct, disk)" >&2; exit 1 ;;
  esac
done
