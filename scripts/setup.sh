#!/usr/bin/env bash
# Installs what goetia needs to build, boot and test, and nothing twice:
# each step checks first, so a second run on a ready machine takes no time.
# Needs root on Debian bookworm (apt-get) and network access to the
# Debian and npm registries.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: s6 and execline go into the image, busybox-static gives
# the image its userland, qemu boots it, cpio packs it, gcc and libc6-dev
# build the static /init shim, e2fsprogs makes the disk image and checks it.
# The tests check goetia's pictures with real readers: librsvg2-bin
# (rsvg-convert) renders the boot chart, libxml2-utils (xmllint) parses it,
# graphviz (dot) draws the dependency graph. mmdebstrap makes the real
# Debian machine the Debian tests boot (scripts/build-debian.sh), openssl
# hashes its root password, openssh-client logs into it. libpam0g-dev's
# headers build pam_goetia, the session module.
packages=(s6 execline busybox-static qemu-system-x86 cpio gcc libc6-dev libpam0g-dev e2fsprogs librsvg2-bin libxml2-utils graphviz mmdebstrap openssl openssh-client)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, Bun itself among them, as package-lock.json pins them.
if [ ! -x node_modules/.bin/bun ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The Debian kernel, downloaded and unpacked, not installed.
if [ ! -f build/vmlinuz ] || [ ! -d build/modules ]; then
  scripts/fetch-kernel.sh build
fi
