#!/usr/bin/env bash
# Install the Debian packages doppel builds and tests with.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config git clang-format
  llvm-19-dev libsdl2-dev libslirp-dev libcapstone-dev libcriterion-dev
  libfdt-dev zlib1g-dev libjansson-dev
  binutils-s390x-linux-gnu gcc-s390x-linux-gnu lib32gcc-12-dev-s390x-cross hercules
  libtelnet-dev s3270
  nasm qemu-system-x86
  seabios qemu-utils acpica-tools cpio libpng-dev libzstd-dev
  syslinux extlinux mtools dosfstools isolinux syslinux-common genisoimage bc
  gdb-multiarch clang libclang-rt-dev
)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "deps: all ${#PACKAGES[@]} packages present"
fi
