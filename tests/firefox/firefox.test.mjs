// The end-to-end suite's core in Firefox ESR (Debian's firefox-esr through geckodriver): every
// route renders, typing updates the maps on the CPU engine and equals the CLI, the element
// works on another origin's page, and the site works offline after the first visit. Firefox
// ESR has no WebGPU on Linux: the page must say so and use the CPU engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, serveHost, cliProbabilities, precachedInPage, OUTPUT } from '../e2e/harness.mjs';
import { startFirefox } from './webdriver.mjs';

let firefox;
before(async () => {
  firefox = await startFirefox();
});
after(async () => {
  await firefox?.close();
});

/** Every route and what it draws once ready (as the Chromium offline test lists them). */
const ROUTES = [
  ['', 'attn-scope.home-live'], ['#/attention', '#summary-sentiment-transformer'], ['#/translate', '#translation'],
  ['#/generate', '#generate-summary'], ['#/pe', '#pe-matrix'], ['#/steps', '#steps-record'],
  ['#/playground', '#pg-h0-weights-table'],
  ...Array.from({ length: 11 }, (_, i) => [`#/lesson/${i + 1}`, '.lesson-stage canvas, .lesson-stage table, .lesson-stage attn-scope']),
  ['#/embed?model=translate-en-es', '.embed-view canvas'], ['#/no-such-route', '[data-testid="not-found"]'],
];

async function shot(name) {
  await mkdir(OUTPUT, { recursive: true });
  await writeFile(join(OUTPUT, `firefox-${name}.png`), await firefox.screenshot());
}

/** Opens `url` fresh (a hash change alone does not reload the app). */
async function open(url) {
  await firefox.goto('about:blank');
  await firefox.goto(url);
}

/** Whether the page shows the panic banner, and what it says. */
const panic = () => firefox.evaluate(() => {
  const banner = document.getElementById('panic-banner');
  return banner && !banner.hidden ? banner.textContent : '';
});

test('Firefox ESR: no WebGPU here, so the page says so and runs the CPU engine', async () => {
  const server = await serveDist();
  try {
    await open(server.base + '#/attention?model=sentiment-transformer&text=not%20bad%20at%20all');
    const chip = await firefox.waitFor(() => {
      const c = document.querySelector('#backend-chip');
      return c && c.dataset.backend !== 'detecting' && { kind: c.dataset.backend, text: c.textContent.trim() };
    });
    const hasGpu = await firefox.evaluate(() => Boolean(navigator.gpu));
    assert.equal(chip.kind, hasGpu ? 'webgpu' : 'cpu', chip.text);
    if (!hasGpu) assert.match(chip.text, /WebGPU unavailable/);
    await firefox.waitFor(() => document.getElementById('summary-sentiment-transformer')?.dataset.text === 'not bad at all');
    await shot('attention');
  } finally {
    await server.close();
  }
});

test('Firefox ESR: every route renders without a panic', async () => {
  const server = await serveDist();
  try {
    for (const [hash, ready] of ROUTES) {
      await open(server.base + hash);
      await firefox.waitFor((sel) => document.querySelector(sel), [ready], { timeout: 60000, what: `${hash || 'home'}: ${ready}` });
      assert.equal(await panic(), '', hash);
      if (hash === '#/pe' || hash === '#/lesson/5') await shot(hash.replace(/[#/]+/g, '-').slice(1));
    }
    // The footer names the version the release script packed.
    const footer = await firefox.evaluate(() => document.querySelector('.site-version')?.textContent ?? '');
    assert.match(footer, /attnscope \d+\.\d+\.\d+/);
  } finally {
    await server.close();
  }
});

test('Firefox ESR: typing updates the prediction and the maps, equal to the CLI', async () => {
  const server = await serveDist();
  const model = 'sentiment-transformer';
  const words = ['a ', 'dull', ' and', ' lifeless', ' film'];
  try {
    await open(server.base + `#/attention?model=${model}&text=`);
    await firefox.waitFor((m) => document.getElementById('summary-' + m)?.dataset.text === '', [model]);
    const prefixes = [];
    const seen = [];
    let prefix = '';
    let lastMap = '';
    for (const word of words) {
      await firefox.type('#live-text', word);
      prefix += word;
      prefixes.push(prefix);
      const summary = await firefox.waitFor((m, t) => {
        const e = document.getElementById('summary-' + m);
        return e?.dataset.text === t && { ...e.dataset };
      }, [model, prefix], { what: `the summary of “${prefix}”` });
      seen.push(summary.probabilities.split(',').map(Number));
      // The open head's heatmap is drawn again for the new tokens.
      const map = await firefox.waitFor((previous) => {
        const canvas = [...document.querySelectorAll('canvas[data-rows]')].find((c) => c.getBoundingClientRect().width > 0);
        if (!canvas) return false;
        canvas.scrollIntoView({ block: 'center' });
        const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let h = 2166136261;
        for (let i = 0; i < d.length; i += 7) h = Math.imul(h ^ d[i], 16777619);
        const print = `${canvas.dataset.rows}:${h >>> 0}`;
        return print !== previous && print;
      }, [lastMap], { what: `the heatmap after “${prefix}”` });
      lastMap = map;
    }
    const want = cliProbabilities(model, prefixes);
    seen.forEach((got, i) => got.forEach((p, j) => assert.ok(Math.abs(p - want[i][j]) <= 1e-4, `“${prefixes[i]}” class ${j}: ${p} vs ${want[i][j]}`)));
    const engine = await firefox.evaluate(() => document.querySelector('#backend-chip')?.dataset.backend);
    assert.equal(engine, 'cpu');
    assert.equal(await panic(), '');
    await shot('typed');
  } finally {
    await server.close();
  }
});

test('Firefox ESR: <attn-scope> on another origin\'s page', async () => {
  const server = await serveDist({ cors: true });
  const host = await serveHost({
    '/': {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
        <script type="module" src="${server.base}embed.js"></script></head><body><main>
        <attn-scope id="a" model="sentiment-transformer" view="heatmap" text="not bad at all" editable></attn-scope>
        <attn-scope id="b" model="translate-en-es" view="alignment" text="the red car is fast"></attn-scope>
        </main></body></html>`,
    },
  });
  try {
    await open(host.origin + '/');
    const results = await firefox.waitFor(() => {
      const els = [...document.querySelectorAll('attn-scope')];
      return els.every((e) => e.trace) && els.map((e) => ({ model: e.trace.model, version: e.trace.version, tokens: e.trace.tokens, translation: e.trace.translation }));
    }, [], { timeout: 90000 });
    assert.equal(results[0].model, 'sentiment-transformer');
    assert.deepEqual(results[0].tokens.slice(1, -1), ['not', 'bad', 'at', 'all']);
    assert.match(results[0].version, /^\d+\.\d+\.\d+$/);
    assert.ok(results[1].translation.length > 0);
    // Typing in the element's own box gives a new result.
    await firefox.type({ id: await firefox.shadowElement('#a', 'textarea') }, ' and funny');
    await firefox.waitFor(() => document.getElementById('a').trace?.text === 'not bad at all and funny', [], { what: 'the typed result' });
    await shot('host-page');
  } finally {
    await host.close();
    await server.close();
  }
});

test('Firefox ESR: after the first visit the site works with the server gone', async () => {
  const server = await serveDist();
  await open(server.base);
  await firefox.waitFor(precachedInPage, [], { timeout: 90000, what: 'the precache' });
  await server.close();
  // Each route opened afresh, as a reader opens the site with no network.
  for (const [hash, ready] of ROUTES.slice(0, 7)) {
    await open(server.base + hash);
    await firefox.waitFor((sel) => document.querySelector(sel), [ready], { timeout: 60000, what: `offline ${hash || 'home'}` });
    assert.equal(await panic(), '', hash);
  }
  // A reload as the reader makes it (WebDriver's own refresh bypasses service workers).
  await firefox.evaluate(() => { window.beforeReload = true; location.reload(); });
  await firefox.waitFor(() => !window.beforeReload && document.getElementById('pg-h0-weights-table'), [], { what: 'the reloaded playground' });
  assert.equal(await panic(), '');
});
