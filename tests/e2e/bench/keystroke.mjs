// Benchmark (not a test): keystroke → painted frame while typing at a person's pace (a key
// every 90 ms) at the end of a long text, as a new user would: #/attention near the model's
// 128 tokens (Transformer and BiLSTM), #/translate at 30 words and #/generate (the decoder, which
// keeps its keys and values while the text grows) near 128 tokens, on the CPU engine (WebGPU
// off) unless ENGINE=gpu. The page's own record (`window.__attnscopeLatencies`: input event →
// the animation frame that shows its result). Writes test-output/keystroke.json.
// PROFILE=1 also records a CPU profile of the typing and prints the functions with the most
// self time (wasm functions by name: build with `ATTNSCOPE_KEEP_NAMES=1 trunk build --release`,
// see scripts/optimise-wasm.mjs), to see where a frame goes. BENCH_CASES (a regex) picks cases.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';
import { serveDist, launch, guardedPage, OUTPUT } from '../harness.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 60);
const PACE_MS = 90;
const webgpu = process.env.ENGINE === 'gpu';
// Long enough that T ends near the models' 128 tokens, short enough that it never reaches them:
// past 128 the input is cut, the maps stop changing and a key costs almost nothing (an earlier
// version of this benchmark let the second half of its keys do that).
const REVIEW = 'the film is a long and winding story about a family that moves to the coast , '.repeat(6).trim()
  .split(' ').slice(0, -7).join(' ');
const TRANSLATE = 'the old man and his young daughter walked slowly along the quiet river every morning before the long working day began in the small town near the sea'
  .split(' ').slice(0, 29).join(' ');
const TYPED = ' and then a new day came to the town by the sea';

const allCases = [
  { name: 'attention · sentiment-transformer', route: 'attention', model: 'sentiment-transformer', box: '#live-text', text: REVIEW },
  { name: 'attention · sentiment-bilstm', route: 'attention', model: 'sentiment-bilstm', box: '#live-text', text: REVIEW },
  { name: 'translate · 30 words', route: 'translate', model: 'translate', box: '#translate-text', text: TRANSLATE },
  { name: 'generate · story-decoder', route: 'generate', model: 'story-decoder', box: '#generate-text', text: REVIEW, summary: '#generate-summary' },
];
// BENCH_CASES (a regex) runs only the cases whose name matches, e.g. BENCH_CASES=translate.
const cases = allCases.filter((c) => new RegExp(process.env.BENCH_CASES ?? '').test(c.name));

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted.at(-1) };
}

/** The functions with the most self time in a CDP profile. */
function hottest(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms ${(100 * ms / total).toFixed(1).padStart(5)} %  ${name}`);
}

/** Inclusive time of every function whose name matches one of PROFILE_INCLUSIVE (a regex). */
function inclusive(profile, pattern) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const re = new RegExp(pattern);
  const totals = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const name = byId.get(n).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '');
      const m = name.match(re);
      if (m && !seen.has(m[0])) { seen.add(m[0]); totals.set(m[0], (totals.get(m[0]) ?? 0) + (dt[i] ?? 0) / 1000); }
    }
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms (inclusive)  ${name}`);
}

/** Self time on the renderer's main thread by trace event name (time in an event minus the
 * time in the events nested in it). */
function mainThreadTime(trace) {
  const events = trace.traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  const close = (until) => {
    while (stack.length && stack.at(-1).end <= until) stack.pop();
  };
  for (const e of mine) {
    close(e.ts);
    const name = e.name === 'FunctionCall' ? `FunctionCall ${e.args?.data?.functionName ?? ''}` : e.name;
    self.set(name, (self.get(name) ?? 0) + e.dur / 1000);
    if (stack.length) self.set(stack.at(-1).name, self.get(stack.at(-1).name) - e.dur / 1000);
    stack.push({ end: e.ts + e.dur, name });
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([n, ms]) => `${ms.toFixed(0).padStart(7)} ms self  ${n}`);
}

const server = await serveDist();
const browser = await launch({ webgpu });
const results = [];
try {
  for (const c of cases) {
    const { page } = await guardedPage(browser, server.origin);
    const query = c.route === 'attention' ? `?model=${c.model}&text=${encodeURIComponent(c.text)}` : `?text=${encodeURIComponent(c.text)}`;
    await page.goto(server.base + `#/${c.route}` + query);
    const summary = c.summary ?? `#summary-${c.model}`;
    await page.waitForFunction(([s, t]) => document.querySelector(s)?.dataset.text === t, [summary, c.text], { timeout: 60000 });
    await page.focus(c.box);
    await page.keyboard.press('End');
    // Warm-up: a few keys, then start the record afresh.
    for (const ch of ' a b') { await page.keyboard.type(ch); await page.waitForTimeout(PACE_MS); }
    await page.waitForTimeout(500);
    await page.evaluate(() => { window.__attnscopeLatencies = []; });
    let cdp;
    if (process.env.PROFILE) {
      cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    if (process.env.TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] });
    let typed = '';
    for (let i = 0; i < KEYS; i++) {
      const ch = TYPED[i % TYPED.length];
      // Every eighth key is a correction, as people type.
      if (i % 8 === 7) await page.keyboard.press('Backspace'); else { await page.keyboard.type(ch); typed += ch; }
      await page.waitForTimeout(PACE_MS);
    }
    await page.waitForTimeout(1000);
    const entries = await page.evaluate(() => window.__attnscopeLatencies);
    // BENCH_RAW=1 prints every key's latency / forward / T, in typing order.
    if (process.env.BENCH_RAW) console.log(entries.map((e) => `${e.ms.toFixed(1)}/${e.forwardMs.toFixed(1)}/${e.t}`).join(' '));
    const ms = stats(entries.map((e) => e.ms));
    const forward = stats(entries.map((e) => e.forwardMs));
    const result = {
      case: c.name, engine: entries[0]?.engine, t_min: Math.min(...entries.map((e) => e.t)), t_max: Math.max(...entries.map((e) => e.t)),
      keys: KEYS, painted: entries.length, keystroke_to_paint_ms: ms, forward_ms: forward,
    };
    results.push(result);
    console.log(JSON.stringify(result));
    if (process.env.TRACE) {
      const trace = await browser.stopTracing();
      // TRACE_FILE=path keeps the raw trace (one file per case: the case's name is appended).
      if (process.env.TRACE_FILE) await writeFile(`${process.env.TRACE_FILE}.${c.model}.json`, trace);
      console.log(mainThreadTime(JSON.parse(trace)).join('\n'));
    }
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      console.log(hottest(profile).join('\n'));
      if (process.env.PROFILE_INCLUSIVE) console.log(inclusive(profile, process.env.PROFILE_INCLUSIVE).join('\n'));
    }
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}
await mkdir(OUTPUT, { recursive: true });
await writeFile(join(OUTPUT, `keystroke-${webgpu ? 'gpu' : 'cpu'}.json`), JSON.stringify({
  machine: `${os.cpus().length}× ${os.cpus()[0]?.model}`, chromium: 'headless, Debian', pace_ms: PACE_MS, results,
}, null, 2));
