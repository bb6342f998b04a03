#!/usr/bin/env bash
# The device-side benchmarks (tests/bench.rs) in headless Chromium, built as the app is (size
# optimised), with a release onsite-server on a free port and the demo data for the drain to
# talk to. The bench page comes from the test runner, another origin than the server: this
# run's browser is the tests' (webdriver.json) with web security off; the app's never is.
set -euo pipefail
dir=$(mktemp -d /tmp/onsite-bench.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/release/onsite-server --database-url "sqlite://$dir/onsite.db" --addr "127.0.0.1:$port" \
  --dist dist serve --demo-if-empty >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
python3 - webdriver.json "$dir/webdriver.json" <<'PY'
import json, sys
caps = json.load(open(sys.argv[1]))
caps["goog:chromeOptions"]["args"].append("--disable-web-security")
json.dump(caps, open(sys.argv[2], "w"))
PY
for _ in $(seq 600); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  kill -0 $server 2>/dev/null || { cat "$dir/server.log"; exit 1; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "the bench server never answered"; cat "$dir/server.log"; exit 1; }
ONSITE_BENCH_SERVER="http://127.0.0.1:$port" \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$dir/webdriver.json" \
  WASM_BINDGEN_TEST_TIMEOUT=900 CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
  cargo test -p onsite --target wasm32-unknown-unknown --release --features bench --test bench \
  -- --nocapture
