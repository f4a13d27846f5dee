// Soak (report-only benchmark, with three hard checks): a classroom hour of use in headless
// Chromium — typing, deleting, pasting long text, switching models, routes, masks and heads,
// the step-through and the playground, losing the GPU device once and coming back — while
// sampling, after a forced garbage collection, the JS heap, the wasm memory and the GPU
// networks the engines hold. Writes test-output/soak.json.
//
//   SOAK_SECONDS=1800 node tests/e2e/bench/soak.mjs     (the hour's half; the test command runs 120 s)
//
// Fails (exit 1) on: a console error, GPU networks not released when the page switches model,
// or (runs of 10 minutes and more) memory growing more than 10 % after warm-up.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';
import { growthAfterWarmup } from './growth.mjs';
import { serveDist, launch, guardedPage, OUTPUT } from '../harness.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const SAMPLE_EVERY_MS = Math.max(5000, SECONDS * 1000 / 24);
const LONG = 'the acting is wonderful but the plot is a mess and the ending drags on far too long '.repeat(8);

const server = await serveDist();
const browser = await launch({ webgpu: true });
const failures = [];
const samples = [];
let actions = 0;
try {
  const { page, problems } = await guardedPage(browser, server.origin);
  const cdp = await page.context().newCDPSession(page);
  async function sample(label) {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const memory = await page.evaluate(() => window.__attnscopeMemory?.() ?? {});
    samples.push({ t: Math.round((Date.now() - start) / 1000), label, jsHeap: heap.usedSize, ...memory });
  }
  const go = async (hash, ready) => {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForSelector(ready, { state: 'attached', timeout: 60000 });
  };
  const start = Date.now();
  await page.goto(server.base + '#/attention');
  await page.waitForSelector('#summary-sentiment-transformer', { state: 'attached', timeout: 60000 });
  let lost = false;
  let nextSample = 0;
  const models = ['sentiment-transformer', 'sentiment-bilstm', 'topic-transformer', 'topic-bilstm'];
  try {
  for (let round = 0; Date.now() - start < SECONDS * 1000; round++) {
    // Live attention: type, delete, paste, switch model, mask, switch a head off, compare.
    await go('#/attention', '#live-text');
    const box = page.locator('#live-text');
    await box.fill('');
    await box.pressSequentially('not bad at all, a must-see', { delay: 15 });
    for (let i = 0; i < 6; i++) await box.press('Backspace');
    await box.fill(LONG);
    const model = models[round % models.length];
    await page.selectOption('#live-model', model);
    await page.waitForSelector(`#summary-${model}`, { state: 'attached', timeout: 60000 });
    // A model switch releases the old model's GPU network: at most the page's one model holds one.
    // (A load that was still in flight when its page went away ends, and is dropped, a
    // moment later: allow 5 s.)
    const released = await page.waitForFunction(() => (window.__attnscopeMemory()?.gpuNetworks ?? 0) <= 1, null, { timeout: 5000 })
      .then(() => true, () => false);
    if (!released) {
      const { gpuNetworks } = await page.evaluate(() => window.__attnscopeMemory());
      failures.push(`round ${round}: ${gpuNetworks} GPU networks alive on a one-model page after 5 s`);
    }
    await page.locator('.token-chip').nth(1).click();
    const switchOff = page.locator('.head-switch').first();
    if (await switchOff.count()) await switchOff.click();
    await page.locator('#live-compare').check();
    await page.locator('#live-compare').uncheck();
    // Translation, the step-through, the playground, the PE explorer, the lesson's home page.
    await go('#/translate', '#translate-text');
    await page.locator('#translate-text').fill('the red car is fast ' + round);
    await go(`#/steps?model=${models[round % 4]}&text=not%20bad&step=2`, '#steps-record');
    await page.keyboard.press('ArrowRight');
    await go('#/playground', '#pg-q-0-0');
    await page.fill('#pg-q-0-0', String(round % 7));
    await page.click('#preset-random');
    await go('#/pe?d=256&n=256', '#pe-matrix');
    await go('#/', 'attn-scope.home-live');
    if (!lost && Date.now() - start > SECONDS * 1000 / 3) {
      await page.evaluate(() => window.__attnscopeLoseGpu?.());
      lost = true;
    }
    actions++;
    if (Date.now() - start >= nextSample) {
      await sample(`round ${round}`);
      nextSample = Date.now() - start + SAMPLE_EVERY_MS;
    }
  }
  } catch (error) {
    failures.push(`stopped: ${String(error).split('\n')[0]}; console: ${problems.consoleErrors.slice(-3).join(' | ')}`);
    await page.screenshot({ path: join(OUTPUT, 'soak-stopped.png') }).catch(() => {});
  }
  await sample('end');
  const errors = problems.consoleErrors.filter((e) => !/device|destroyed|lost/i.test(e));
  if (errors.length) failures.push(`console errors: ${errors.slice(0, 5).join(' | ')}`);
  if (problems.foreignRequests.length) failures.push(`requests outside the origin: ${problems.foreignRequests.slice(0, 3)}`);
} finally {
  await browser.close();
  await server.close();
}

// Two minutes are all warm-up (V8's caches fill): the growth is judged on long runs only.
const growth = growthAfterWarmup(samples);
for (const [key, fraction] of Object.entries(growth)) {
  if (fraction > 0.10 && SECONDS >= 600) failures.push(`${key} grew ${(fraction * 100).toFixed(1)} % after warm-up`);
}
const report = {
  machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  seconds: SECONDS, rounds: actions, samples, growth, failures,
};
await mkdir(OUTPUT, { recursive: true });
await writeFile(join(OUTPUT, `soak-${SECONDS}s.json`), JSON.stringify(report, null, 2));
const mb = (b) => (b / 2 ** 20).toFixed(1);
const first = samples[0]; const last = samples.at(-1);
console.log(`soak ${SECONDS} s, ${actions} rounds: JS heap ${mb(first.jsHeap)} → ${mb(last.jsHeap)} MB, wasm ${mb(first.wasmBytes)} → ${mb(last.wasmBytes)} MB, `
  + `GPU networks ${first.gpuNetworks} → ${last.gpuNetworks}; growth after warm-up: `
  + Object.entries(growth).map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`).join(', '));
if (failures.length) {
  console.error('soak failed:\n  ' + failures.join('\n  '));
  process.exit(1);
}
