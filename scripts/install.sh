#!/usr/bin/env bash
# Installs goetia into a root file system, as a person installing it on
# their own machine would:
#
#   install.sh DESTDIR
#
# /sbin/goetia (the binary) under every name it answers to; /sbin/init and
# /sbin/system-init, the static shim that mounts /proc and execs goetia
# (Bun cannot start without /proc, and the kernel mounts nothing); goetia's
# configuration (/etc/goetia/system, the supervision-scripts templates in
# /etc/svcdef and /etc/sv) unless the root has one already; its helpers in
# /usr/lib/goetia (with the sd_notify bridge). Needs build/goetia,
# build/init-shim and build/sd-notify (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: install.sh DESTDIR}
for file in build/goetia build/init-shim build/sd-notify; do
  [ -x "$file" ] || { echo "install: $file is missing: run make build" >&2; exit 1; }
done
[ -d "$dest" ] || { echo "install: $dest is not a directory" >&2; exit 1; }

mkdir -p "$dest/sbin" "$dest/usr/lib" "$dest/etc" "$dest/run" "$dest/var/log/system"
install -m 755 build/goetia "$dest/sbin/goetia"
for name in poweroff reboot halt shutdown user-init user-shutdown; do ln -sfn goetia "$dest/sbin/$name"; done
install -m 755 build/init-shim "$dest/sbin/init"
ln -sfn init "$dest/sbin/system-init"
rm -rf "$dest/usr/lib/goetia"
cp -R initramfs/install/usr/lib/goetia "$dest/usr/lib/goetia"
install -m 755 build/sd-notify "$dest/usr/lib/goetia/sd-notify"

# Configuration is the machine's own once there: kept as it is.
for conf in etc/goetia/system etc/svcdef; do
  if [ -e "$dest/$conf" ]; then
    echo "install: $dest/$conf is there already: kept as it is"
  else
    mkdir -p "$(dirname "$dest/$conf")"
    cp -a "initramfs/install/$conf" "$dest/$conf"
  fi
done
# goetia once shipped .run as a link into .bin, over which a published
# supervision-scripts tree cannot be copied: it becomes the folder it is now.
for root in etc/svcdef etc/sv; do
  if [ "$(readlink "$dest/$root/.run" || true)" = .bin ]; then
    rm "$dest/$root/.run"
    cp -a initramfs/install/etc/svcdef/.run "$dest/$root/.run"
    echo "install: $dest/$root/.run is a folder now, no longer a link to .bin"
  fi
done
# supervision-scripts' layout: the templates beside the live definitions too, nothing enabled yet.
mkdir -p "$dest/etc/sv" "$dest/service"
for template in "$dest"/etc/svcdef/.[!.]*; do
  [ -e "$dest/etc/sv/${template##*/}" ] || cp -a "$template" "$dest/etc/sv/"
done
echo "install: goetia installed in $dest"
