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
# /usr/lib/goetia (with the sd_notify bridge, the power button's watcher,
# the forking daemons' keeper, the socket maker, the oneshots' runner,
# the bring-up's file maker and the environment files' reader), and on a
# PAM machine pam_goetia, a login's session. Needs build/goetia,
# build/init-shim, build/sd-notify, build/power-button, build/forking,
# build/sockets, build/oneshot, build/files, build/env-file and
# build/pam_goetia.so (make build).
#
# On a root that dpkg manages, the distribution's own /sbin/init, poweroff,
# reboot, halt and shutdown are diverted to NAME.distrib (dpkg-divert
# --local --rename): an upgrade of the package that owns them writes there,
# the old init stays bootable (init=/sbin/init.distrib) and powers off with
# its own tools, and scripts/uninstall.sh puts them back. The base services
# are the set for what the root is (initramfs/sets/): Debian's daemons on a
# Debian root, busybox's elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: install.sh DESTDIR}
for file in build/goetia build/init-shim build/sd-notify build/power-button build/forking build/sockets build/oneshot build/files build/env-file build/pam_goetia.so; do
  [ -x "$file" ] || { echo "install: $file is missing: run make build" >&2; exit 1; }
done
[ -d "$dest" ] || { echo "install: $dest is not a directory" >&2; exit 1; }

[ -x "$dest/usr/bin/s6-svscan" ] || [ -x "$dest/bin/s6-svscan" ] ||
  echo "install: warning: $dest has no s6-svscan: install s6 and execline there (apt install s6 execline) before booting goetia" >&2

dpkg=0
[ -d "$dest/var/lib/dpkg/info" ] && dpkg=1
if ((dpkg)); then
  command -v dpkg-divert >/dev/null || { echo "install: $dest is managed by dpkg, and this machine has no dpkg-divert to install beside it" >&2; exit 1; }
fi
# The path dpkg knows NAME by (/sbin/NAME, or /usr/sbin/NAME where packages ship there), diverted once.
# The distribution's file is copied aside before the diversion is recorded, and goetia's takes its
# place by a rename (place, below): at every step of an install the root has a /sbin/NAME to boot.
divert() {
  local path=/sbin/$1
  dpkg-query --admindir="$dest/var/lib/dpkg" -S "$path" >/dev/null 2>&1 || ! dpkg-query --admindir="$dest/var/lib/dpkg" -S "/usr$path" >/dev/null 2>&1 || path=/usr$path
  [ -z "$(dpkg-divert --root "$dest" --listpackage "$path")" ] || return 0
  if [ -e "$dest$path" ] || [ -L "$dest$path" ]; then cp -a "$dest$path" "$dest$path.distrib"; fi
  dpkg-divert --root "$dest" --local --divert "$path.distrib" --add "$path" >/dev/null
  echo "install: the distribution's $path is $path.distrib now"
}

# place NAME: $dest/sbin/NAME.new (made by the caller) renamed over $dest/sbin/NAME, which is never missing.
place() {
  mv -fT "$dest/sbin/$1.new" "$dest/sbin/$1"
}

# Whether PATH is there in the root, its links followed in the root (Debian's are often absolute), not on this machine.
in_root() {
  local path=$1 _
  for _ in 1 2 3 4 5 6 7 8; do
    [ -L "$dest$path" ] || { [ -e "$dest$path" ]; return; }
    local target
    target=$(readlink "$dest$path")
    case $target in /*) path=$target ;; *) path=${path%/*}/$target ;; esac
  done
  return 1
}

mkdir -p "$dest/sbin" "$dest/usr/lib" "$dest/etc" "$dest/run" "$dest/var/log/system"
install -m 755 build/goetia "$dest/sbin/goetia.new" && place goetia
for name in init poweroff reboot halt shutdown; do
  if ((dpkg)); then divert "$name"; fi
done
for name in poweroff reboot halt shutdown user-init user-shutdown; do ln -sfn goetia "$dest/sbin/$name.new" && place "$name"; done
# Users act on their own trees: goetia where their PATH finds it (Debian's has no /sbin).
mkdir -p "$dest/usr/bin" && ln -sfn /sbin/goetia "$dest/usr/bin/goetia"
# invoke-rc.d asks policy-rc.d before it runs an init script: goetia's runs a daemon's
# start, stop or restart through goetia (an admin's own policy-rc.d is kept).
if ((dpkg)) && [ ! -e "$dest/usr/sbin/policy-rc.d" ] && [ ! -L "$dest/usr/sbin/policy-rc.d" ]; then ln -s /usr/lib/goetia/policy-rc.d "$dest/usr/sbin/policy-rc.d"; fi
# After each dpkg run, what packages enabled, changed or removed in their units reaches the running machine.
if ((dpkg)); then install -D -m 644 initramfs/install/etc/dpkg/dpkg.cfg.d/goetia "$dest/etc/dpkg/dpkg.cfg.d/goetia"; fi
install -m 755 build/init-shim "$dest/sbin/init.new" && place init
ln -sfn init "$dest/sbin/system-init"
rm -rf "$dest/usr/lib/goetia"
cp -R initramfs/install/usr/lib/goetia "$dest/usr/lib/goetia"
install -m 755 build/sd-notify build/power-button build/forking build/sockets build/oneshot build/files build/env-file "$dest/usr/lib/goetia/"
# A login's session on a PAM machine: pam_goetia where PAM's modules are, its
# profile, and pam-auth-update (in the root, with /proc) to add it to common-session.
security=$(find "$dest/lib" "$dest/usr/lib" -path '*/security/pam_unix.so' 2>/dev/null | head -n 1 || true)
if ((dpkg)) && [ -n "$security" ] && in_root /usr/sbin/pam-auth-update; then
  install -m 644 build/pam_goetia.so "${security%/*}/"
  install -D -m 644 initramfs/install/usr/share/pam-configs/goetia "$dest/usr/share/pam-configs/goetia"
  unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" pam-auth-update --package' sh "$dest" >/dev/null ||
    echo "install: warning: pam-auth-update failed in $dest: logins start no user tree" >&2
fi

# Configuration is the machine's own once there: kept as it is.
for conf in etc/goetia/system etc/svcdef; do
  if [ -e "$dest/$conf" ]; then
    echo "install: $dest/$conf is there already: kept as it is"
    continue
  fi
  mkdir -p "$(dirname "$dest/$conf")"
  cp -a "initramfs/install/$conf" "$dest/$conf"
  [ "$conf" = etc/goetia/system ] || continue
  # The base services for what the root is; on Debian, its default bundle
  # holds each daemon whose program the root has (debian.default).
  base=$dest/$conf/src/base
  if [ -f "$dest/etc/debian_version" ] && ((dpkg)); then
    cp -a initramfs/sets/debian/. "$base/"
    mkdir -p "$base/default"
    echo bundle >"$base/default/type"
    while read -r name program; do
      case $name in '' | '#'*) continue ;; esac
      [ -z "$program" ] || in_root "$program" && echo "$name"
    done <initramfs/sets/debian.default >"$base/default/contents"
    echo "install: Debian's base services: $(tr '\n' ' ' <"$base/default/contents")"
  else
    cp -a initramfs/sets/busybox/. "$base/"
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
# The services compiled there, where goetia can run (the root has glibc): the first boot takes the compiled bring-up.
if in_root /lib64/ld-linux-x86-64.so.2; then
  scripts/compile-root.sh "$dest" || echo "install: the services in $dest/etc/goetia/system/src do not all compile: goetia compile there says why" >&2
fi
echo "install: goetia installed in $dest"
