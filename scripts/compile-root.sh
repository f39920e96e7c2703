#!/usr/bin/env bash
# Compiles the services of the goetia installed in ROOT, there, so that the
# database ships with the root and no boot compiles (nor writes /etc)
# before its services start: goetia runs as it would on that machine
# (chroot, with /proc mounted in a mount namespace of its own; not a pid
# namespace, where goetia would be PID 1 and boot). An image's cpio keeps
# whole seconds of mtime only: the sources' (the systemd units' among them)
# are cut to whole seconds first, so that the stamp goetia computes at boot
# is the one it computes here.
# Broken sources are reported again at boot.
#
#   compile-root.sh ROOT
set -uo pipefail
root=${1:?usage: compile-root.sh ROOT}
find "$root/etc/goetia/system/src" "$root/etc/sv" "$root/service" "$root/etc/systemd/system" "$root/usr/lib/systemd/system" 2>/dev/null | while read -r path; do touch -h -d "@$(stat -c %Y "$path")" "$path"; done
unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" /sbin/goetia compile' sh "$root" >/dev/null 2>&1
status=$?
rm -f "$root/etc/goetia/system/.lock"
exit $status
