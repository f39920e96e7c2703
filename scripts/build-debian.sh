#!/usr/bin/env bash
# A real Debian bookworm machine on a disk, for the tests and the benchmark.
#
#   build-debian.sh [-o IMAGE] [-s] [OVERLAY_DIR]
#
# The machine, as Debian installs one: mmdebstrap's root from Debian's
# packages (its kernel with initramfs-tools' initrd, systemd, udev, sshd,
# cron, rsyslog, dbus, ifupdown with DHCP on the network card, s6 and
# execline; and chrony, a daemon that forks, which goetia runs from its
# unit), a host name, fstab by UUID, a user who logs in with an ssh key, a
# cron job. It is cached in build/debian/root.tar and made again only when
# the packages or the machine's settings below change. Then goetia is installed into it as the README says
# (install.sh: make install DESTDIR=...), and nothing else, unless -s
# (systemd: the machine as Debian left it); OVERLAY_DIR is copied over it
# last. IMAGE (default build/debian/disk.img) is an ext4 file system, the
# whole disk, UUID $UUID; build/debian/vmlinuz and initrd.img boot it
# (scripts/boot.sh -k build/debian -d IMAGE), and build/debian/ssh-key logs
# in as the user (ssh -p PORT -i build/debian/ssh-key tester@127.0.0.1) and as root.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/debian
image=$out/disk.img
systemd=0
while getopts o:s opt; do
  case $opt in
    o) image=$OPTARG ;;
    s) systemd=1 ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
overlay=${1:-}
UUID=0f6b3a4e-7c1d-4e55-9a1b-6d2c8e9f1a20
PACKAGES=linux-image-amd64,systemd-sysv,udev,openssh-server,cron,rsyslog,dbus,ifupdown,isc-dhcp-client,procps,iproute2,kmod,s6,execline,chrony
mkdir -p "$out"

# The user's key, made once.
[ -f "$out/ssh-key" ] || ssh-keygen -q -t ed25519 -N '' -C goetia-test -f "$out/ssh-key"

# The machine as Debian installs it, cached: made again when what makes it changes.
machine=(
  'echo debian >"$1/etc/hostname"'
  "printf '%s\n' 'UUID=$UUID / ext4 errors=remount-ro 0 1' >\"\$1/etc/fstab\""
  # The initrd made again with fstab there, as the installer has it: it then holds fsck and checks the
  # root. The root's type is said for the while: the fsck hook finds it from the device, which a chroot has not.
  'echo FSTYPE=ext4 >"$1/etc/initramfs-tools/conf.d/goetia-build" && chroot "$1" update-initramfs -u -k all && rm "$1/etc/initramfs-tools/conf.d/goetia-build"'
  'chroot "$1" useradd --create-home --shell /bin/bash tester'
  'echo "* * * * * tester date +\%s >>/home/tester/cron-ran" >"$1/etc/cron.d/goetia-test"'
)
key=$(printf '%s\n' "$PACKAGES" "${machine[@]}" | sha256sum | cut -c1-16)
if [ "$(cat "$out/root.key" 2>/dev/null)" != "$key" ] || [ ! -f "$out/root.tar" ]; then
  echo "build-debian: mmdebstrap bookworm ($PACKAGES)"
  hooks=()
  for hook in "${machine[@]}"; do hooks+=(--customize-hook="$hook"); done
  mmdebstrap --quiet --variant=minbase --include="$PACKAGES" "${hooks[@]}" bookworm "$out/root.new.tar" http://deb.debian.org/debian
  mv "$out/root.new.tar" "$out/root.tar"
  echo "$key" >"$out/root.key"
fi

work=$(mktemp -d build/debian.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir "$root"
tar -C "$root" --numeric-owner -xpf "$out/root.tar"
cp "$root"/boot/vmlinuz-* "$out/vmlinuz"
cp "$root"/boot/initrd.img-* "$out/initrd.img"
# DHCP on the network card scripts/boot.sh -n gives it, as the installer writes it.
printf '%s\n' "allow-hotplug ens2" "iface ens2 inet dhcp" >"$root/etc/network/interfaces.d/ens2"
# The key logs in as the user, and as root (for the tests' administration).
install -d -m 700 -o 1000 -g 1000 "$root/home/tester/.ssh"
install -m 600 -o 1000 -g 1000 "$out/ssh-key.pub" "$root/home/tester/.ssh/authorized_keys"
install -d -m 700 "$root/root/.ssh"
install -m 600 "$out/ssh-key.pub" "$root/root/.ssh/authorized_keys"
# root's password on the console, as Debian's installer asks for one: goetia.
sed -i "s|^root:[^:]*:|root:$(openssl passwd -6 goetia):|" "$root/etc/shadow"
((systemd)) || scripts/install.sh "$root"
[ -z "$overlay" ] || cp -a "$overlay/." "$root/"

size=$(($(du -sm "$root" | cut -f1) * 3 / 2 + 256))
rm -f "$image"
mke2fs -q -F -t ext4 -U "$UUID" -L debian-root -d "$root" "$image" "${size}M"
echo "build-debian: $image (${size} MB, ext4, UUID $UUID)$( ((systemd)) && echo ", systemd" || echo ", goetia")${overlay:+, overlay $overlay}"
