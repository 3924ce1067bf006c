# imago: the two commands a new machine needs are `make image` and `make test`.
# Both install what they need first (Debian packages and npm dependencies).

SPEC ?= images/minimal.yml
OUT ?= out
# The architectures `make test` boots: x86_64 and big-endian MIPS, whose kernel
# and BusyBox are built from source. `make test-matrix` boots all eight.
TEST_ARCH ?= x86_64 mips
IMAGO = node --import tsx builder/src/cli/main.ts
FOUNDATION = qemu-tests/foundation/spec.yml
empty :=
comma := ,
space := $(empty) $(empty)

.PHONY: all deps deps-test deps-all image build test typecheck test-unit test-qemu test-matrix bench clean

all: build

# What `make image` needs: x86_64 only.
deps:
	@./scripts/install-host-packages x86_64

# armv7 too: `make test` updates it through U-Boot (its cross compiler builds U-Boot).
deps-test:
	@./scripts/install-host-packages $(TEST_ARCH) armv7

deps-all:
	@./scripts/install-host-packages all

## Build the default image and boot it in QEMU with the console on this terminal (Ctrl-A X quits).
image: deps
	$(IMAGO) run $(SPEC) --out $(OUT)

## Build the default image into $(OUT)/<arch>/.
build: deps
	$(IMAGO) build $(SPEC) --out $(OUT)

## Every test: type checks, unit and host integration tests, and QEMU boots of $(TEST_ARCH).
test: deps-test typecheck test-unit test-qemu

typecheck:
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p init/tsconfig.json --noEmit
	npx tsc -p console/tsconfig.json --noEmit

test-unit:
	npx ava

# The images are built first, in the open, so a cold kernel build shows its progress.
# Updates: x86_64 (UEFI) in the main run, with 3 power cuts on armv7 (U-Boot),
# then armv7's update and rollback; x86_64's power cuts run 20 times in test-matrix.
test-qemu:
	$(IMAGO) build $(FOUNDATION) --out $(OUT)/qemu-tests/foundation --arch $(TEST_ARCH)
	IMAGO_TEST_ARCH=$(subst $(space),$(comma),$(TEST_ARCH)) IMAGO_POWERCUT_ARCH=armv7 npx ava --config qemu-tests/ava.config.js
	IMAGO_UPDATE_ARCH=armv7 npx ava --config qemu-tests/ava.config.js qemu-tests/update.test.ts

## Boot the foundation scenario and the containers (edge) scenario on all eight
## architectures (mips64's containerd, iptables and mosquitto compiled and checked too), the update scenarios on aarch64 (UEFI),
## i386 (BIOS), armv7 and the four MIPS Malta targets (U-Boot), 20 power cuts each on x86_64, aarch64, armv7 and mips,
## U-Boot's boot counting, and print the tables.
test-matrix: deps-all
	# Every scenario runs even when an earlier one failed, so the tables are complete;
	# the target still fails if any of them did.
	rm -rf $(OUT)/qemu-tests/matrix $(OUT)/qemu-tests/containers-matrix
	$(IMAGO) build $(FOUNDATION) --out $(OUT)/qemu-tests/foundation --arch all
	@status=0; \
	IMAGO_TEST_ARCH=all npx ava --config qemu-tests/ava.config.js qemu-tests/foundation.test.ts || status=1; \
	IMAGO_TEST_ARCH=all npx ava builder/src/containers/runtime-from-source.test.ts builder/src/containers/iptables-from-source.test.ts builder/src/containers/build-mosquitto.test.ts || status=1; \
	IMAGO_TEST_ARCH=all npx ava --config qemu-tests/ava.config.js qemu-tests/edge.test.ts qemu-tests/containers-bigendian.test.ts || status=1; \
	node --import tsx qemu-tests/matrix-table.ts; \
	IMAGO_UPDATE_ARCH=aarch64 npx ava --config qemu-tests/ava.config.js qemu-tests/update.test.ts || status=1; \
	IMAGO_UPDATE_ARCH=i386 npx ava --config qemu-tests/ava.config.js qemu-tests/update.test.ts || status=1; \
	IMAGO_UPDATE_ARCH=armv7 npx ava --config qemu-tests/ava.config.js qemu-tests/update.test.ts || status=1; \
	IMAGO_UPDATE_ARCH=mips npx ava --config qemu-tests/ava.config.js qemu-tests/update.test.ts || status=1; \
	IMAGO_UPDATE_ARCH=mipsel npx ava --config qemu-tests/ava.config.js qemu-tests/update.test.ts || status=1; \
	IMAGO_UPDATE_ARCH=mips64 npx ava --config qemu-tests/ava.config.js qemu-tests/update.test.ts || status=1; \
	IMAGO_UPDATE_ARCH=mips64el npx ava --config qemu-tests/ava.config.js qemu-tests/update.test.ts || status=1; \
	IMAGO_POWERCUT_ITERATIONS=20 npx ava --config qemu-tests/ava.config.js qemu-tests/update-powercut.test.ts || status=1; \
	IMAGO_UPDATE_ARCH=aarch64 IMAGO_POWERCUT_ITERATIONS=20 npx ava --config qemu-tests/ava.config.js qemu-tests/update-powercut.test.ts || status=1; \
	IMAGO_UPDATE_ARCH=armv7 IMAGO_POWERCUT_ITERATIONS=20 npx ava --config qemu-tests/ava.config.js qemu-tests/update-powercut.test.ts || status=1; \
	IMAGO_UPDATE_ARCH=mips IMAGO_POWERCUT_ITERATIONS=20 npx ava --config qemu-tests/ava.config.js qemu-tests/update-powercut.test.ts || status=1; \
	IMAGO_TEST_ARCH=all npx ava --config qemu-tests/ava.config.js qemu-tests/uboot.test.ts || status=1; \
	node --import tsx qemu-tests/containers-table.ts; \
	exit $$status

## Sizes and timings of the default image on every architecture, as a table.
bench: deps-all
	node --import tsx bench/run.ts
	node --import tsx bench/supervisor.ts
	node --import tsx bench/logs.ts
	node --import tsx bench/fleet.ts
	node --import tsx bench/edge.ts

clean:
	rm -rf $(OUT)
