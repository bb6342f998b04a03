"""Trunk post_build step, after precache.py: a brotli (`.br`, quality 11) and a gzip (`.gz`,
level 9) copy beside every text and wasm file of the build, so the server sends each
browser the smallest body it accepts without compressing anything per request
(server/src/static_files.rs). Images are already compressed and left alone.

Uses the `brotli` command (Debian's `brotli` package; `make deps-build` installs it) and
python3's gzip module. Prints the first-load and precache totals, raw, gzip and brotli.
"""

import gzip
import json
import os
import subprocess
import sys

COMPRESSIBLE = (".html", ".js", ".wasm", ".css", ".json", ".webmanifest", ".svg", ".txt")


def compress(path):
    with open(path, "rb") as f:
        raw = f.read()
    with open(path + ".gz", "wb") as f:
        # mtime 0: the same build gives the same bytes.
        f.write(gzip.compress(raw, compresslevel=9, mtime=0))
    subprocess.run(["brotli", "--force", "--quality=11", "--output=" + path + ".br", path],
                   check=True)


def main():
    stage = os.environ.get("TRUNK_STAGING_DIR")
    if not stage or not os.path.isdir(stage):
        sys.exit("precompress.py: TRUNK_STAGING_DIR is not set (run it as a trunk hook)")
    done = 0
    for dirpath, _, names in os.walk(stage):
        for name in names:
            if name.endswith(COMPRESSIBLE):
                compress(os.path.join(dirpath, name))
                done += 1
    sizes = {"raw": 0, "gzip": 0, "brotli": 0}
    with open(os.path.join(stage, "precache.json"), encoding="utf-8") as f:
        precache = json.load(f)
    for entry in precache["files"]:
        path = os.path.join(stage, entry["url"].lstrip("/"))
        sizes["raw"] += os.path.getsize(path)
        for kind, ext in (("gzip", ".gz"), ("brotli", ".br")):
            sizes[kind] += os.path.getsize(path + ext) if os.path.exists(path + ext) else os.path.getsize(path)
    print(
        f"precompress: {done} files; the precache is {sizes['raw']} bytes, "
        f"{sizes['gzip']} gzip, {sizes['brotli']} brotli",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
