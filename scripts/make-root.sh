#!/usr/bin/env bash
# Assembles the test system's root in ROOT: busybox, s6, execline,
# e2fsprogs' checker, goetia installed as a person would (install.sh), the
# test system's own files, then OVERLAY_DIR over it all, and the services
# compiled in place. Both images are made from it: the initramfs
# (build-initramfs.sh) and the disk (build-disk.sh).
#
#   make-root.sh ROOT [OVERLAY_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:?usage: make-root.sh ROOT [OVERLAY_DIR]}
overlay=${2:-}
[ -z "$overlay" ] || [ -d "$overlay" ] || { echo "make-root: overlay $overlay is not a directory" >&2; exit 1; }

mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{dev,proc,sys,run,tmp,root,etc,home,var/log/system}
chmod 1777 "$root/tmp"
# A merged /usr, as Debian has: package paths under /bin and /usr/bin both work.
for dir in bin sbin lib lib64; do ln -sfn "usr/$dir" "$root/$dir"; done

# busybox and its applets, as links to it.
cp /bin/busybox "$root/usr/bin/busybox"
for applet in $(busybox --list-full); do
  [ -e "$root/$applet" ] || ln -s /usr/bin/busybox "$root/$applet"
done

# s6 and execline programs (Debian keeps execline's in /usr/lib/execline/bin),
# and the ext4 checker the fstab oneshot runs.
dpkg -L s6 execline | while read -r path; do
  if [ -f "$path" ] && [ -x "$path" ]; then
    mkdir -p "$root/$(dirname "$path")"
    cp -f "$path" "$root/$path"
  fi
done
cp /sbin/e2fsck "$root/usr/sbin/e2fsck"
for name in fsck.ext2 fsck.ext3 fsck.ext4; do ln -sfn e2fsck "$root/usr/sbin/$name"; done

scripts/install.sh "$root" >/dev/null

# The shared libraries all of these need (ld-linux and glibc for goetia).
# (ldd fails on scripts and static programs; that is expected.)
{ find "$root/usr" -type f -perm -u+x -exec ldd {} + 2>/dev/null || true; } |
  awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u |
  while read -r lib; do
    mkdir -p "$root/$(dirname "$lib")"
    cp -L "$lib" "$root/$lib"
  done

cp -a initramfs/rootfs/. "$root/"
[ -z "$overlay" ] || cp -a "$overlay/." "$root/"
# The guest's / is this folder: mktemp made it 0700, and cp -a gives it the overlay's mode.
chmod 755 "$root"

# The services compiled again, with the overlay's (install.sh compiled the rest).
scripts/compile-root.sh "$root" || true
