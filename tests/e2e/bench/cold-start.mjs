// Benchmark (not a test): cold start on localhost — navigation → the first painted heatmap (the
// page's own User Timing mark `attnscope-first-heatmap`; `attnscope-wasm-ready` marks the wasm
// compiled and started), and the bytes the page fetched by
// then and in all, for each route with a heatmap: WebGPU off (CPU engine), WebGPU on with
// engine=auto (the default: SwiftShader here is a software adapter, so the CPU engine) and
// WebGPU on with the GPU engine forced. A fresh browser context per run (empty cache, no
// service worker); RUNS runs each. Writes test-output/cold-start.json.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';
import { serveDist, launch, guardedPage, OUTPUT } from '../harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const routes = ['#/attention', '#/translate', '#/pe'];

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p95: at(0.95) };
}

const server = await serveDist();
const results = [];
try {
  for (const [webgpu, engine] of [[false, 'auto'], [true, 'auto'], [true, 'gpu']]) {
    const browser = await launch({ webgpu });
    for (const route of routes) {
      const first = [], ready = [], before = [], total = [];
      let adapter = '';
      for (let run = 0; run < RUNS; run++) {
        const { page, context } = await guardedPage(browser, server.origin, undefined, { engine });
        await page.goto(server.base + route);
        await page.waitForFunction(() => performance.getEntriesByName('attnscope-first-heatmap').length > 0, null, { timeout: 120000 });
        await page.waitForTimeout(300);
        const m = await page.evaluate(() => {
          const mark = performance.getEntriesByName('attnscope-first-heatmap')[0].startTime;
          const nav = performance.getEntriesByType('navigation')[0];
          const resources = performance.getEntriesByType('resource');
          const size = (e) => e.transferSize || e.encodedBodySize || 0;
          return {
            mark,
            wasmReady: performance.getEntriesByName('attnscope-wasm-ready')[0]?.startTime ?? null,
            before: size(nav) + resources.filter((r) => r.responseEnd <= mark).reduce((a, r) => a + size(r), 0),
            total: size(nav) + resources.reduce((a, r) => a + size(r), 0),
            chip: document.querySelector('#backend-chip')?.textContent.trim(),
          };
        });
        first.push(m.mark); ready.push(m.wasmReady); before.push(m.before); total.push(m.total); adapter = m.chip;
        await context.close();
      }
      const result = {
        route, webgpu, engine, backend: adapter,
        first_heatmap_ms: stats(first), wasm_ready_ms: stats(ready), bytes_before_first_heatmap: stats(before).median, bytes_total: stats(total).median,
      };
      results.push(result);
      console.log(JSON.stringify(result));
    }
    await browser.close();
  }
} finally {
  await server.close();
}
await mkdir(OUTPUT, { recursive: true });
await writeFile(join(OUTPUT, 'cold-start.json'), JSON.stringify({
  machine: `${os.cpus().length}× ${os.cpus()[0]?.model}`, runs: RUNS, results,
}, null, 2));
