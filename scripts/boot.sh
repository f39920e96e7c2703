#!/usr/bin/env bash
# Boots build/vmlinuz with build/initramfs.img in QEMU (TCG: -cpu max gives
# Bun the SSE4.1 it needs) with the serial line as console.
#
#   boot.sh [-i] [-t SECONDS] [-k DIR] [-r INITRAMFS] [-d DISK] [-n PORT] [-M MEMORY_MB] [-m MONITOR_SOCKET] [KERNEL_ARG...]
#
# INITRAMFS defaults to build/initramfs.img, or with -d to build/initrd-disk.img.
# -k  DIR's vmlinuz and initrd.img instead (build/debian: Debian's own).
# -d  DISK, a raw image (build/disk.img), is the guest's /dev/vda, its root
#     unless a root= argument names another.
# -i  interactive: the console is this terminal (Ctrl-A X quits QEMU).
# Otherwise the console is printed, standard input is typed into it, and the
# script ends when the guest powers off or reboots (0), when it panics (3),
# or when SECONDS pass (124, default 120).
# -n  a network card on QEMU's user network, the guest's port 22 forwarded
#     from 127.0.0.1:PORT.
# -M  the guest's memory, MB (default 512).
# -m  QEMU's monitor on a unix socket, for sendkey and friends.
set -uo pipefail
cd "$(dirname "$0")/.."
interactive=0 timeout=120 kernel=build/vmlinuz initrd= disk=() root= network=() memory=512 monitor=(-monitor none)
while getopts it:k:r:d:n:M:m: opt; do
  case $opt in
    i) interactive=1 ;;
    t) timeout=$OPTARG ;;
    k) kernel=$OPTARG/vmlinuz initrd=${initrd:-$OPTARG/initrd.img} ;;
    r) initrd=$OPTARG ;;
    n) network=(-nic "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:$OPTARG-:22") ;;
    d) disk=(-drive "file=$OPTARG,format=raw,if=virtio") root=root=/dev/vda ;;
    M) memory=$OPTARG ;;
    m) monitor=(-monitor "unix:$OPTARG,server,nowait") ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if ((${#disk[@]})); then
  : "${initrd:=build/initrd-disk.img}"
  case " $* " in *" root="*) root= ;; esac
fi
: "${initrd:=build/initramfs.img}"
for file in "$kernel" "$initrd"; do
  [ -f "$file" ] || { echo "boot: $file is missing: run make initramfs" >&2; exit 2; }
done

# panic=-1: a kernel panic reboots at once, and -no-reboot turns that into QEMU's exit.
# loglevel=4: the kernel's warnings and worse on the console, as `quiet` would
# have it, without quieting goetia's own lines (`quiet` does both: pass it to see).
qemu=(qemu-system-x86_64 -accel tcg -cpu max -m "$memory" -nodefaults -no-user-config -no-reboot
  -kernel "$kernel" -initrd "$initrd" "${disk[@]}" "${network[@]}"
  -append "console=ttyS0 panic=-1 loglevel=4 $root $*")

if ((interactive)); then
  exec "${qemu[@]}" -nographic -serial mon:stdio
fi

console=$(mktemp)
trap 'rm -f "$console"' EXIT
timeout --foreground -k 5 "$timeout" "${qemu[@]}" -display none -serial stdio "${monitor[@]}" | tee "$console"
status=${PIPESTATUS[0]}
if grep -q 'Kernel panic' "$console"; then
  echo "boot: the guest kernel panicked" >&2
  exit 3
fi
if [ "$status" = 124 ]; then
  echo "boot: no power-off after ${timeout} s" >&2
  exit 124
fi
exit "$status"
