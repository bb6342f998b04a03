"""Trunk post_build step, before precache.py: stages the lazy pages' wasm files that
.ci/trunk-wasm-bindgen.sh left in target/wasm-split/ (python3 stdlib and wasm-opt).

  * every split file (all of target/wasm-split/*.wasm but the main module, which trunk has
    already bindgen'd, optimised and staged) is optimised for size by wasm-opt into the
    staging dir; without `-g` wasm-opt also drops the names section;
  * __wasm_split.js, the loader the main module imports them with, imports `initSync` from
    the main JS under the name wasm-bindgen gave it; trunk staged that file under a hashed
    name, so the import is rewritten to it;
  * the split files are named for their build (`split_case_pages-<16 hex>.wasm`, the hex a
    hash of the main module and all of them): a page of one build never instantiates another build's file (a
    first visit, before the worker holds the build, that outlives a deploy gets a 404 and
    shows "try again" instead). The loader keeps its name: the main JS imports it
    statically, so it always comes with the page's own build.
"""

import glob
import hashlib
import os
import re
import subprocess
import sys

LOADER = "__wasm_split.js"
# The main module's features (.cargo/config.toml): the split files have no target_features
# section for wasm-opt to read them from.
FEATURES = ["--enable-bulk-memory", "--enable-mutable-globals", "--enable-sign-ext",
            "--enable-nontrapping-float-to-int", "--enable-multivalue"]


def main():
    stage = os.environ.get("TRUNK_STAGING_DIR")
    root = os.environ.get("TRUNK_SOURCE_DIR") or os.getcwd()
    if not stage or not os.path.isdir(stage):
        sys.exit("split.py: TRUNK_STAGING_DIR is not set (run it as a trunk hook)")
    split = os.path.join(root, "target", "wasm-split")
    loader = os.path.join(split, LOADER)
    if not os.path.isfile(loader):
        sys.exit(f"split.py: {loader} is missing (was wasm-bindgen run through .ci/trunk-wasm-bindgen.sh?)")

    js = [f for f in os.listdir(stage) if re.fullmatch(r"onsite-[0-9a-f]+\.js", f)]
    if len(js) != 1:
        sys.exit(f"split.py: expected one main JS file in the build, found {js}")
    with open(loader, encoding="utf-8") as f:
        text = f.read()
    wanted = 'from "./onsite.js"'
    if wanted not in text:
        sys.exit(f"split.py: {LOADER} does not import {wanted}")
    text = text.replace(wanted, f'from "./{js[0]}"')

    names = [os.path.basename(p) for p in sorted(glob.glob(os.path.join(split, "*.wasm")))]
    names = [n for n in names if n != "onsite.wasm"]
    mains = glob.glob(os.path.join(stage, "onsite-*_bg.wasm"))
    if len(mains) != 1:
        sys.exit(f"split.py: expected one main wasm in the build, found {mains}")
    build = hashlib.sha256(js[0].encode())
    with open(mains[0], "rb") as f:
        build.update(f.read())
    optimised = {}
    for name in names:
        out = os.path.join(stage, name)
        subprocess.run(["wasm-opt", "-Oz", *FEATURES, os.path.join(split, name), "-o", out],
                       check=True)
        with open(out, "rb") as f:
            optimised[name] = f.read()
        build.update(name.encode() + optimised[name])
    tag = build.hexdigest()[:16]
    for name in names:
        stem = name[: -len(".wasm")]
        wanted = f'"./{name}"'
        if wanted not in text:
            sys.exit(f"split.py: {LOADER} does not load {name}")
        text = text.replace(wanted, f'"./{stem}-{tag}.wasm"')
        os.replace(os.path.join(stage, name), os.path.join(stage, f"{stem}-{tag}.wasm"))
    with open(os.path.join(stage, LOADER), "w", encoding="utf-8") as f:
        f.write(text)
    print(f"split.py: {len(names)} split files (build {tag}) and {LOADER} staged")


if __name__ == "__main__":
    main()
