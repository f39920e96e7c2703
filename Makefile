# goetia: `make run` boots the test system, `make test` runs every test.
# Both install what they need first (scripts/setup.sh; quick when all is there).

BUN := node_modules/.bin/bun
SOURCES := $(shell find src -name '*.ts' -o -name '*.sh') package.json
OVERLAY ?=
APPEND ?=

.PHONY: setup build initramfs run test typecheck bench clean

setup:
	@scripts/setup.sh

build: setup build/goetia

build/goetia: $(SOURCES)
	$(BUN) build --compile --bytecode --splitting --format=esm --target=bun-linux-x64 src/main.ts --outfile $@

# OVERLAY=DIR: copied over the image's root last (add or replace services).
initramfs: build
	@scripts/build-initramfs.sh $(OVERLAY)

# Boots on the serial console in this terminal; Ctrl-A X leaves QEMU.
# APPEND="GOETIABUNDLE=rescue" passes kernel arguments.
run: initramfs
	scripts/boot.sh -i $(APPEND)

typecheck: setup
	node_modules/.bin/tsc --noEmit -p .

test: build typecheck
	$(BUN) test

# Benchmarks (bench/): timing goals live here, never in tests. Writes bench/RESULTS.md.
bench: build
	$(BUN) bench/manager.ts
	$(BUN) bench/shutdown.ts
	$(BUN) bench/faults.ts
	$(BUN) bench/compile.ts
	$(BUN) bench/small-change.ts
	$(BUN) bench/boot.ts

clean:
	rm -rf build
