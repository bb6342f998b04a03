# Onsite: `make run` serves the app with demo data; `make test` runs every check.
# Both install what is missing on a fresh machine and skip what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120

TRUNK_VERSION := 0.21.14
# wasm-split-cli: cuts the app's wasm at its lazy pages (src/pages/lazy.rs).
WASM_SPLIT_VERSION := 0.2.4
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/"/, "", $$3); print $$3}' Cargo.lock)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends
SERVER_FLAGS ?=
# The app's version label (workspace.package.version); builds show "LABEL (precache hash)".
VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)

.PHONY: bench-server run test deps-build deps-test deps-browser deps-python deps-postgres test-postgres test-api-schema fuzz build-web build-web-next build-server fmt clippy test-host test-browser test-e2e icons screenshots bench clean-data

run: deps-build build-web
	cargo build --release -p onsite-server
	./target/release/onsite-server serve --demo-if-empty $(SERVER_FLAGS)

test: deps-test fmt clippy test-host test-postgres test-api-schema test-browser test-e2e
	@echo "make test: all green"

# --- installs (each step is skipped when already satisfied) -----------------------------
deps-build:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@trunk --version 2>/dev/null | grep -q "$(TRUNK_VERSION)" || cargo install trunk --version $(TRUNK_VERSION) --locked
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@command -v wasm-opt >/dev/null || $(APT_INSTALL) binaryen || ($(SUDO) apt-get update && $(APT_INSTALL) binaryen)
	@command -v brotli >/dev/null || $(APT_INSTALL) brotli || ($(SUDO) apt-get update && $(APT_INSTALL) brotli)
	@cargo install --list | grep -qx "wasm_split_cli_support v$(WASM_SPLIT_VERSION):" || cargo install wasm_split_cli_support --version $(WASM_SPLIT_VERSION) --features build-binary --locked

deps-test: deps-build deps-browser deps-python deps-postgres

# PostgreSQL and HAProxy from Debian, for the tests and the load benchmark.
deps-postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || $(APT_INSTALL) postgresql || ($(SUDO) apt-get update && $(APT_INSTALL) postgresql)
	@command -v haproxy >/dev/null || $(APT_INSTALL) haproxy || ($(SUDO) apt-get update && $(APT_INSTALL) haproxy)

# Schemathesis (PyPI) in a local venv, for the API schema run.
VENV := target/venv
SCHEMATHESIS_VERSION := 4.32.5
deps-python:
	@$(VENV)/bin/schemathesis --version 2>/dev/null | grep -q "$(SCHEMATHESIS_VERSION)" || \
		(python3 -m venv $(VENV) && $(VENV)/bin/pip install -q "schemathesis==$(SCHEMATHESIS_VERSION)")

deps-browser:
	@{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || $(APT_INSTALL) chromium chromium-driver || ($(SUDO) apt-get update && $(APT_INSTALL) chromium chromium-driver)
	@[ tests/e2e/node_modules/.package-lock.json -nt tests/e2e/package-lock.json ] || (cd tests/e2e && npm ci --no-audit --no-fund)

# --- builds ---------------------------------------------------------------------------------
# trunk gets a cargo and a wasm-bindgen of ours first on its PATH: the app's build adds the
# root package and splits the wasm at its lazy pages (.ci/trunk-cargo.sh, .ci/trunk-wasm-bindgen.sh;
# the post_build hook stages the split files).
TRUNK_CARGO_DIR := target/trunk-cargo

$(TRUNK_CARGO_DIR)/cargo: Makefile
	@mkdir -p $(@D)
	@for tool in cargo wasm-bindgen; do \
		printf '#!/bin/sh\nexec "%s" "$$@"\n' "$(CURDIR)/.ci/trunk-$$tool.sh" > $(@D)/$$tool && chmod +x $(@D)/$$tool; \
	done

# Only the wasm aborts on panic (smaller, and there is nothing to unwind to) and is optimised
# for size; the server binary unwinds so one request's panic never stops it, and is optimised
# for speed (Cargo.toml's release profile).
TRUNK_BUILD = CARGO_PROFILE_RELEASE_PANIC=abort CARGO_PROFILE_RELEASE_OPT_LEVEL=z PATH="$(CURDIR)/$(TRUNK_CARGO_DIR):$$PATH" trunk build --release

# The post_build hook (Trunk.toml, .ci/precache.py) writes the service worker's precache list
# and dist/precache.json; ONSITE_VERSION overrides the version label.
build-web: $(TRUNK_CARGO_DIR)/cargo
	cargo fetch --target wasm32-unknown-unknown
	$(TRUNK_BUILD)

# For the e2e update tests: another build, deployed behind the same URL. Its version label is
# compiled in (src/pwa.rs), so its code and every file of it differ, as a real release's do;
# only the app crate is compiled again.
build-web-next: build-web
	ONSITE_VERSION=$(VERSION)-next $(TRUNK_BUILD) --dist target/dist-next

build-server:
	cargo build -p onsite-server

# --- checks ---------------------------------------------------------------------------------
fmt:
	cargo fmt --all -- --check

clippy:
	cargo clippy -p onsite-core -p onsite-server -p onsite-bench --all-targets -- -D warnings
	cargo clippy -p onsite --target wasm32-unknown-unknown --all-targets --features bench -- -D warnings
	cargo clippy -p onsite-core --target wasm32-unknown-unknown -- -D warnings

test-host:
	cargo test -p onsite-core -p onsite-server

# A throwaway PostgreSQL (.ci/postgres.sh; as `nobody` when run as root): the server's API
# tests again on it, then three instances behind HAProxy with one SIGKILLed halfway through a
# burst of pushes, after which every device's last_seq and every part usage is checked:
# nothing lost, nothing doubled.
test-postgres: deps-postgres build-server
	cargo build -p onsite-bench
	@dir=$$(mktemp -d /tmp/onsite-pg.XXXXXX); url=$$(.ci/postgres.sh start $$dir); \
	trap '.ci/postgres.sh stop '$$dir EXIT; \
	ONSITE_TEST_POSTGRES=$$url cargo test -p onsite-server --test api && \
	./target/debug/onsite-load --devices 200 --burst-secs 4 --configs pg3 --kill-one \
		--postgres $$url --server target/debug/onsite-server

# The served OpenAPI document against the real server: no 5xx, nothing it does not describe.
test-api-schema: deps-python build-server
	.ci/schemathesis.sh

# libFuzzer on wire decoding + apply (fuzz/), for FUZZ_SECONDS; a crash leaves its input in
# fuzz/artifacts/. cargo fuzz wants nightly flags: RUSTC_BOOTSTRAP lets the stable toolchain
# take them (no sanitizer: onsite-core is safe Rust; the fuzzer looks for panics).
FUZZ_SECONDS ?= 120
fuzz:
	@cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
	RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none wire_apply fuzz/corpus/wire_apply -- \
		-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1

test-browser:
	cargo test -p onsite --target wasm32-unknown-unknown

test-e2e: build-web build-web-next build-server
	cd tests/e2e && npx playwright test

# --- images (committed; regenerate when public/icons/icon.svg or the UI's look changes) ------
# icons: public/icons/{icon,maskable}-{192,512}.png and apple-touch-icon.png (180) from icon.svg,
# rasterised by Debian Chromium through Playwright (tests/e2e/make-assets.ts).
icons: deps-browser
	cd tests/e2e && npx playwright test -c assets.config.ts --grep icons

# screenshots: public/screenshots/{narrow,wide}.png for the install dialog, the release build
# with demo data.
screenshots: deps-browser build-web build-server
	cd tests/e2e && npx playwright test -c assets.config.ts --grep screenshots

# Benchmarks measure and report against DESIGN.md's budgets, each figure also a `BENCH {json}`
# line in target/bench/results.log, printed at the end as one table (.ci/bench-table.py); a
# figure over budget is marked OVER, never a failure. The first-load and precache sizes; the
# offline cold start with 500 and 5,000 cases and the tap to a case page (Playwright,
# tests/e2e/cold-start.bench.ts); a local write against a raw IndexedDB put, the parts search
# over 20,000 parts and 10,000 queued mutations drained to a real server (headless Chromium,
# tests/bench.rs via .ci/bench-device.sh); the server under 2,000 devices (onsite-load).
BENCH_LOG := target/bench/results.log
bench: deps-test build-web build-server
	@mkdir -p $(dir $(BENCH_LOG)) && : > $(BENCH_LOG)
	.ci/bundle-size.sh dist | tee -a $(BENCH_LOG)
	cd tests/e2e && npx playwright test -c bench.config.ts | tee -a ../../$(BENCH_LOG)
	.ci/bench-device.sh | tee -a $(BENCH_LOG)
	$(MAKE) --no-print-directory bench-server | tee -a $(BENCH_LOG)
	@.ci/bench-table.py $(BENCH_LOG)

# 2,000 devices syncing at once against the release server (issue 11's scenario), on SQLite,
# on PostgreSQL with one instance and with three behind HAProxy, side by side; reports, never
# fails on a figure. BENCH_DEVICES=200 for a quick look.
BENCH_DEVICES ?= 2000
BENCH_CONFIGS ?= sqlite,pg1,pg3
bench-server: deps-postgres
	cargo build --release -p onsite-server -p onsite-bench
	@dir=$$(mktemp -d /tmp/onsite-pg.XXXXXX); url=$$(.ci/postgres.sh start $$dir); \
	trap '.ci/postgres.sh stop '$$dir EXIT; \
	./target/release/onsite-load --devices $(BENCH_DEVICES) --configs $(BENCH_CONFIGS) \
		--postgres $$url --server target/release/onsite-server

clean-data:
	rm -rf data
