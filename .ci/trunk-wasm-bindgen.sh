#!/bin/sh
# trunk's wasm-bindgen in the app's build (Makefile). Before wasm-bindgen, wasm-split cuts the
# app's wasm (built with `--emit-relocs` and feature `split`, .ci/trunk-cargo.sh) at its lazy
# pages (src/pages/lazy.rs): the main module goes on to wasm-bindgen, which keeps the exports
# the split files link against (`--keep-lld-exports`); the split files and their loader
# (__wasm_split.js) wait in target/wasm-split/ for the post_build hook (.ci/split.py).
set -eu
. "$(dirname "$0")/trunk-shims.sh"
bindgen="$(real wasm-bindgen)"
case "${1:-}" in --version | -V | --help | -h) exec "$bindgen" "$@" ;; esac

out="$root/target/wasm-split"
input="" name=""
for arg in "$@"; do
  case "$arg" in
    --out-name=*) name="${arg#--out-name=}" ;;
    -*) ;;
    *.wasm) input="$arg" ;;
  esac
done
[ -n "$input" ] && [ -n "$name" ] || { echo "trunk-wasm-bindgen: no input wasm or --out-name in: $*" >&2; exit 2; }

rm -rf "$out"
mkdir -p "$out"
wasm-split-cli "$input" "$out" --out-name "$name"

# The same arguments, the main module in place of cargo's wasm.
for arg in "$@"; do
  shift
  if [ "$arg" = "$input" ]; then set -- "$@" "$out/$name.wasm"; else set -- "$@" "$arg"; fi
done
exec "$bindgen" --keep-lld-exports "$@"
