// Benchmark (not a test): each engine's forward in headless Chromium, per model and length —
// the time from a keystroke's forward starting to its results being available (tokenising,
// uniforms, encoding, the one submit and the awaited readback; the page's `forward_ms`), and
// the submits and dispatches each GPU forward made (counted by the engine). WebGPU here is
// SwiftShader, a CPU emulation: the GPU numbers say what the page does, not what a GPU can.
// Writes test-output/engine-forward.json.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';
import { serveDist, launch, guardedPage, OUTPUT } from '../harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WORDS = 'the film is a long and winding story about a family that moves to the coast and finds a new life there'.split(' ');

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p95: at(0.95) };
}

function textOf(words) {
  const out = [];
  for (let i = 0; out.length < words; i++) out.push(WORDS[i % WORDS.length]);
  return out.join(' ');
}

const pages = [
  { route: 'attention', model: 'sentiment-transformer', box: '#live-text' },
  { route: 'attention', model: 'sentiment-bilstm', box: '#live-text' },
  { route: 'translate', model: 'translate', box: '#translate-text' },
];

const server = await serveDist();
const results = [];
try {
  for (const webgpu of [true, false]) {
    const browser = await launch({ webgpu });
    for (const { route, model, box } of pages) {
      for (const words of [14, 62, 126]) {
        if (route === 'translate' && words > 62) continue; // the translator reads 64 tokens
        const { page, context } = await guardedPage(browser, server.origin);
        const text = textOf(words);
        const query = route === 'attention' ? `?model=${model}&text=${encodeURIComponent(text)}` : `?text=${encodeURIComponent(text)}`;
        await page.goto(server.base + `#/${route}` + query);
        const summary = `#summary-${model}`;
        await page.waitForFunction(([s, t]) => document.querySelector(s)?.dataset.text === t, [summary, text], { timeout: 60000 });
        await page.focus(box);
        await page.keyboard.press('End');
        const forward = [], submits = new Set(), dispatches = new Set();
        let engine, tokens;
        for (let i = 0; i < RUNS + 2; i++) {
          const key = i % 2 === 0 ? 's' : 'Backspace';
          const expected = i % 2 === 0 ? text + 's' : text;
          await page.keyboard.press(key);
          await page.waitForFunction(([s, t]) => document.querySelector(s)?.dataset.text === t, [summary, expected], { timeout: 60000 });
          const d = await page.$eval(summary, (e) => ({ ...e.dataset }));
          if (i < 2) continue; // warm-up
          forward.push(Number(d.forwardMs));
          submits.add(d.submits); dispatches.add(d.dispatches);
          engine = d.engine; tokens = d.t ?? d.source?.split(' ').length;
        }
        results.push({ model, engine, tokens: Number(tokens), forward_ms: stats(forward), submits_per_forward: [...submits], dispatches_per_forward: [...dispatches] });
        console.log(JSON.stringify(results.at(-1)));
        await context.close();
      }
    }
    await browser.close();
  }
} finally {
  await server.close();
}
await mkdir(OUTPUT, { recursive: true });
await writeFile(join(OUTPUT, 'engine-forward.json'), JSON.stringify({
  machine: `${os.cpus()[0]?.model} × ${os.cpus().length}`, browser: 'headless Chromium (Debian)', runs: RUNS, results,
}, null, 2));
