#!/usr/bin/env bash
# Takes goetia out of a root file system install.sh put it in, and gives
# the distribution back its own: the /sbin/init, poweroff, reboot, halt and
# shutdown it diverted return to their places, each renamed over goetia's,
# and their diversions are removed. goetia's configuration (/etc/goetia, /etc/svcdef, /etc/sv,
# /service) and its logs stay, as a removed package's configuration does.
#
#   uninstall.sh DESTDIR
set -euo pipefail
dest=${1:?usage: uninstall.sh DESTDIR}
[ -d "$dest" ] || { echo "uninstall: $dest is not a directory" >&2; exit 1; }
[ -e "$dest/sbin/goetia" ] || { echo "uninstall: goetia is not installed in $dest" >&2; exit 1; }

# The distribution's own back in their places first, each renamed over goetia's (never a
# moment without a /sbin/init to boot), and their diversions removed.
restored=0
if [ -d "$dest/var/lib/dpkg/info" ]; then
  for name in init poweroff reboot halt shutdown; do
    for path in "/sbin/$name" "/usr/sbin/$name"; do
      [ "$(dpkg-divert --root "$dest" --listpackage "$path")" = LOCAL ] || continue
      if [ -e "$dest$path.distrib" ] || [ -L "$dest$path.distrib" ]; then mv -fT "$dest$path.distrib" "$dest$path"; fi
      dpkg-divert --root "$dest" --local --remove "$path" >/dev/null
      echo "uninstall: $path is the distribution's again"
      restored=1
    done
  done
fi

# goetia's names, and the shim that is /sbin/init (it execs /sbin/goetia).
for name in poweroff reboot halt shutdown user-init user-shutdown system-init; do
  case $(readlink "$dest/sbin/$name" || true) in goetia | init) rm "$dest/sbin/$name" ;; esac
done
if [ -f "$dest/sbin/init" ] && [ ! -L "$dest/sbin/init" ] && grep -q /sbin/goetia "$dest/sbin/init"; then rm "$dest/sbin/init"; fi
[ "$(readlink "$dest/usr/sbin/policy-rc.d" || true)" != /usr/lib/goetia/policy-rc.d ] || rm "$dest/usr/sbin/policy-rc.d"
[ "$(readlink "$dest/usr/bin/goetia" || true)" != /sbin/goetia ] || rm "$dest/usr/bin/goetia"
rm -f "$dest/etc/dpkg/dpkg.cfg.d/goetia"
rm -rf "$dest/sbin/goetia" "$dest/usr/lib/goetia"
# pam_goetia out of PAM's session stack, then out of the root.
if [ -e "$dest/usr/share/pam-configs/goetia" ]; then
  unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" pam-auth-update --package --remove goetia' sh "$dest" >/dev/null ||
    echo "uninstall: warning: pam-auth-update failed in $dest: remove pam_goetia.so from /etc/pam.d/common-session by hand" >&2
  rm -f "$dest/usr/share/pam-configs/goetia"
fi
find "$dest/lib" "$dest/usr/lib" -path '*/security/pam_goetia.so' -delete 2>/dev/null || true

((restored)) || [ -e "$dest/sbin/init" ] || echo "uninstall: warning: $dest has no /sbin/init now: put the init it had back before booting it" >&2
echo "uninstall: goetia removed from $dest (its configuration in /etc/goetia and /etc/svcdef kept)"
