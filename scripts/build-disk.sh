#!/usr/bin/env bash
# The test system on a disk: build/disk.img, a raw ext4 file system (the
# whole disk, no partition table: root=/dev/vda under QEMU's virtio), made
# from the same root as the initramfs (make-root.sh) without mounting
# anything (mke2fs -d); and build/initrd-disk.img, the boot initramfs that
# loads the modules the Debian kernel needs for it and mounts it
# (initramfs/boot/init): busybox, its init script and a few modules.
#
#   build-disk.sh [-o IMAGE] [OVERLAY_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
image=build/disk.img
initrd=build/initrd-disk.img
while getopts o: opt; do
  case $opt in
    o) image=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
overlay=${1:-}
work=$(mktemp -d build/disk.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The root: the file system's label names it in fstab (its device may change).
root=$work/root
mkdir "$root"
scripts/make-root.sh "$root" "$overlay"
[ -e "$root/etc/fstab" ] || printf '%s\n' "# device mount type options dump pass" "LABEL=goetia-root / ext4 rw,errors=remount-ro 0 1" >"$root/etc/fstab"
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3
size=$(($(du -sm "$root" | cut -f1) * 3 / 2 + 64))
rm -f "$image"
mke2fs -q -F -t ext4 -L goetia-root -d "$root" "$image" "${size}M"

# The boot initramfs, rebuilt when what it is made of changed.
modules=build/modules
wanted="virtio_pci virtio_blk crc32c_generic ext4"
if [ ! -f "$initrd" ] || [ initramfs/boot/init -nt "$initrd" ] || [ "$modules" -nt "$initrd" ] || [ "$0" -nt "$initrd" ]; then
  boot=$work/boot
  mkdir -p "$boot"/{bin,dev,proc,sys,newroot,lib/modules}
  cp /bin/busybox "$boot/bin/busybox"
  for applet in $(busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$boot/bin/$applet"; done
  # Each module after what it depends on (its .modinfo says: depends=a,b).
  load() {
    local path
    path=$(find "$modules/kernel" -name "$1.ko" | head -n 1)
    [ -n "$path" ] || { echo "build-disk: no module $1 in $modules" >&2; exit 1; }
    grep -qx "$1" "$boot/lib/modules/load" 2>/dev/null && return
    for dep in $(tr '\0' '\n' <"$path" | sed -n 's/^depends=//p' | tr ',' ' '); do load "$dep"; done
    cp "$path" "$boot/lib/modules/$1.ko"
    echo "$1" >>"$boot/lib/modules/load"
  }
  : >"$boot/lib/modules/load"
  for module in $wanted; do load "$module"; done
  cp initramfs/boot/init "$boot/init"
  mknod -m 600 "$boot/dev/console" c 5 1
  (cd "$boot" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$initrd"
  echo "build-disk: $initrd ($(du -k "$initrd" | cut -f1) kB: busybox and $(wc -l <"$boot/lib/modules/load") modules)"
fi
echo "build-disk: $image (${size} MB, ext4, label goetia-root)${overlay:+, overlay $overlay}"
