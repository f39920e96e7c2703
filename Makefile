# goetia: `make run` boots the test system, `make test` runs every test.
# Both install what they need first (scripts/setup.sh; quick when all is there).

BUN := node_modules/.bin/bun
SOURCES := $(shell find src -name '*.ts' -o -name '*.sh') package.json
OVERLAY ?=
APPEND ?=

.PHONY: setup build initramfs disk install uninstall run run-disk test check typecheck bench clean

setup:
	@scripts/setup.sh

# The small static programs beside goetia (initramfs/shim/): the init shim, the sd_notify bridge, the power button's watcher, the forking daemons' keeper, the socket maker, the oneshots' runner, the bring-up's file maker, the environment files' reader.
HELPERS := build/init-shim build/sd-notify build/power-button build/forking build/sockets build/oneshot build/files build/env-file

build: setup build/goetia $(HELPERS) build/pam_goetia.so

# Never autoloaded: a bunfig.toml or .env in the folder root runs goetia in would run its preload as root, or reach every child.
NO_AUTOLOAD := --no-compile-autoload-dotenv --no-compile-autoload-bunfig --no-compile-autoload-tsconfig --no-compile-autoload-package-json
build/goetia: $(SOURCES)
	$(BUN) build --compile --bytecode --splitting --format=esm --target=bun-linux-x64 $(NO_AUTOLOAD) src/main.ts --outfile $@

# /sbin/init: stage 1 where the boot is plain, else mounts /proc (Bun cannot start without it) and execs goetia's.
build/init-shim: initramfs/shim/init.c initramfs/shim/dirs.h build/init.h
# What the init shim names as stage 1 does, generated from stage 1's sources.
build/init.h: scripts/init-header.ts $(SOURCES)
	$(BUN) scripts/init-header.ts > $@.new && mv $@.new $@
# /usr/lib/goetia/sd-notify: a daemon's READY=1 on $NOTIFY_SOCKET into s6's notification fd.
build/sd-notify: initramfs/shim/sd-notify.c initramfs/shim/fail.h initramfs/shim/proc.h
# /usr/lib/goetia/power-button: a press of the power button into goetia poweroff.
build/power-button: initramfs/shim/power-button.c initramfs/shim/fail.h
# /usr/lib/goetia/forking: a daemon that forks away (systemd's Type=forking), kept under s6.
build/forking: initramfs/shim/forking.c initramfs/shim/fail.h initramfs/shim/proc.h
# /usr/lib/goetia/sockets: the sockets of a socket-activated daemon (systemd's .socket units), passed as systemd passes them.
build/sockets: initramfs/shim/sockets.c initramfs/shim/fail.h
# /usr/lib/goetia/oneshot: a oneshot's command, in a group of its own, its exit code recorded and its lines copied.
build/oneshot: initramfs/shim/oneshot.c initramfs/shim/fail.h
# /usr/lib/goetia/env-file: a unit's EnvironmentFile= read as systemd reads it, printed as quoted sh (never sourced).
build/env-file: initramfs/shim/env-file.c initramfs/shim/fail.h
# /usr/lib/goetia/files: the bring-up's file work (its sources' check, copies, folders, fifos, links), at one static program's cost.
build/files: initramfs/shim/files.c initramfs/shim/dirs.h initramfs/shim/fail.h
$(HELPERS):
	gcc -static -Os -Wall -Wextra -Werror -Ibuild -o $@ $<
	strip $@

# pam_goetia.so: a login's session (the runtime directory, the user's tree), in PAM's session stack.
build/pam_goetia.so: initramfs/shim/pam_goetia.c initramfs/shim/tree-name.h build/names.h
	gcc -shared -fPIC -Os -Wall -Wextra -Werror -Ibuild -o $@ $< -lpam
	strip $@

# What a tree's name may be, as pam_goetia reads it, generated from lib/names.ts.
build/names.h: scripts/names-header.ts src/lib/names.ts
	$(BUN) scripts/names-header.ts > $@.new && mv $@.new $@

# DESTDIR=ROOT: goetia into that root file system (its configuration kept if there);
# on a dpkg-managed root, beside the distribution's init, which uninstall puts back.
install: build
	@scripts/install.sh $(DESTDIR)

uninstall:
	@scripts/uninstall.sh $(DESTDIR)

# OVERLAY=DIR: copied over the image's root last (add or replace services).
initramfs: build
	@scripts/build-initramfs.sh $(OVERLAY)

# build/disk.img (ext4, the whole disk) and build/initrd-disk.img, the small initramfs that mounts it.
disk: build
	@scripts/build-disk.sh $(OVERLAY)

# Boots on the serial console in this terminal; Ctrl-A X leaves QEMU.
# APPEND="GOETIABUNDLE=rescue" passes kernel arguments.
run: initramfs
	scripts/boot.sh -i $(APPEND)

# The same, from the disk image (root=/dev/vda unless APPEND names another root).
run-disk: disk
	scripts/boot.sh -i -d build/disk.img $(APPEND)

typecheck: setup
	node_modules/.bin/tsc --noEmit -p .

# Every test: unit, host (real s6 on this machine) and QEMU boots. The contract.
test: build typecheck
	$(BUN) test

# The fast part, while working: unit and host tests, no QEMU boot (a minute or two).
check: build typecheck
	$(BUN) test test/unit test/manager test/shutdown test/install test/security

# Benchmarks (bench/): timing goals live here, never in tests. Writes bench/RESULTS.md.
bench: build
	$(BUN) bench/manager.ts
	$(BUN) bench/checks.ts
	$(BUN) bench/shutdown.ts
	$(BUN) bench/faults.ts
	$(BUN) bench/compile.ts
	$(BUN) bench/small-change.ts
	$(BUN) bench/boot.ts
	$(BUN) bench/disk.ts
	$(BUN) bench/debian.ts

clean:
	rm -rf build
