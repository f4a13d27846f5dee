// Benchmark (report only): attnscope against the in-browser runtimes people would otherwise
// use, on the same all-MiniLM-L6-v2 in one headless Chromium: attnscope's WebGPU engine and
// CPU reference (the #/attention page with the folder brought by URL; its forward_ms),
// ONNX Runtime Web (WebGPU and wasm execution providers) and transformers.js (WebGPU and
// wasm) on the ONNX export of tools/golden/make_hf_fixtures.py. Each returns the last hidden
// state and all 72 attention maps to JavaScript, at T = 16, 128 and 512 tokens: median and p95
// of up to 30 forwards after warm-up (fewer where one takes long: each configuration gets
// BENCH_BUDGET_S seconds, at least 3 runs), first-load time and bytes fetched.
// Every file is served from the page's origin; the run fails if a request leaves it.
//
//   bash scripts/fetch-minilm.sh; ATTNSCOPE_MINILM_ONNX=path/minilm.onnx node tests/e2e/bench/peers.mjs
//
// Writes test-output/peers.json and prints a table. The WebGPU adapter is printed with every
// GPU figure: here it is SwiftShader, a CPU emulation.
import { writeFile, mkdir, copyFile, symlink, rm } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import os from 'node:os';
import { serveDist, launch, guardedPage, ROOT, OUTPUT } from '../harness.mjs';

const MINILM = process.env.ATTNSCOPE_MINILM ?? join(ROOT, 'target/models/all-MiniLM-L6-v2');
const ONNX = process.env.ATTNSCOPE_MINILM_ONNX ?? join(ROOT, 'target/models/minilm.onnx');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_S ?? 60) * 1000;
const LENGTHS = (process.env.BENCH_LENGTHS ?? '16,128,512').split(',').map(Number);
const PEERS = (process.env.BENCH_PEERS ?? 'attnscope,ort,tjs').split(',');
// A runtime whose median forward at some T exceeds this is not run at longer T (SwiftShader
// makes a GPU forward at T = 128 take tens of seconds); the table says so.
const SLOW_MS = Number(process.env.BENCH_SLOW_S ?? 15) * 1000;
if (!existsSync(join(MINILM, 'model.safetensors')) || !existsSync(ONNX)) {
  console.log(`peers: skipped (needs ${MINILM} from scripts/fetch-minilm.sh and the ONNX export ${ONNX}, `
    + 'written by ONNX=… tools/golden/make_hf_fixtures.py on a machine with PyTorch)');
  process.exit(0);
}

// transformers.js reads <model>/config.json and <model>/onnx/model.onnx.
const TJS = join(ROOT, 'target/models/tjs');
await rm(TJS, { recursive: true, force: true });
await mkdir(join(TJS, 'all-MiniLM-L6-v2/onnx'), { recursive: true });
await copyFile(join(MINILM, 'config.json'), join(TJS, 'all-MiniLM-L6-v2/config.json'));
await symlink(ONNX, join(TJS, 'all-MiniLM-L6-v2/onnx/model.onnx'));

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p95: at(0.95) };
}

const WORDS = 'the film is a long and winding story about a family that moves to the coast and finds new life there'.split(' ');
const textOf = (tokens) => Array.from({ length: tokens - 2 }, (_, i) => WORDS[i % WORDS.length]).join(' ');

/** attnscope on #/attention: bring the folder by URL, then keystrokes at T tokens. */
async function attnscope(page, server, t) {
  const started = Date.now();
  if (!(await page.$('#summary-user-1'))) {
    await page.goto(server.base + '#/attention');
    await page.waitForSelector('#summary-sentiment-transformer', { state: 'attached', timeout: 120000 });
    await page.click('#byo summary');
    await page.fill('#byo-url', 'byo/minilm/');
    await page.click('#byo-url-load');
    await page.waitForSelector('#byo-status[data-state="done"]', { timeout: 300000 });
  }
  const text = textOf(t);
  await page.fill('#live-text', text);
  const summary = '#summary-user-1';
  const shown = (expected) => page.waitForFunction(([s, e]) => document.querySelector(s)?.dataset.text === e, [summary, expected], { timeout: 600000 });
  await shown(text);
  const loadMs = Date.now() - started;
  const times = [];
  let engine;
  const end = Date.now() + 2000 + BUDGET_MS;
  // Warm-up as the peers': three keystrokes, one where a forward takes seconds.
  let warmup = 3;
  for (let i = 0; times.length < RUNS && (times.length < 3 || Date.now() < end); i++) {
    const expected = i % 2 === 0 ? text + 's' : text;
    await page.fill('#live-text', expected);
    await shown(expected);
    const d = await page.$eval(summary, (e) => ({ ...e.dataset }));
    engine = d.engine;
    if (i === 0 && Number(d.forwardMs) > 2000) warmup = 1;
    if (i >= warmup) times.push(Number(d.forwardMs));
  }
  return { loadMs, times, engine };
}

const server = await serveDist({
  mounts: {
    'bench/': join(ROOT, 'tests/e2e/bench/peers'), 'npm/': join(ROOT, 'node_modules'),
    'onnx/': dirname(ONNX), 'tjs/': TJS, 'byo/minilm/': MINILM,
  },
});
const rows = [];
let foreign = [];
try {
  for (const webgpu of [true, false]) {
    const browser = await launch({ webgpu });
    const { page, problems } = await guardedPage(browser, server.origin);
    await page.goto(server.base + 'bench/peers.html'); // a secure context of the origin, for navigator.gpu
    const adapter = webgpu ? await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter(); const i = a?.info;
      return i ? `${i.vendor} ${i.architecture} ${i.device} ${i.description}`.trim() : 'none';
    }) : 'none (WebGPU off)';
    if (PEERS.includes('attnscope')) {
      for (const t of LENGTHS) {
        const slower = rows.find((r) => r.runtime === 'attnscope' && r.backend === (webgpu ? 'WebGPU' : 'CPU (wasm)') && r.median > SLOW_MS);
        if (slower) { rows.push({ runtime: 'attnscope', backend: slower.backend, t, skipped: `T = ${slower.t} took ${(slower.median / 1000).toFixed(1)} s a forward` }); continue; }
        const r = await attnscope(page, server, t);
        rows.push({ runtime: 'attnscope', backend: r.engine === 'gpu' ? 'WebGPU' : 'CPU (wasm)', t, adapter, loadMs: r.loadMs, bytes: statSync(join(MINILM, 'model.safetensors')).size, ...stats(r.times) });
        console.log(JSON.stringify(rows.at(-1)));
      }
    }
    // The peers run once, in the browser with WebGPU (their wasm providers need none).
    if (webgpu) {
      for (const lib of ['ort', 'tjs'].filter((l) => PEERS.includes(l))) {
        for (const device of ['webgpu', 'wasm']) {
          for (const t of LENGTHS) {
            const name = lib === 'ort' ? 'ONNX Runtime Web 1.31.1' : 'transformers.js 4.3.2';
            const slower = rows.find((r) => r.runtime === name && r.backend === (device === 'webgpu' ? 'WebGPU' : 'wasm') && r.median > SLOW_MS);
            if (slower) { rows.push({ runtime: name, backend: slower.backend, t, skipped: `T = ${slower.t} took ${(slower.median / 1000).toFixed(1)} s a forward` }); continue; }
            const peer = await browser.newPage();
            peer.on('request', (r) => { const u = r.url(); if (!u.startsWith(server.origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:')) foreign.push(u); });
            await peer.goto(server.base + 'bench/peers.html');
            await peer.waitForFunction(() => window.peersReady);
            try {
              const r = await peer.evaluate((o) => window.runPeer(o), { lib, device, t, runs: RUNS, budgetMs: BUDGET_MS });
              const ok = r.check.maps === 6 && r.check.hiddenFloats === t * 384;
              rows.push({ runtime: lib === 'ort' ? 'ONNX Runtime Web 1.31.1' : 'transformers.js 4.3.2', backend: device === 'webgpu' ? 'WebGPU' : 'wasm', t, adapter: device === 'webgpu' ? r.adapter : 'none', loadMs: r.loadMs, bytes: r.bytes, outputsOk: ok, ...stats(r.times) });
            } catch (error) {
              rows.push({ runtime: lib, backend: device, t, error: String(error).split('\n')[0] });
            }
            console.log(JSON.stringify(rows.at(-1)));
            await peer.close();
          }
        }
      }
    }
    foreign = foreign.concat(problems.foreignRequests);
    await browser.close();
  }
} finally {
  await server.close();
}
const report = { machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, runs: RUNS, budgetMs: BUDGET_MS, rows, foreign };
await mkdir(OUTPUT, { recursive: true });
await writeFile(join(OUTPUT, 'peers.json'), JSON.stringify(report, null, 2));
console.log('| runtime | backend | T | median ms | p95 ms | n | first load | bytes |');
for (const r of rows) {
  console.log(r.skipped ? `| ${r.runtime} | ${r.backend} | ${r.t} | not run: ${r.skipped} |` : r.error ? `| ${r.runtime} | ${r.backend} | ${r.t} | failed: ${r.error} |` :
    `| ${r.runtime} | ${r.backend} | ${r.t} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.n} | ${(r.loadMs / 1000).toFixed(1)} s | ${(r.bytes / 1e6).toFixed(1)} MB |`);
}
if (foreign.length) { console.error('requests left the origin:', foreign.slice(0, 5)); process.exit(1); }
