#!/usr/bin/env bash
# First-load size of the release build in dist/: every wasm, JS and CSS file, raw, gzip -9 and
# brotli -q 11 (the copies the server sends, .ci/precompress.py), against DESIGN.md's budget
# (200 KB in all); then the whole precache (precache.json's files) the same three ways.
set -euo pipefail
dist="${1:-dist}"
budget=$((200 * 1024))
size_of() { # file, extension of its precompressed copy, command that compresses it
  if [ -f "$1$2" ]; then stat -c %s "$1$2"; else $3 <"$1" | wc -c; fi
}
total_raw=0 total_gz=0 total_br=0
printf '%-45s %10s %10s %10s\n' file raw gzip brotli
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  case "$(basename "$f")" in sw.js) continue ;; esac
  raw=$(stat -c %s "$f")
  gz=$(size_of "$f" .gz "gzip -9c")
  br=$(size_of "$f" .br "brotli -c -q 11")
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-45s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
done
printf '%-45s %10d %10d %10d\n' "first load total" "$total_raw" "$total_gz" "$total_br"
for kind in gzip brotli; do
  if [ "$kind" = gzip ]; then n=$total_gz; else n=$total_br; fi
  if [ "$n" -le "$budget" ]; then verdict="within"; else verdict="OVER"; fi
  printf 'budget: %d bytes — %s: %d, %s budget\n' "$budget" "$kind" "$n" "$verdict"
done
if [ -f "$dist/precache.json" ]; then
  pre_raw=0 pre_gz=0 pre_br=0
  for url in $(python3 -c 'import json,sys; print(" ".join(f["url"] for f in json.load(open(sys.argv[1]))["files"]))' "$dist/precache.json"); do
    f="$dist$url"
    pre_raw=$((pre_raw + $(stat -c %s "$f")))
    pre_gz=$((pre_gz + $(size_of "$f" .gz "cat")))
    pre_br=$((pre_br + $(size_of "$f" .br "cat")))
  done
  printf '%-45s %10d %10d %10d\n' "whole precache" "$pre_raw" "$pre_gz" "$pre_br"
fi
