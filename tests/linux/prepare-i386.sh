#!/usr/bin/env bash
# Prepare the real i386 Linux guest the pc tests boot, from Debian's own
# packages, into OUT (default: ./linux-i386):
#   vmlinuz     Debian's linux-image-*-686 kernel (the one linux-image-686 names)
#   initrd.gz   a busybox-static:i386 initramfs whose /init prints a marker,
#               runs the test named by doppel.test= on the kernel command
#               line, and powers off
#   disk.img    a FAT disk (no partition table) with syslinux, the kernel and
#               the initramfs, which SeaBIOS boots from IDE
#   cd.iso      an ISO 9660 CD with isolinux (El Torito, no emulation), the
#               kernel and the initramfs
# Packages come through apt-get download with a private package list
# (APT::Architectures=i386, Dir::State::Lists), unpacked with dpkg -x: the
# host's dpkg is not touched.  Re-running reuses what is already there.
set -euo pipefail
OUT="${1:-linux-i386}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
APT="$OUT/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs"
STAMP="$OUT/.ready-v5"
if [ -f "$STAMP" ]; then exit 0; fi
# Tests run in parallel and each asks for the guest: one prepares it, the
# others wait for it here and then find it ready.
exec 9>"$OUT/.lock"
flock 9
if [ -f "$STAMP" ]; then exit 0; fi

MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
echo "deb $MIRROR bookworm main" > "$APT/sources.list"
APTOPT=(-o APT::Architectures=i386 -o "Dir::State::Lists=$APT/lists"
  -o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::Cache=$APT/cache" -o Debug::NoLocking=1)
retry() {
  for i in 1 2 3; do "$@" && return 0; sleep $((i * 5)); done
  return 1
}
retry apt-get "${APTOPT[@]}" update -qq
KPKG="$(apt-cache "${APTOPT[@]}" depends linux-image-686:i386 |
  sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-686\)\(:i386\)\{0,1\}$/\1/p' | head -1)"
if [ -z "$KPKG" ]; then echo "prepare-i386: cannot resolve linux-image-686" >&2; exit 1; fi
(cd "$APT/debs" && retry apt-get "${APTOPT[@]}" download "$KPKG:i386" busybox-static:i386)
rm -rf "$OUT/root" "$OUT/kernel"
dpkg -x "$APT/debs/$KPKG"_*.deb "$OUT/kernel"
cp "$OUT"/kernel/boot/vmlinuz-* "$OUT/vmlinuz"

# The initramfs: busybox and /init.
R="$OUT/root"
mkdir -p "$R/bin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/etc" "$R/usr/share/udhcpc"
dpkg -x "$APT/debs"/busybox-static_*.deb "$OUT/busybox"
cp "$OUT/busybox/bin/busybox" "$R/bin/busybox"
cat > "$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m.ko 2>/dev/null; done
echo "DOPPEL-MARKER: init reached"
test=""
for arg in $(cat /proc/cmdline); do
  case "$arg" in doppel.test=*) test="${arg#doppel.test=}" ;; esac
done
case "$test" in
disk)
  # The IDE disk the kernel booted from, as Linux sees it.
  echo "DOPPEL-DISK: sda $(cat /sys/block/sda/size 2>/dev/null || echo missing) sectors"
  ;;
cdrom)
  # The ATAPI CD-ROM the kernel booted from: its ISO 9660 volume read back.
  mkdir -p /mnt && mount -t iso9660 -o ro /dev/sr0 /mnt 2>/dev/null &&
    echo "DOPPEL-CDROM: sr0 $(ls /mnt | tr '\n' ' ')"
  ;;
net)
  # DHCP from slirp, then an HTTP request to the test's server on the
  # host's loopback, reached through the gateway 10.0.2.2.
  port=""
  for arg in $(cat /proc/cmdline); do
    case "$arg" in doppel.port=*) port="${arg#doppel.port=}" ;; esac
  done
  ifconfig lo 127.0.0.1 up
  if udhcpc -i eth0 -n -q -t 5 -s /usr/share/udhcpc/default.script; then
    echo "DOPPEL-NET: lease $(ifconfig eth0 | sed -n 's/.*inet addr:\([0-9.]*\).*/\1/p')"
    # (busybox 1.35's wget crashes with -q -T; plain -O - is fine)
    reply="$(wget -O - "http://10.0.2.2:$port/from-the-guest" 2>/dev/null)"
    echo "DOPPEL-NET: reply $reply"
  else
    echo "DOPPEL-NET: no lease"
  fi
  ;;
shell)
  echo "DOPPEL-SHELL: busybox shell; 'poweroff -f' ends the emulator"
  setsid cttyhack sh
  ;;
esac
echo "DOPPEL-MARKER: powering off"
poweroff -f
INIT
chmod +x "$R/init"

# The drivers the tests need are modules in Debian's kernel: copy them with
# their dependencies (from each module's "depends=" modinfo string) and
# load them in dependency order from /init.
MODDIR="$(echo "$OUT"/kernel/lib/modules/*)"
mkdir -p "$R/lib/modules"
declare -A MODPATH=() MODDONE=()
while IFS= read -r f; do MODPATH["$(basename "$f" .ko)"]="$f"; done < <(find "$MODDIR/kernel" -name '*.ko')
ORDER=()
add_module() {
  local name="$1" dep
  [ -n "${MODDONE[$name]:-}" ] && return 0
  MODDONE[$name]=1
  local f="${MODPATH[$name]:-}"
  if [ -z "$f" ]; then echo "prepare-i386: module $name not found" >&2; exit 1; fi
  for dep in $(strings -a "$f" | sed -n 's/^depends=//p' | tr ',' ' '); do add_module "$dep"; done
  ORDER+=("$name")
  cp "$f" "$R/lib/modules/$name.ko"
}
for m in ata_piix sd_mod sr_mod isofs e1000 ne2k-pci floppy; do add_module "$m"; done
printf '%s\n' "${ORDER[@]}" > "$R/lib/modules/order"
cat > "$R/usr/share/udhcpc/default.script" <<'DHCP'
#!/bin/sh
case "$1" in
bound|renew)
  ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
  for r in $router; do route add default gw "$r" dev "$interface"; done
  : > /etc/resolv.conf
  for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
  ;;
deconfig) ifconfig "$interface" 0.0.0.0 ;;
esac
DHCP
chmod +x "$R/usr/share/udhcpc/default.script"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -9) > "$OUT/initrd.gz"

# The SeaBIOS boot disk: a FAT file system on the whole disk (a "superfloppy":
# the syslinux boot sector is sector 0), 64 MiB.
rm -f "$OUT/disk.img"
mkfs.fat -C -n DOPPEL "$OUT/disk.img" 65536 >/dev/null
cat > "$OUT/syslinux.cfg" <<'CFG'
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 1
LABEL linux
  KERNEL vmlinuz
  INITRD initrd.gz
  APPEND console=ttyS0 doppel.test=disk
CFG
MTOOLS_SKIP_CHECK=1 mcopy -i "$OUT/disk.img" "$OUT/vmlinuz" "$OUT/initrd.gz" "$OUT/syslinux.cfg" ::/
syslinux --install "$OUT/disk.img"

# The SeaBIOS CD: an ISO 9660 image with isolinux as its El Torito
# no-emulation boot image.
rm -rf "$OUT/iso" "$OUT/cd.iso"
mkdir -p "$OUT/iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$OUT/iso/isolinux/"
cp "$OUT/vmlinuz" "$OUT/initrd.gz" "$OUT/iso/"
sed 's/doppel.test=disk/doppel.test=cdrom/; s|KERNEL vmlinuz|KERNEL /vmlinuz|; s|INITRD initrd.gz|INITRD /initrd.gz|' \
  "$OUT/syslinux.cfg" > "$OUT/iso/isolinux/isolinux.cfg"
genisoimage -quiet -o "$OUT/cd.iso" -V DOPPEL -J -R -b isolinux/isolinux.bin -c isolinux/boot.cat \
  -no-emul-boot -boot-load-size 4 -boot-info-table "$OUT/iso"
touch "$STAMP"
echo "prepare-i386: $KPKG and busybox-static:i386 ready in $OUT"
