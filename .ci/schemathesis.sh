#!/usr/bin/env bash
# Schemathesis against the served OpenAPI document (make test): the real server with the demo
# data on a throwaway SQLite file, once with a manager's token and once with an engineer's.
# Fails on any 5xx and on any answer the document does not describe.
set -euo pipefail
cd "$(dirname "$0")/.."
ST=target/venv/bin/schemathesis
BIN=${ONSITE_SERVER_BIN:-target/debug/onsite-server}
MAX_EXAMPLES=${SCHEMATHESIS_EXAMPLES:-50}
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

"$BIN" serve --demo-if-empty --database-url "sqlite://$tmp/onsite.db" --addr 127.0.0.1:0 \
  --dist "$tmp/no-dist" >"$tmp/out" 2>&1 &
pid=$!
# Wait for the server's own "listening" line (the demo load is slow on a busy machine).
until grep -q '^Onsite listening on ' "$tmp/out"; do
  if ! kill -0 "$pid" 2>/dev/null; then cat "$tmp/out"; exit 1; fi
  sleep 0.2
done
url=$(sed -n 's/^Onsite listening on //p' "$tmp/out")

token() {
  local client
  client=$(python3 -c 'import uuid; print(uuid.uuid4())')
  curl -sf -X POST "$url/api/v1/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"onsite-demo\",\"client_id\":\"$client\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

status=0
for who in manager alice; do
  echo "schemathesis as $who"
  # Logout and the revocations would end the very session the run uses (schemathesis reuses
  # the client_ids GET /api/v1/devices answers); the server tests cover them.
  "$ST" run "$url/api/v1/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --exclude-path /api/v1/logout --exclude-path-regex '/revoke$' \
    -H "Authorization: Bearer $(token "$who")" \
    --phases examples,coverage,fuzzing -n "$MAX_EXAMPLES" --seed 9 \
    --suppress-health-check all --no-color --report-dir "target/schemathesis-$who" || status=1
done
if grep -q 'panicked' "$tmp/out"; then
  echo "the server logged a panic:"; grep -A5 'panicked' "$tmp/out"; status=1
fi
exit $status
