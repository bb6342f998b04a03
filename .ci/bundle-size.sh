#!/usr/bin/env bash
# First-load size of the release build in dist/: every wasm, JS and CSS file but the lazy pages'
# (split_*.wasm and chunk_*.wasm, fetched when a page first opens; precached after), raw, gzip -9 and
# brotli -q 11 (the copies the server sends, .ci/precompress.py); then the whole precache
# (precache.json's files) the same three ways. DESIGN.md's budgets are checked in make bench's
# table (.ci/bench-table.py).
set -euo pipefail
dist="${1:-dist}"
size_of() { # file, extension of its precompressed copy, command that compresses it
  if [ -f "$1$2" ]; then stat -c %s "$1$2"; else $3 <"$1" | wc -c; fi
}
total_raw=0 total_gz=0 total_br=0
printf '%-45s %10s %10s %10s\n' file raw gzip brotli
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  case "$(basename "$f")" in sw.js | split_*.wasm | chunk_*.wasm) continue ;; esac
  raw=$(stat -c %s "$f")
  gz=$(size_of "$f" .gz "gzip -9c")
  br=$(size_of "$f" .br "brotli -c -q 11")
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-45s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
done
printf '%-45s %10d %10d %10d\n' "first load total" "$total_raw" "$total_gz" "$total_br"
# For make bench's table (.ci/bench-table.py); DESIGN.md: 250 KB brotli now, 200 KB the aim.
bench() { printf 'BENCH {"what": "%s", "figure": %d, "unit": "B", "budget": %s, "note": "%s"}\n' "$@"; }
bench "first load, brotli" "$total_br" $((250 * 1024)) "the aim 200 KB"
bench "first load, gzip" "$total_gz" null "raw $total_raw B"
# A device set to Chinese also fetches the Chinese table before it mounts (src/i18n).
zh=$(ls "$dist"/split_zh_table-*.wasm 2>/dev/null | head -1)
if [ -n "$zh" ]; then
  zh_br=$(size_of "$zh" .br "brotli -c -q 11")
  bench "first load, brotli, a device set to Chinese" $((total_br + zh_br)) $((250 * 1024)) \
    "with the Chinese table, $zh_br B"
fi
if [ -f "$dist/precache.json" ]; then
  pre_raw=0 pre_gz=0 pre_br=0
  for url in $(python3 -c 'import json,sys; print(" ".join(f["url"] for f in json.load(open(sys.argv[1]))["files"]))' "$dist/precache.json"); do
    f="$dist$url"
    pre_raw=$((pre_raw + $(stat -c %s "$f")))
    pre_gz=$((pre_gz + $(size_of "$f" .gz "cat")))
    pre_br=$((pre_br + $(size_of "$f" .br "cat")))
  done
  printf '%-45s %10d %10d %10d\n' "whole precache" "$pre_raw" "$pre_gz" "$pre_br"
  bench "whole precache, brotli" "$pre_br" $((700 * 1024)) "gzip $pre_gz B"
fi
