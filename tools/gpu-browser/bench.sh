#!/usr/bin/env bash
# Chromium on the H200 with WebGPU on the NVIDIA adapter (the flags found in probe.sh, config 3);
# the page's own forward and keystroke → paint records on the three live cases, per engine
# (README.md beside this file says how to stage it). Results: docs/perf.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
FLAGS="--headless=new --no-sandbox --no-first-run --disable-background-networking --disable-component-update --disable-sync --enable-unsafe-webgpu --ignore-gpu-blocklist --enable-gpu --use-gl=angle --use-angle=gl-egl --enable-features=Vulkan --use-vulkan=native --disable-vulkan-surface"
REVIEW=$(python3 -c "import urllib.parse;print(urllib.parse.quote(('the film is a long and winding story about a family that moves to the coast , '*6).strip()))")
WORDS=$(python3 -c "import urllib.parse;print(urllib.parse.quote(' '.join('the old man and his young daughter walked slowly along the quiet river every morning before the long working day began in the small town near the sea'.split()[:29])))")
INFO='(async () => { const a = await navigator.gpu.requestAdapter(); return { vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description, fallback: a.info.isFallbackAdapter, maxBuffer: a.limits.maxStorageBufferBindingSize, ua: navigator.userAgent }; })()'
FOCUS='(() => { const b = document.querySelector("#live-text") || document.querySelector("#translate-text"); b.focus(); b.selectionStart = b.selectionEnd = b.value.length; window.__attnscopeLatencies = []; return b.value.length; })()'
SUM='(() => { const e = (window.__attnscopeLatencies || []).slice(2); const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]; }; return { n: e.length, t: Math.max(...e.map((x) => x.t)), engine: [...new Set(e.map((x) => x.engine))], paint_median: q(e.map((x) => x.ms), 0.5), paint_p95: q(e.map((x) => x.ms), 0.95), forward_median: q(e.map((x) => x.forwardMs), 0.5), forward_p95: q(e.map((x) => x.forwardMs), 0.95), readout: document.querySelector("#live-perf")?.textContent, chip: document.querySelector("#backend-chip")?.textContent }; })()'
TYPED=" and then a new day came to the town by the sea and more"
rm -rf /tmp/prof; /tmp/chr/chromium/chromium $FLAGS --remote-debugging-port=9222 --user-data-dir=/tmp/prof about:blank > /tmp/chrb.log 2>&1 & CPID=$!
sleep 3
timeout 30 python3 $here/cdp.py "goto:http://127.0.0.1:8000/" "eval:$INFO" 2>&1 | tail -1
for engine in gpu cpu auto; do
  for page in "attention?model=sentiment-transformer&text=$REVIEW" "attention?model=sentiment-bilstm&text=$REVIEW" "translate?text=$WORDS"; do
    echo "== $engine $page" | cut -c1-60
    timeout 100 python3 $here/cdp.py "goto:http://127.0.0.1:8000/#/$page&engine=$engine" "sleep:12" "eval:$FOCUS" "type:$TYPED" "sleep:2" "eval:$SUM" 2>&1 | tail -1
    timeout 10 python3 $here/cdp.py "goto:about:blank" >/dev/null 2>&1
  done
done
kill $CPID $SPID 2>/dev/null
