#!/usr/bin/env bash
# Puts Debian's current linux-image-amd64 kernel in OUT/vmlinuz, and its
# modules in OUT/modules (the disk's boot initramfs takes the few it needs):
# the package is downloaded and unpacked, never installed on this machine.
set -euo pipefail
out=${1:?usage: fetch-kernel.sh OUTDIR}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$(apt-cache depends linux-image-amd64 2>/dev/null)" ] || apt-get update -qq
# linux-image-amd64 is a metapackage: the kernel is in the package it depends on.
image=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
echo "fetch-kernel: $image"
(cd "$work" && apt-get download -q -o APT::Sandbox::User=root "$image")
dpkg-deb -x "$work"/*.deb "$work/root"
cp "$work"/root/boot/vmlinuz-* "$out/vmlinuz"
rm -rf "$out/modules"
cp -R "$work"/root/lib/modules/* "$out/modules"
echo "${image}" > "$out/vmlinuz.version"
