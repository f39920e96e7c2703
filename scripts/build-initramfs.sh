#!/usr/bin/env bash
# Assembles the test system's root in build/root and packs it into
# an initramfs (newc cpio, uncompressed: under TCG, unpacking is cheaper
# than decompressing).
#
#   build-initramfs.sh [-o IMAGE] [OVERLAY_DIR]
#
# IMAGE defaults to build/initramfs.img. OVERLAY_DIR is copied over the root
# last, so it can add or replace anything.
set -euo pipefail
cd "$(dirname "$0")/.."
image=build/initramfs.img
while getopts o: opt; do
  case $opt in
    o) image=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
overlay=${1:-}
root=$(mktemp -d build/root.XXXXXX)
trap 'rm -rf "$root"' EXIT
[ -x build/goetia ] || { echo "build-initramfs: build/goetia is missing: run make build" >&2; exit 1; }
[ -z "$overlay" ] || [ -d "$overlay" ] || { echo "build-initramfs: overlay $overlay is not a directory" >&2; exit 1; }

mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{dev,proc,sys,run,tmp,root,etc,var/log/system}
chmod 1777 "$root/tmp"
# A merged /usr, as Debian has: package paths under /bin and /usr/bin both work.
for dir in bin sbin lib lib64; do ln -s "usr/$dir" "$root/$dir"; done

# busybox and its applets, as links to it.
cp /bin/busybox "$root/usr/bin/busybox"
for applet in $(busybox --list-full); do
  [ -e "$root/$applet" ] || ln -s /usr/bin/busybox "$root/$applet"
done

# s6 and execline programs (Debian keeps execline's in /usr/lib/execline/bin).
dpkg -L s6 execline | while read -r path; do
  if [ -f "$path" ] && [ -x "$path" ]; then
    mkdir -p "$root/$(dirname "$path")"
    cp -f "$path" "$root/$path"
  fi
done

# goetia, under every name it answers to.
cp build/goetia "$root/usr/sbin/goetia"
for name in init system-init poweroff reboot halt shutdown user-init user-shutdown; do ln -sf goetia "$root/usr/sbin/$name"; done

# The shared libraries all of these need (ld-linux and glibc for goetia).
# (ldd fails on scripts and static programs; that is expected.)
{ find "$root/usr" -type f -perm -u+x -exec ldd {} + 2>/dev/null || true; } |
  awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u |
  while read -r lib; do
    mkdir -p "$root/$(dirname "$lib")"
    cp -L "$lib" "$root/$lib"
  done

# /init: the static shim that mounts /proc and execs goetia.
if [ ! -x build/init-shim ] || [ initramfs/shim/init.c -nt build/init-shim ]; then
  gcc -static -Os -Wall -Wextra -Werror -o build/init-shim initramfs/shim/init.c
  strip build/init-shim
fi
cp build/init-shim "$root/init"

cp -a initramfs/rootfs/. "$root/"
# supervision-scripts' layout: the templates are installed beside the live
# definitions too (goetia svcdef install does the same), nothing enabled yet.
mkdir -p "$root/etc/sv" "$root/service"
cp -a "$root"/etc/svcdef/.[!.]* "$root/etc/sv/"
[ -z "$overlay" ] || cp -a "$overlay/." "$root/"
# The guest's / is this folder: mktemp made it 0700, and cp -a gives it the overlay's mode.
chmod 755 "$root"

# The compiled database ships in the image, so that no boot compiles (nor
# writes /etc) before its services start: goetia compiles in the finished
# root, as it would there (chroot, with /proc mounted in a mount namespace of
# its own; not a pid namespace, where goetia would be PID 1 and boot). The cpio format
# keeps whole seconds of mtime only: the sources' are cut to whole seconds
# first, so the stamp goetia computes at boot is the one it computed here.
# Broken sources exit 1 and are reported again at boot.
find "$root/etc/goetia/system/src" "$root/etc/sv" "$root/service" | while read -r path; do touch -h -d "@$(stat -c %Y "$path")" "$path"; done
unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" /usr/sbin/goetia compile' sh "$root" >/dev/null 2>&1 || true
rm -f "$root/etc/goetia/system/.lock"

# The kernel opens /dev/console for init before anything is mounted.
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) > "$image"
echo "build-initramfs: $image ($(du -m "$image" | cut -f1) MB)${overlay:+, overlay $overlay}"
