#!/usr/bin/env bash
# On the GPU machine: issue 19's head-to-head (tests/e2e/bench/peers.mjs) in Chromium with
# WebGPU on the NVIDIA adapter. The same all-MiniLM-L6-v2, T = 16, 128 and 512, every runtime
# returning the last hidden state and all 72 maps to JavaScript: attnscope's GPU and CPU engines
# (#/attention, the folder brought by URL; the page's own forward_ms per keystroke) against
# ONNX Runtime Web and transformers.js (tests/e2e/bench/peers/peers.js, WebGPU and wasm).
# Prints one JSON line per configuration, each with the adapter it ran on. README.md beside
# this file says how www/ is staged (dist, the peers page, the two npm bundles, the export).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
# Python's http.server may not know .mjs; the peers import ES modules.
kill $SPID 2>/dev/null; sleep 0.5
(cd $here/www && exec python3 -c '
import http.server, functools
h = http.server.SimpleHTTPRequestHandler
h.extensions_map.update({".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json"})
http.server.ThreadingHTTPServer(("127.0.0.1", 8000), h).serve_forever()' >/dev/null 2>&1) & SPID=$!
FLAGS="--headless=new --no-sandbox --no-first-run --disable-background-networking --disable-component-update --disable-sync --enable-unsafe-webgpu --ignore-gpu-blocklist --enable-gpu --use-gl=angle --use-angle=gl-egl --enable-features=Vulkan --use-vulkan=native --disable-vulkan-surface"
RUNS=${RUNS:-30}
BUDGET_MS=${BUDGET_MS:-20000}
INFO='(async () => { const a = await navigator.gpu.requestAdapter(); return { vendor: a.info.vendor, fallback: a.info.isFallbackAdapter, ua: navigator.userAgent }; })()'
# Brings the folder by URL (once per page), then keystrokes at T tokens as peers.mjs does:
# the text alternates between two versions; three warm-up keys; the page's forward_ms.
ATTN='(async (t, runs, budget) => {
  const wait = async (f, ms) => { const end = performance.now() + ms; while (!f()) { if (performance.now() > end) throw new Error("timeout"); await new Promise((r) => setTimeout(r, 5)); } };
  const input = (el, v) => { el.value = v; el.dispatchEvent(new Event("input", { bubbles: true })); };
  const started = performance.now();
  if (!document.querySelector("#summary-user-1")) {
    await wait(() => document.querySelector("#byo summary"), 60000);
    document.querySelector("#byo summary").click();
    await wait(() => document.querySelector("#byo-url"), 5000);
    input(document.querySelector("#byo-url"), "byo/minilm/");
    document.querySelector("#byo-url-load").click();
    await wait(() => document.querySelector("#byo-status")?.dataset.state === "done", 120000);
  }
  const W = "the film is a long and winding story about a family that moves to the coast and finds new life there".split(" ");
  const text = Array.from({ length: t - 2 }, (_, i) => W[i % W.length]).join(" ");
  const box = document.querySelector("#live-text");
  const shown = async (v) => { input(box, v); await wait(() => document.querySelector("#summary-user-1")?.dataset.text === v, 60000); return { ...document.querySelector("#summary-user-1").dataset }; };
  await shown(text);
  const loadMs = performance.now() - started;
  const times = []; let d;
  const end = performance.now() + 2000 + budget;
  for (let i = 0; times.length < runs && (times.length < 3 || performance.now() < end); i++) {
    d = await shown(i % 2 === 0 ? text + "s" : text);
    if (i >= 3) times.push(Number(d.forwardMs));
  }
  const s = [...times].sort((a, b) => a - b); const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { runtime: "attnscope", engine: d.engine, t, tokens: d.tokens, loadMs, n: s.length, median: q(0.5), p95: q(0.95), chip: document.querySelector("#backend-chip")?.textContent };
})'
PEER='(async (o) => { await new Promise((r) => { const f = () => window.peersReady ? r() : setTimeout(f, 20); f(); }); const r = await window.runPeer(o); const s = [...r.times].sort((a, b) => a - b); const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]; return { runtime: o.lib, backend: o.device, t: o.t, adapter: r.adapter, loadMs: r.loadMs, bytes: r.bytes, check: r.check, n: s.length, median: q(0.5), p95: q(0.95) }; })'
# A fresh profile for each phase: the app's service worker answers every navigation on its origin
# with the app's page (so the peers' page must open in a browser that never loaded the app), and
# the engine menu's choice is saved per profile.
start_browser() {
  rm -rf /tmp/prof; /tmp/chr/chromium/chromium $FLAGS --remote-debugging-port=9222 --user-data-dir=/tmp/prof about:blank > /tmp/chrp.log 2>&1 & CPID=$!
  sleep 3
}
stop_browser() { kill $CPID 2>/dev/null; wait $CPID 2>/dev/null; sleep 1; }
PARTS=${PARTS:-peers,attnscope}
if [[ $PARTS == *peers* ]]; then
  start_browser
  timeout 30 python3 $here/cdp.py "goto:http://127.0.0.1:8000/bench/peers.html" "eval:$INFO" 2>&1 | tail -1
  for device in webgpu wasm; do
    for lib in ort tjs; do
      for t in 16 128 512; do
        timeout 10 python3 $here/cdp.py "goto:http://127.0.0.1:8000/bench/peers.html" >/dev/null 2>&1
        timeout 70 python3 $here/cdp.py "eval:$PEER({lib: \"$lib\", device: \"$device\", t: $t, runs: $RUNS, budgetMs: $BUDGET_MS})" 2>&1 | tail -1
      done
    done
  done
  stop_browser
fi
if [[ $PARTS == *attnscope* ]]; then
  for engine in ${ENGINES:-gpu cpu}; do
    start_browser
    timeout 30 python3 $here/cdp.py "goto:http://127.0.0.1:8000/#/attention?engine=$engine" "eval:$INFO" 2>&1 | tail -1
    for t in 16 128 512; do
      timeout 70 python3 $here/cdp.py "eval:$ATTN($t, $RUNS, $BUDGET_MS)" 2>&1 | tail -1
    done
    stop_browser
  done
fi
kill $SPID 2>/dev/null
