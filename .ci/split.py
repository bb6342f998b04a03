"""Trunk post_build step, before precache.py: stages the lazy pages' wasm files that
.ci/trunk-wasm-bindgen.sh left in target/wasm-split/ (python3 stdlib and wasm-opt).

  * every split file (all of target/wasm-split/*.wasm but the main module, which trunk has
    already bindgen'd, optimised and staged) is optimised for size by wasm-opt into the
    staging dir; without `-g` wasm-opt also drops the names section;
  * __wasm_split.js, the loader the main module imports them with, imports `initSync` from
    the main JS under the name wasm-bindgen gave it; trunk staged that file under a hashed
    name, so the import is rewritten to it.

The split files keep fixed names: the server sends them `no-cache` (server/src/static_files.rs)
and the service worker's VERSION, which hashes every staged file, covers them.
"""

import glob
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
    with open(os.path.join(stage, LOADER), "w", encoding="utf-8") as f:
        f.write(text.replace(wanted, f'from "./{js[0]}"'))

    staged = 0
    for path in sorted(glob.glob(os.path.join(split, "*.wasm"))):
        name = os.path.basename(path)
        if name == "onsite.wasm":
            continue
        subprocess.run(["wasm-opt", "-Oz", *FEATURES, path, "-o", os.path.join(stage, name)],
                       check=True)
        staged += 1
    print(f"split.py: {staged} split files and {LOADER} staged")


if __name__ == "__main__":
    main()
