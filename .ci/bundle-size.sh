#!/usr/bin/env bash
# First-load size of the release build in dist/: every wasm, JS and CSS file, raw and gzip -9,
# against DESIGN.md's budget (200 KB gzip in all).
set -euo pipefail
dist="${1:-dist}"
budget=$((200 * 1024))
total_raw=0
total_gz=0
printf '%-45s %10s %10s\n' file raw gzip
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  case "$(basename "$f")" in sw.js) continue ;; esac
  raw=$(stat -c %s "$f")
  gz=$(gzip -9c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-45s %10d %10d\n' "$(basename "$f")" "$raw" "$gz"
done
printf '%-45s %10d %10d\n' "first load total" "$total_raw" "$total_gz"
if [ "$total_gz" -le "$budget" ]; then verdict="within"; else verdict="OVER"; fi
printf 'budget: %d bytes gzip — %s budget\n' "$budget" "$verdict"
