#!/usr/bin/env bash
# Packs the test system's root (make-root.sh) into an initramfs (newc cpio,
# uncompressed: under TCG, unpacking is cheaper than decompressing).
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
scripts/make-root.sh "$root" "$overlay"

# The kernel runs /init from an initramfs: the shim, which mounts /proc and execs goetia
# (unless the overlay brings an /init of its own).
[ -e "$root/init" ] || ln -s sbin/init "$root/init"
# The kernel opens /dev/console for init before anything is mounted.
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) > "$image"
echo "build-initramfs: $image ($(du -m "$image" | cut -f1) MB)${overlay:+, overlay $overlay}"
