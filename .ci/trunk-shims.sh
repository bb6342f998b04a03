# Sourced by .ci/trunk-cargo.sh and .ci/trunk-wasm-bindgen.sh, which the Makefile puts first on
# trunk's PATH (target/trunk-cargo/): `real TOOL` is the tool the shim stands in for.
root="$(cd "$(dirname "$0")/.." && pwd)"
real() {
  PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vx "$root/target/trunk-cargo" | paste -sd:)" command -v "$1"
}
