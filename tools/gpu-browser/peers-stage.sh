#!/usr/bin/env bash
# On the GPU machine, after the parts of the staging archive (README.md beside this file) are
# parked in /tmp/parts: unpacks the browser, gl/, cdp.py and www/ into /tmp/gb beside these
# scripts, writes the MiniLM weights as f32 (they travel as f16) and exports the ONNX model the
# peers run (tools/golden/make_hf_fixtures.py), then prints the adapter Chromium finds.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf /tmp/st /tmp/gb && cat /tmp/parts/p* | xz -d | tar -C /tmp -xf -
mkdir -p /tmp/chr-parts && mv /tmp/st/chr/part00 /tmp/chr-parts/
mkdir -p /tmp/gb && cp "$repo"/tools/gpu-browser/*.sh /tmp/gb/ && cp -r /tmp/st/gpu/. /tmp/gb/ && mv /tmp/st/www /tmp/gb/www
m=/tmp/gb/www/byo/minilm
python3 -c "
from safetensors.torch import load_file, save_file
t = load_file('$m/model-f16.safetensors')
save_file({k: v.float().contiguous() for k, v in t.items()}, '$m/model.safetensors')"
rm $m/model-f16.safetensors
# The export only where the peers' bundles came too (an attnscope-only staging has no npm/).
if [ -d /tmp/gb/www/npm ]; then
  MINILM=$m ONNX=/tmp/gb/www/onnx/minilm.onnx python3 "$repo"/tools/golden/make_hf_fixtures.py /tmp/fx | tail -2
  mkdir -p /tmp/gb/www/tjs/all-MiniLM-L6-v2/onnx && cp /tmp/gb/www/onnx/minilm.onnx /tmp/gb/www/tjs/all-MiniLM-L6-v2/onnx/model.onnx
fi
du -sh /tmp/gb/www/*
