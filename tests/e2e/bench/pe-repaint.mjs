// Benchmark (not a test): how long a control change takes to repaint the PE explorer at
// d_model = 512 × 512 positions, in headless Chromium. Writes test-output/pe-repaint.json.
//
// Per change we record, inside the page:
//   update_ms  – from the keydown handler to the last plot painted (the app's own clock);
//   frame_ms   – from dispatching the keydown to the next requestAnimationFrame callback,
//                i.e. when the browser can present the new frame (headless Chromium's frame
//                clock ticks at 60 Hz, so this includes waiting for the next tick).
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';
import { serveDist, launch, guardedPage, OUTPUT } from '../harness.mjs';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 60);

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), min: sorted[0], max: sorted.at(-1) };
}

const server = await serveDist();
const browser = await launch({ webgpu: true });
try {
  const { page } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/pe?d=512&n=512&dims=10,11,30,31');
  await page.waitForSelector('#pe-similarity[data-rows="512"][data-plot-width]');
  const samples = [];
  for (let i = 0; i < CHANGES + 5; i++) {
    const key = i % 2 === 0 ? 'ArrowDown' : 'ArrowUp';
    const sample = await page.evaluate((key) => new Promise((resolve) => {
      const input = document.getElementById('pe-d-model');
      const perf = document.getElementById('pe-perf');
      perf.removeAttribute('data-update-ms');
      const t0 = performance.now();
      input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      requestAnimationFrame(() => {
        const frame = performance.now() - t0;
        const draw = ['pe-matrix', 'pe-similarity'].map((id) => Number(document.getElementById(id).dataset.drawMs));
        // The attribute is written when the last plot has painted: present here means the
        // whole update was done before the browser started the next frame.
        const done = perf.dataset.updateMs !== undefined;
        resolve({ frame_ms: frame, update_ms: Number(perf.dataset.updateMs), done, draw_ms: draw });
      });
    }), key);
    if (i >= 5) samples.push(sample); // the first few warm up the JIT and caches
    await page.waitForTimeout(30);
  }
  const report = {
    what: 'PE explorer repaint after a d_model change, 512 positions × 512 dimensions (both heatmaps + curves)',
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()}`,
    browser: `${browser.version()} headless`,
    update_ms: stats(samples.map((s) => s.update_ms)),
    frame_ms: stats(samples.map((s) => s.frame_ms)),
    pe_matrix_draw_ms: stats(samples.map((s) => s.draw_ms[0])),
    similarity_draw_ms: stats(samples.map((s) => s.draw_ms[1])),
    painted_before_next_frame: `${samples.filter((s) => s.done).length}/${samples.length}`,
  };
  await mkdir(OUTPUT, { recursive: true });
  await writeFile(join(OUTPUT, 'pe-repaint.json'), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report, null, 2));
} finally {
  await browser.close();
  await server.close();
}
