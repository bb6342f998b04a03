#!/bin/sh
# trunk's cargo (Makefile). trunk runs `cargo build --bin onsite` without `-p`, and the root
# package is not a default member (DESIGN.md: default-members are the host crates). The app's
# build is split (src/pages/lazy.rs): feature `split`, and relocations kept for wasm-split
# (.ci/trunk-wasm-bindgen.sh); the --config array adds to .cargo/config.toml's flags.
. "$(dirname "$0")/trunk-shims.sh"
cargo="$(real cargo)"
if [ "${1:-}" = build ]; then
  shift
  exec "$cargo" build -p onsite --features split \
    --config 'target.wasm32-unknown-unknown.rustflags = ["-C", "link-arg=--emit-relocs"]' "$@"
fi
exec "$cargo" "$@"
