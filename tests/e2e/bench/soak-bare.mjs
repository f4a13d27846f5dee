// Soak without DevTools' bookkeeping: the same classroom round as soak.mjs, but Chromium is
// started by hand and driven from inside the page over a bare DevTools connection that enables
// no domain (no Network, Page or Log records kept for the test). soak.mjs drives the page with
// Playwright, whose Network domain keeps a record of every request for the life of the page
// (Chromium re-fetches the favicon on hash navigations), so its JS heap grows in a way a
// reader's tab does not; this script measures the tab as a reader has it.
//
//   SOAK_SECONDS=600 node --experimental-websocket tests/e2e/bench/soak-bare.mjs
//
// Samples, after a forced garbage collection: the JS heap (Runtime.getHeapUsage), the wasm
// memory and the GPU networks alive (window.__attnscopeMemory). Writes
// test-output/soak-bare-<seconds>s.json; exits 1 on runs of 10 minutes and more whose heap
// grows more than 10 % after warm-up, on a console error, or on a GPU network not released.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { join } from 'node:path';
import { growthAfterWarmup } from './growth.mjs';
import { heapNodes, heapGrowth, heapNet } from './heap-diff.mjs';
import { serveDist, OUTPUT } from '../harness.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const SAMPLE_EVERY_MS = Math.max(5000, SECONDS * 1000 / 24);

const server = await serveDist();
const profile = await mkdtemp(join(tmpdir(), 'attnscope-soak-'));
const chrome = spawn(process.env.CHROMIUM ?? '/usr/bin/chromium', [
  '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu',
  '--enable-features=Vulkan', '--remote-debugging-port=0', `--user-data-dir=${profile}`,
  '--window-size=1280,900', server.base + '#/attention',
], { stdio: ['ignore', 'ignore', 'pipe'] });
const port = await new Promise((resolve, reject) => {
  let text = '';
  chrome.stderr.on('data', (chunk) => {
    text += chunk;
    const match = text.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
    if (match) resolve(Number(match[1]));
  });
  chrome.on('exit', () => reject(new Error('chromium exited: ' + text.slice(-500))));
});
const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const socket = new WebSocket(targets.find((t) => t.type === 'page').webSocketDebuggerUrl);
await new Promise((ok) => socket.addEventListener('open', ok, { once: true }));
let nextId = 0;
const pending = new Map();
let snapshotChunks = [];
socket.addEventListener('message', (event) => {
  const message = JSON.parse(event.data);
  if (message.method === 'HeapProfiler.addHeapSnapshotChunk') snapshotChunks.push(message.params.chunk);
  const waiter = pending.get(message.id);
  if (!waiter) return;
  pending.delete(message.id);
  if (message.error) waiter.reject(new Error(message.error.message)); else waiter.resolve(message.result);
});
/** One DevTools command; no domain is ever enabled. */
const send = (method, params = {}) => new Promise((resolve, reject) => {
  const id = ++nextId;
  pending.set(id, { resolve, reject });
  socket.send(JSON.stringify({ id, method, params }));
});
/** Runs `source` (an async function's body) in the page and returns its value. */
async function inPage(source) {
  const { result, exceptionDetails } = await send('Runtime.evaluate', {
    expression: `(async () => { ${source} })()`, awaitPromise: true, returnByValue: true,
  });
  if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
  return result.value;
}

// The page-side helpers: waiting, typing as an input event would, choosing, going to a route.
const HELPERS = `
  const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
  const until = async (test, ms = 60000, what = String(test)) => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(25)) { const v = test(); if (v) return v; }
    throw new Error('timed out waiting for ' + what + ' on ' + location.hash);
  };
  const $ = (s) => document.querySelector(s);
  const setValue = (el, value) => {
    const proto = Object.getPrototypeOf(el);
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: value.slice(-1) }));
  };
  const type = async (el, text) => { for (let i = 1; i <= text.length; i++) { setValue(el, el.value + text[i - 1]); await sleep(15); } };
  // A reader stays a moment on each view (longer than the URL's 250 ms write delay).
  const go = async (hash, ready) => { location.hash = hash; const el = await until(() => $(ready), 60000, ready); await sleep(300); return el; };
`;

const ROUND = (round) => `${HELPERS}
  const models = ['sentiment-transformer', 'sentiment-bilstm', 'topic-transformer', 'topic-bilstm'];
  const LONG = 'the acting is wonderful but the plot is a mess and the ending drags on far too long '.repeat(8);
  await go('#/attention', '#live-text');
  const box = $('#live-text');
  setValue(box, '');
  await type(box, 'not bad at all, a must-see');
  for (let i = 0; i < 6; i++) { setValue(box, box.value.slice(0, -1)); await sleep(15); }
  setValue(box, LONG);
  const model = models[${round} % 4];
  const select = $('#live-model');
  select.value = model;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await until(() => $('#summary-' + model));
  let released = true;
  try { await until(() => (window.__attnscopeMemory()?.gpuNetworks ?? 0) <= 1, 5000); } catch { released = false; }
  await until(() => document.querySelectorAll('.token-chip')[1]);
  document.querySelectorAll('.token-chip')[1].click();
  $('.head-switch')?.click();
  $('#live-compare')?.click();
  await sleep(50);
  $('#live-compare')?.click();
  await go('#/translate', '#translate-text');
  setValue($('#translate-text'), 'the red car is fast ${round}');
  await go('#/steps?model=' + models[${round} % 4] + '&text=not%20bad&step=2', '#steps-record');
  document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
  await go('#/playground', '#pg-q-0-0');
  setValue($('#pg-q-0-0'), String(${round} % 7));
  $('#preset-random')?.click();
  await go('#/pe?d=256&n=256', '#pe-matrix');
  await go('#/', 'attn-scope.home-live');
  await sleep(100);
  return { released };
`;

/** A heap snapshot of the page, parsed (after a garbage collection, as V8 takes them). */
async function heapSnapshot() {
  snapshotChunks = [];
  await send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  return heapNodes(JSON.parse(snapshotChunks.join('')));
}
// HEAP_DIFF=1: a snapshot half-way (the page's bounded records are full by then) and one at
// the end; what survived between them is written to test-output/soak-heap-diff.json.
const HEAP_DIFF = process.env.HEAP_DIFF === '1';
let firstSnapshot = null;
let heapDiff = null;

const samples = [];
const failures = [];
let rounds = 0;
const start = Date.now();
async function sample(label) {
  await send('HeapProfiler.collectGarbage');
  const heap = await send('Runtime.getHeapUsage');
  const memory = await inPage('return window.__attnscopeMemory?.() ?? {};');
  samples.push({ t: Math.round((Date.now() - start) / 1000), label, jsHeap: heap.usedSize, ...memory });
}
try {
  // The page may still be navigating when the connection opens: retry until it answers.
  for (let tries = 0; ; tries++) {
    try {
      if (await inPage('return document.readyState === "complete" && !!document.querySelector("#summary-sentiment-transformer");')) break;
    } catch (error) {
      if (tries > 600) throw error;
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  // The soak exercises the GPU engine and its loss: `engine=auto` passes over SwiftShader (a
  // software adapter), so the reader's saved choice is `gpu`, as the harness saves it.
  await inPage(`localStorage.setItem('attnscope-engine', 'gpu'); location.reload();`);
  await new Promise((ok) => setTimeout(ok, 2000));
  await inPage(`${HELPERS}
    window.__soakErrors = [];
    const error = console.error.bind(console);
    console.error = (...args) => { if (window.__soakErrors.length < 20) window.__soakErrors.push(args.map(String).join(' ')); error(...args); };
    window.addEventListener('error', (e) => window.__soakErrors.length < 20 && window.__soakErrors.push(String(e.message)));
    await until(() => $('#summary-sentiment-transformer'));`);
  let lost = false;
  let nextSample = 0;
  for (let round = 0; Date.now() - start < SECONDS * 1000; round++) {
    const { released } = await inPage(ROUND(round));
    if (!released) failures.push(`round ${round}: more than one GPU network alive on a one-model page after 5 s`);
    if (!lost && Date.now() - start > SECONDS * 1000 / 3) {
      await inPage('window.__attnscopeLoseGpu?.();');
      lost = true;
    }
    rounds++;
    if (HEAP_DIFF && !firstSnapshot && Date.now() - start > SECONDS * 1000 / 2) firstSnapshot = { round, nodes: await heapSnapshot() };
    if (Date.now() - start >= nextSample) {
      await sample(`round ${round}`);
      nextSample = Date.now() - start + SAMPLE_EVERY_MS;
    }
  }
  await sample('end');
  if (firstSnapshot) {
    const last = await heapSnapshot();
    heapDiff = {
      fromRound: firstSnapshot.round, toRound: rounds - 1,
      net: heapNet(firstSnapshot.nodes, last), kept: heapGrowth(firstSnapshot.nodes, last),
    };
  }
  const errors = (await inPage('return window.__soakErrors;')).filter((e) => !/device|destroyed|lost/i.test(e));
  if (errors.length) failures.push(`console errors: ${errors.slice(0, 5).join(' | ')}`);
} catch (error) {
  failures.push(`stopped: ${String(error).split('\n')[0]}`);
} finally {
  socket.close();
  chrome.kill();
  await server.close();
  await rm(profile, { recursive: true, force: true }).catch(() => {});
}

// Two minutes are all warm-up (V8's caches fill): the growth is judged on long runs only.
const growth = growthAfterWarmup(samples);
for (const [key, fraction] of Object.entries(growth)) {
  if (fraction > 0.10 && SECONDS >= 600) failures.push(`${key} grew ${(fraction * 100).toFixed(1)} % after warm-up`);
}
const report = {
  machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  driver: 'bare DevTools connection, no domain enabled', seconds: SECONDS, rounds, samples, growth, failures,
};
await mkdir(OUTPUT, { recursive: true });
await writeFile(join(OUTPUT, `soak-bare-${SECONDS}s.json`), JSON.stringify(report, null, 2));
if (heapDiff) {
  await writeFile(join(OUTPUT, 'soak-heap-diff.json'), JSON.stringify(heapDiff, null, 2));
  const show = (g) => console.log(`  ${String(g.bytes).padStart(9)} B ${String(g.count).padStart(6)}× ${g.key.slice(0, 140)}`);
  console.log(`net growth from round ${heapDiff.fromRound} to ${heapDiff.toRound}:`);
  heapDiff.net.slice(0, 25).forEach(show);
  console.log('new objects still alive at the end:');
  heapDiff.kept.slice(0, 15).forEach(show);
}
const mb = (b) => (b / 2 ** 20).toFixed(1);
const [first, last] = [samples[0], samples.at(-1)];
if (first) {
  console.log(`soak (bare) ${SECONDS} s, ${rounds} rounds: JS heap ${mb(first.jsHeap)} → ${mb(last.jsHeap)} MB, wasm ${mb(first.wasmBytes)} → ${mb(last.wasmBytes)} MB, `
    + `GPU networks ${first.gpuNetworks} → ${last.gpuNetworks}; growth after warm-up: `
    + Object.entries(growth).map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`).join(', '));
}
if (failures.length || !first) {
  console.error('soak failed:\n  ' + (failures.join('\n  ') || 'no sample'));
  process.exit(1);
}
