#!/usr/bin/env python3
"""Trunk post_build step: the precache manifest of this build (python3 stdlib only).

Runs in the project root with TRUNK_STAGING_DIR set (trunk's hook environment), after the
wasm name-section strip (see Trunk.toml: both run in one hook because trunk runs the hooks
of one stage concurrently). It

  * lists every file of the build (index.html, hashed js/wasm/css, manifest, icons, ...),
  * computes VERSION = first 16 hex digits of sha256 over (url + file sha256 for every file,
    sorted) + LABEL, where LABEL = env ONSITE_VERSION or the package version in Cargo.toml,
  * sets <meta name="onsite-version" content="LABEL (VERSION)"> in the staged index.html,
  * rewrites the line of the staged sw.js that holds the /*__PRECACHE__*/ marker into
    `const VERSION = "..."; const PRECACHE = [...]; /*__PRECACHE__*/`,
  * writes precache.json {version, label, files: [{url, bytes}], total_bytes}.

Not precached: sw.js (the browser manages the worker script itself), precache.json,
screenshots/ and the PNG icons (only the install dialog and the home screen use them, fetched
by the browser itself when it installs the app, online; the page shows icon.svg alone). The
icons still count towards VERSION, so a new icon still updates the worker.
"""

import hashlib
import json
import os
import re
import sys
import tomllib

SKIP_FILES = {"sw.js", "precache.json"}
SKIP_DIRS = {"screenshots"}
MARKER = "/*__PRECACHE__*/"


def label(root):
    env = os.environ.get("ONSITE_VERSION", "").strip()
    if env:
        return env
    with open(os.path.join(root, "Cargo.toml"), "rb") as f:
        cargo = tomllib.load(f)
    version = cargo.get("package", {}).get("version")
    if not isinstance(version, str):  # `version.workspace = true`
        version = cargo["workspace"]["package"]["version"]
    return version


def build_files(stage):
    files = []
    for dirpath, dirnames, filenames in os.walk(stage):
        rel_dir = os.path.relpath(dirpath, stage)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not (rel_dir == "." and d in SKIP_DIRS)
        )
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            rel = os.path.normpath(os.path.join(rel_dir, name)).replace(os.sep, "/")
            # The precompressed copies (precompress.py) are other bodies of the same URL.
            if rel in SKIP_FILES or rel.endswith((".br", ".gz")):
                continue
            files.append(rel)
    return sorted(files)


def main():
    stage = os.environ.get("TRUNK_STAGING_DIR")
    if not stage or not os.path.isdir(stage):
        sys.exit("precache.py: TRUNK_STAGING_DIR is not set (run it as a trunk hook)")
    root = os.environ.get("TRUNK_SOURCE_DIR") or os.getcwd()
    lbl = label(root)

    index_path = os.path.join(stage, "index.html")
    sw_path = os.path.join(stage, "sw.js")
    for p in (index_path, sw_path):
        if not os.path.isfile(p):
            sys.exit(f"precache.py: {p} is missing from the build")

    files = build_files(stage)
    digest = hashlib.sha256()
    for rel in files:
        with open(os.path.join(stage, rel), "rb") as f:
            digest.update(f"{rel}\0{hashlib.sha256(f.read()).hexdigest()}\n".encode())
    digest.update(f"label\0{lbl}\n".encode())
    version = digest.hexdigest()[:16]

    # index.html: the version the app shows (settings page) and reports.
    with open(index_path, encoding="utf-8") as f:
        html = f.read()
    meta = f'<meta name="onsite-version" content="{lbl} ({version})" />'
    html, n = re.subn(r'<meta\s+name="onsite-version"[^>]*>', meta, html)
    if n == 0:
        html = html.replace("</head>", f"  {meta}\n  </head>", 1)
    with open(index_path, "w", encoding="utf-8") as f:
        f.write(html)

    urls = ["/" + rel for rel in files if not (rel.startswith("icons/") and rel.endswith(".png"))]

    # sw.js: the cache version and the list of files to precache.
    with open(sw_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    hits = [i for i, line in enumerate(lines) if MARKER in line]
    if len(hits) != 1:
        sys.exit(f"precache.py: sw.js must have exactly one line with {MARKER}")
    lines[hits[0]] = (
        f"const VERSION = {json.dumps(version)}; const PRECACHE = {json.dumps(urls)}; {MARKER}"
    )
    with open(sw_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))

    entries = [{"url": u, "bytes": os.path.getsize(os.path.join(stage, u[1:]))} for u in urls]
    report = {
        "version": version,
        "label": lbl,
        "files": entries,
        "total_bytes": sum(e["bytes"] for e in entries),
    }
    with open(os.path.join(stage, "precache.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    print(
        f"precache: version {lbl} ({version}), {len(entries)} files, {report['total_bytes']} bytes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
