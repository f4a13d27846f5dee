#!/usr/bin/env bash
# On the GPU machine: tries flag sets for Chromium's WebGPU adapter and prints the adapter
# each gives (README.md beside this file says how to stage the browser, gl/, cdp.py, www/).
# Where it is NVIDIA's, also opens #/attention on the GPU engine and prints the page's summary.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
BASE="--headless=new --no-sandbox --no-first-run --disable-background-networking --disable-component-update --disable-sync --enable-unsafe-webgpu --ignore-gpu-blocklist --enable-gpu --enable-logging=stderr --v=0"
PROBE='(async () => { const t = (p) => Promise.race([p, new Promise((res) => setTimeout(() => res("timeout"), 15000))]); const r = {}; for (const o of [{}, {powerPreference: "high-performance"}]) { const a = await t(navigator.gpu ? navigator.gpu.requestAdapter(o) : Promise.resolve("no navigator.gpu")); r[JSON.stringify(o)] = (a && typeof a === "object") ? { vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description, fallback: a.info.isFallbackAdapter } : a; } return r; })()'
APP='(async () => { await new Promise((r) => setTimeout(r, 20000)); const s = document.querySelector("#summary-sentiment-transformer"); return { chip: document.querySelector("#backend-chip")?.textContent, summary: s ? { ...s.dataset } : null, perf: document.querySelector("#live-perf")?.textContent }; })()'
i=0
for extra in \
  "--use-gl=angle --use-angle=gl-egl" \
  "--use-gl=angle --use-angle=gl-egl --use-webgpu-adapter=default" \
  "--use-gl=angle --use-angle=gl-egl --enable-features=Vulkan --use-vulkan=native --disable-vulkan-surface" \
  "--use-gl=angle --use-angle=gl-egl --enable-features=Vulkan,VulkanFromANGLE --disable-vulkan-surface --use-webgpu-adapter=default" \
  "--use-angle=swiftshader --use-webgpu-adapter=default --disable-vulkan-surface" ; do
  i=$((i+1)); echo "=== config $i: $extra"
  rm -rf /tmp/prof; $R/chromium/chromium $BASE $extra --remote-debugging-port=9222 --user-data-dir=/tmp/prof about:blank > /tmp/chr$i.log 2>&1 & CPID=$!
  sleep 3
  out=$(timeout 60 python3 $here/cdp.py "goto:http://127.0.0.1:8000/" "eval:$PROBE" 2>&1)
  echo "$out" | tail -3
  if echo "$out" | grep -qi nvidia; then
    echo "--- app on this config"
    timeout 90 python3 $here/cdp.py "goto:http://127.0.0.1:8000/#/attention?model=sentiment-transformer&engine=gpu&text=not%20bad%20at%20all" "eval:$APP" 2>&1 | tail -3
  fi
  kill $CPID 2>/dev/null; sleep 1
  grep -iE "dawn|vulkan|webgpu|adapter|vk_|icd" /tmp/chr$i.log | grep -viE "dbus|screensaver" | sort | uniq -c | sort -rn | head -8
done
kill $SPID 2>/dev/null
