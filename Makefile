# imago: the two commands a new machine needs are `make image` and `make test`.
# Both install what they need first (Debian packages and npm dependencies).

SPEC ?= images/minimal.yml
OUT ?= out
IMAGO = node --import tsx builder/src/cli/main.ts

.PHONY: all deps image build test typecheck test-unit test-qemu bench clean

all: build

deps:
	@./scripts/install-host-packages

## Build the default image and boot it in QEMU with the console on this terminal (Ctrl-A X quits).
image: deps
	$(IMAGO) run $(SPEC) --out $(OUT)

## Build the default image into $(OUT)/<arch>/.
build: deps
	$(IMAGO) build $(SPEC) --out $(OUT)

## Every test: type checks, unit and host integration tests, and x86_64 QEMU boot tests.
test: deps typecheck test-unit test-qemu

typecheck:
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p init/tsconfig.json --noEmit

test-unit:
	npx ava

test-qemu:
	npx ava --config qemu-tests/ava.config.js

## Sizes and timings of the default image, as a table.
bench: deps
	node --import tsx bench/run.ts

clean:
	rm -rf $(OUT)
