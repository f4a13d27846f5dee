// Embedding: <attn-scope> elements on a host page of another origin under a strict CSP, the
// #/embed iframe route, the app's Embed dialog, engines, a lost GPU device and bad input.
// Expected probabilities come from the CLI (the CPU reference, native) on the same text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serveDist, serveHost, launch, guardedPage, screenshot, axeViolations, cliProbabilities, OUTPUT } from './harness.mjs';

let attn; // attnscope's dist/, with CORS, on one origin
let host; // the documentation site, on another
let gpuBrowser;

/** A host page: a strict CSP (no inline script or style, scripts only from attnscope's
 * origin), attnscope's module script, and `body`. */
function hostPage(body, { theme = '', csp = true } = {}) {
  const policy = [
    "default-src 'self'", `script-src ${attn.origin} 'wasm-unsafe-eval'`, `connect-src 'self' ${attn.origin}`,
    "img-src 'self' data: blob:", "object-src 'none'", "base-uri 'none'",
  ].join('; ');
  return {
    headers: csp ? { 'content-security-policy': policy } : {},
    body: `<!doctype html><html lang="en"${theme ? ` data-theme="${theme}"` : ''}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>A docs page</title><link rel="icon" href="data:,">
<script type="module" src="${attn.base}embed.js"></script></head>
<body><main><h1>A chapter about attention</h1><p>Some prose before the figure.</p>${body}
<p>Some prose after it.</p></main></body></html>`,
  };
}

const THREE = `
<attn-scope id="a" model="sentiment-transformer" view="heatmap" layer="1" head="2" text="not bad at all" editable></attn-scope>
<attn-scope id="b" model="topic-transformer" view="model" off="0.1" text="the striker scored twice in the final minutes"></attn-scope>
<attn-scope id="c" model="translate-en-es" view="alignment" text="the red car is fast"></attn-scope>`;

before(async () => {
  attn = await serveDist({ cors: true });
  host = await serveHost({
    '/three': hostPage(THREE),
    '/three-dark': hostPage(THREE, { theme: 'dark' }),
    '/far': hostPage(`${'<p>A long chapter of prose.</p>'.repeat(150)}
<attn-scope id="far" model="sentiment-bilstm" text="a must-see"></attn-scope>`),
    '/bad': hostPage(`
<attn-scope id="m" model="gpt-9"></attn-scope>
<attn-scope id="v" model="sentiment-bilstm" view="sankey"></attn-scope>
<attn-scope id="l" model="sentiment-transformer" layer="9" head="1"></attn-scope>
<attn-scope id="g" model="sentiment-transformer" mask="1,<b>,x"></attn-scope>
<attn-scope id="h" model="sentiment-transformer" view="model" text="<img src=x onerror=&quot;window.hacked=1&quot;> not <b>bad</b>"></attn-scope>
<attn-scope id="t" model="topic-transformer" view="rollout"></attn-scope>`),
  });
  gpuBrowser = await launch({ webgpu: true });
});
after(async () => {
  await gpuBrowser?.close();
  await host?.close();
  await attn?.close();
});

/** The CLI's class probabilities for `text`. */
const cliProbabilitiesOf = (model, text) => cliProbabilities(model, [text])[0];

/** Records every attnscope event of the page's elements, and CSP violations. */
async function recordEvents(page) {
  await page.addInitScript(() => {
    window.__events = [];
    for (const kind of ['attnscope-result', 'attnscope-error']) {
      document.addEventListener(kind, (e) => window.__events.push({ kind, id: e.target.id, detail: e.detail }));
    }
    document.addEventListener('securitypolicyviolation', (e) => window.__events.push({ kind: 'csp', detail: `${e.violatedDirective} ${e.blockedURI}` }));
  });
}

/** Waits until element `id` has shown a result for `text` (and optionally on `engine`). */
async function resultFor(page, id, text, engine) {
  await page.waitForFunction(([id, text, engine]) => {
    const trace = document.getElementById(id)?.trace;
    return trace && trace.text === text && (!engine || trace.engine === engine);
  }, [id, text, engine], { timeout: 60000 });
  return page.$eval('#' + id, (e) => e.trace);
}

/** Distinct colours sampled over every canvas in element `id`'s shadow root. */
async function canvasColours(page, id) {
  // Plots off screen skip drawing (data-stale) until they scroll in.
  await page.$eval('#' + id, (e) => e.scrollIntoView({ block: 'center' }));
  await page.waitForFunction((id) => !document.getElementById(id)?.shadowRoot?.querySelector('[data-stale]'), id, { timeout: 10000 });
  return page.$eval('#' + id, (e) => [...e.shadowRoot.querySelectorAll('canvas')].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 13) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  }));
}

function assertClose(got, want, tolerance, what) {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= tolerance, `${what}: ${g} vs ${want[i]}`));
}

test('three elements on a host page of another origin with a strict CSP', async () => {
  const { page, context, problems } = await guardedPage(gpuBrowser, host.origin);
  await recordEvents(page);
  const firstLoad = attn.requests.length;
  await page.goto(host.origin + '/three');
  const a = await resultFor(page, 'a', 'not bad at all');
  const b = await resultFor(page, 'b', 'the striker scored twice in the final minutes');
  const c = await resultFor(page, 'c', 'the red car is fast');
  assert.equal(a.engine, 'gpu', 'WebGPU is on: the GPU engine runs');
  assert.deepEqual(a.maps.map((m) => m.name), ['layer 2 head 3']);
  assert.equal(a.maps[0].rows, a.tokens.length);
  assert.equal(b.maps.length, 8, 'the model view reports every head (2 layers × 4 heads)');
  assert.ok(c.translation.length > 0 && c.maps[0].name === 'alignment');
  for (const id of ['a', 'b', 'c']) {
    const colours = await canvasColours(page, id);
    assert.ok(colours.length > 0 && colours.every((n) => n > 1), `${id}: every canvas non-uniform (${colours})`);
  }
  const switchedOff = await page.$eval('#b', (e) => e.shadowRoot.querySelectorAll('.head-cell.off').length);
  assert.equal(switchedOff, 1, 'off="0.1" shows one head switched off');
  // The grid lays each layer's heads out in one row (its column count is a CSSOM style).
  const tops = await page.$eval('#b', (e) => [...e.shadowRoot.querySelectorAll('.head-grid-row')[0].querySelectorAll('.head-open')]
    .map((b) => Math.round(b.getBoundingClientRect().top)));
  assert.equal(new Set(tops).size, 1, `layer 1's four heads side by side (tops ${tops})`);

  // Each file once, however many elements asked for it.
  const mine = attn.requests.slice(firstLoad);
  const counts = {};
  for (const path of mine) counts[path] = (counts[path] ?? 0) + 1;
  const repeated = Object.entries(counts).filter(([, n]) => n > 1);
  assert.deepEqual(repeated, [], 'every file fetched once');
  assert.equal(mine.filter((p) => p.endsWith('attnscope_bg.wasm')).length, 1);
  for (const model of ['sentiment-transformer', 'topic-transformer', 'translate-en-es']) {
    assert.equal(counts[`/attnscope/assets/models/${model}/model.safetensors`], 1, model);
  }

  // Script sets text: the view follows and the event carries the CLI's probabilities.
  const text = 'a great cast wasted on a weak script';
  const fired = page.evaluate((text) => new Promise((ok) => {
    const el = document.getElementById('a');
    el.addEventListener('attnscope-result', (e) => { if (e.detail.text === text) ok(e.detail); });
    el.text = text;
  }), text);
  const detail = await fired;
  assertClose(detail.probabilities, cliProbabilitiesOf('sentiment-transformer', text), 1e-4, 'element = CLI');
  assert.equal(await page.$eval('#a', (e) => e.getAttribute('text')), text, 'the property reflects the attribute');

  // Typing into the editable element follows live.
  const box = page.locator('#a').locator('textarea');
  await box.fill('');
  await box.pressSequentially(' it was', { delay: 40 });
  const typed = await resultFor(page, 'a', ' it was');
  assert.equal(typed.tokens.join(' '), '[CLS] it was [SEP]');

  const events = await page.evaluate(() => window.__events);
  assert.deepEqual(events.filter((e) => e.kind === 'csp'), [], 'no CSP violation');
  assert.deepEqual(events.filter((e) => e.kind === 'attnscope-error'), [], 'no error event');
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  const foreign = problems.foreignRequests.filter((u) => !u.startsWith(attn.origin + '/'));
  assert.deepEqual(foreign, [], 'no request to a third origin');
  assert.deepEqual(await axeViolations(page), [], 'axe: serious or critical violations');
  await screenshot(page, 'embed-host-light.png');
  await context.close();
});

test('an element far down the page starts only when scrolled near; what it adds to the load', async () => {
  const { page, context, problems } = await guardedPage(gpuBrowser, host.origin);
  const bytes = {};
  page.on('response', async (r) => {
    if (!r.url().startsWith(attn.origin)) return;
    const body = await r.body().catch(() => Buffer.alloc(0));
    bytes[new URL(r.url()).pathname.replace('/attnscope/', '')] = { bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  await page.goto(host.origin + '/far');
  await page.waitForLoadState('networkidle');
  const before = Object.keys(bytes);
  assert.deepEqual(before, ['embed.js'], 'before it is near the viewport only embed.js loads');
  const idle = await page.$eval('#far', (e) => e.shadowRoot.textContent);
  assert.match(idle, /starts when it scrolls into view/);
  await page.$eval('#far', (e) => e.scrollIntoView());
  await resultFor(page, 'far', 'a must-see');
  const total = (key) => Object.values(bytes).reduce((sum, b) => sum + b[key], 0);
  const report = { firstLoad: bytes['embed.js'], files: bytes, total: { bytes: total('bytes'), gzip: total('gzip') } };
  await writeFile(join(OUTPUT, 'embed-size.json'), JSON.stringify(report, null, 2));
  console.log(`embed size: first load ${bytes['embed.js'].bytes} B (${bytes['embed.js'].gzip} B gzipped); `
    + `after the first view ${report.total.bytes} B (${report.total.gzip} B gzipped)`);
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

test('the host page in the dark theme and at 360 px', async () => {
  const { page, context, problems } = await guardedPage(gpuBrowser, host.origin);
  await page.goto(host.origin + '/three-dark');
  await resultFor(page, 'c', 'the red car is fast');
  await resultFor(page, 'a', 'not bad at all');
  assert.equal(await page.$eval('#a', (e) => e.dataset.theme), 'dark', 'follows the host’s data-theme');
  const background = await page.$eval('#a', (e) => getComputedStyle(e.shadowRoot.querySelector('.attnscope-frame')).backgroundColor);
  assert.equal(background, 'rgb(22, 26, 34)');
  assert.deepEqual(await axeViolations(page), [], 'axe (dark)');
  await screenshot(page, 'embed-host-dark.png');
  // The host switches theme: the elements follow.
  await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  await page.waitForFunction(() => document.getElementById('a').dataset.theme === 'light');

  await page.setViewportSize({ width: 360, height: 800 });
  await page.waitForTimeout(500);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 360 px (${overflow} px too wide)`);
  await screenshot(page, 'embed-host-360.png');
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

test('bad attributes: a readable message inside each element, never a blank one', async () => {
  const { page, context, problems } = await guardedPage(gpuBrowser, host.origin);
  await recordEvents(page);
  await page.goto(host.origin + '/bad');
  await resultFor(page, 't', 'the bank raised interest rates as oil prices climbed');
  const expected = {
    m: /no model “gpt-9”/, v: /no view “sankey”/, l: /no layer 9 head 1/, g: /Ignored mask=“1,<b>,x”/,
  };
  for (const [id, message] of Object.entries(expected)) {
    await page.waitForFunction((id) => document.getElementById(id).trace, id, { timeout: 60000 });
    const alert = await page.$eval('#' + id, (e) => e.shadowRoot.querySelector('[role=alert]')?.textContent ?? '');
    assert.match(alert, message, id);
    const shown = await page.$eval('#' + id, (e) => e.shadowRoot.querySelectorAll('canvas, .pooled-token').length);
    assert.ok(shown > 0, `${id} still shows a view`);
  }
  const errors = await page.evaluate(() => window.__events.filter((e) => e.kind === 'attnscope-error').map((e) => e.id));
  for (const id of Object.keys(expected)) assert.ok(errors.includes(id), `${id} fired attnscope-error`);
  // HTML in text is text: tokens, never markup.
  const h = await page.waitForFunction(() => document.getElementById('h').trace, null, { timeout: 60000 }).then(() => page.$eval('#h', (e) => e.trace));
  assert.ok(h.tokens.includes('<'), 'the markup was tokenised as text');
  assert.equal(await page.evaluate(() => window.hacked), undefined);
  assert.equal(await page.$eval('#h', (e) => e.shadowRoot.querySelectorAll('img').length), 0);
  // 10,000 characters set from script, and a model changed to a bad name later.
  await page.evaluate(() => { document.getElementById('t').text = 'word '.repeat(2000); });
  await page.waitForFunction(() => document.getElementById('t').trace.text.length === 10000, null, { timeout: 60000 });
  const long = await page.$eval('#t', (e) => e.shadowRoot.textContent);
  assert.match(long, /the model reads the first \d+/, 'says the text was cut');
  await page.evaluate(() => { document.getElementById('t').model = '</attn-scope><script>'; });
  await page.waitForFunction(() => /no model/.test(document.getElementById('t').shadowRoot.textContent));
  assert.deepEqual(problems.consoleErrors, [], 'no exception escaped into the host page');
  await context.close();
});

test('CPU engine without WebGPU; a lost GPU device moves every element to the CPU', async () => {
  const cpuBrowser = await launch({ webgpu: false });
  try {
    const { page, context, problems } = await guardedPage(cpuBrowser, host.origin);
    await page.goto(host.origin + '/three');
    const a = await resultFor(page, 'a', 'not bad at all');
    assert.equal(a.engine, 'cpu');
    assertClose(a.probabilities, cliProbabilitiesOf('sentiment-transformer', 'not bad at all'), 1e-5, 'CPU element = CLI');
    assert.deepEqual(problems.consoleErrors, []);
    await context.close();
  } finally {
    await cpuBrowser.close();
  }
  const { page, context, problems } = await guardedPage(gpuBrowser, host.origin);
  await page.goto(host.origin + '/three');
  for (const [id, text] of [['a', 'not bad at all'], ['b', 'the striker scored twice in the final minutes']]) {
    assert.equal((await resultFor(page, id, text)).engine, 'gpu', id);
  }
  const box = page.locator('#a').locator('textarea');
  await box.fill('kept text');
  await resultFor(page, 'a', 'kept text', 'gpu');
  await page.evaluate(() => window.__attnscopeLoseGpu());
  await box.pressSequentially('!', { delay: 20 });
  await resultFor(page, 'a', 'kept text!', 'cpu');
  await page.evaluate(() => { document.getElementById('b').text = 'the minister spoke'; });
  await resultFor(page, 'b', 'the minister spoke', 'cpu');
  assert.equal(await box.inputValue(), 'kept text!', 'the reader’s text is kept');
  const unexpected = problems.consoleErrors.filter((e) => !/device|destroyed|lost/i.test(e));
  assert.deepEqual(unexpected, []);
  await context.close();
});

test('the iframe route and the Embed dialog’s snippets', async () => {
  const { page, context, problems } = await guardedPage(gpuBrowser, attn.origin);
  await page.goto(attn.base + '#/attention?model=sentiment-transformer&text=not%20bad%20at%20all&head=1.2');
  await page.locator('#summary-sentiment-transformer[data-text="not bad at all"]').waitFor({ state: 'attached', timeout: 60000 });
  await page.getByRole('button', { name: 'Embed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this view in your page' });
  await dialog.waitFor();
  const element = await page.inputValue('#embed-element');
  const iframe = await page.inputValue('#embed-iframe');
  assert.match(element, /<attn-scope model="sentiment-transformer" view="heatmap" text="not bad at all" layer="1" head="2"><\/attn-scope>/);
  assert.ok(element.startsWith(`<script type="module" src="${attn.base}embed.js"></script>`), element);
  assert.match(iframe, /<iframe src="[^"]+#\/embed\?model=sentiment-transformer&amp;view=heatmap/);
  assert.deepEqual(await axeViolations(page), [], 'axe on the dialog');
  await screenshot(page, 'embed-dialog.png');
  await page.getByRole('button', { name: 'Close' }).click();
  await context.close();

  // The route alone, in both themes, for axe.
  for (const theme of ['light', 'dark']) {
    const { page, context } = await guardedPage(gpuBrowser, attn.origin);
    await page.goto(`${attn.base}#/embed?model=topic-transformer&view=model&editable=1&theme=${theme}`);
    await page.locator('.embed-view .head-grid').waitFor({ timeout: 60000 });
    assert.equal(await page.$eval('html', (e) => e.dataset.theme), theme);
    assert.deepEqual(await axeViolations(page), [], `axe on #/embed (${theme})`);
    await screenshot(page, `embed-route-${theme}.png`);
    await context.close();
  }

  // The snippets pasted into a fresh page on another origin (no CSP: the resize line is a script).
  const fresh = await serveHost({ '/pasted': { body: `<!doctype html><html lang="en"><head><title>pasted</title><link rel="icon" href="data:,"></head><body>${element.replace('<attn-scope', '<attn-scope id="pasted"')}\n${iframe}</body></html>` } });
  try {
    const { page, context } = await guardedPage(gpuBrowser, fresh.origin);
    await page.goto(fresh.origin + '/pasted');
    const trace = await resultFor(page, 'pasted', 'not bad at all');
    assert.equal(trace.maps[0].name, 'layer 2 head 3', 'the same head as on screen');
    const frame = page.frameLocator('iframe');
    await frame.locator('.embed-view[data-view="heatmap"] canvas').first().waitFor({ timeout: 60000 });
    await page.waitForFunction(() => document.querySelector('iframe').height !== '520', null, { timeout: 30000 });
    const height = Number(await page.$eval('iframe', (f) => f.height));
    assert.ok(height > 300 && height < 3000, `the frame took the view's height (${height})`);
    const frameText = await frame.locator('.trace-summary').getAttribute('data-text');
    assert.equal(frameText, 'not bad at all');
    assert.equal(await frame.locator('nav').count(), 0, 'no navigation in the frame');
    await screenshot(page, 'embed-pasted.png');
    await context.close();
  } finally {
    await fresh.close();
  }
  assert.deepEqual(problems.consoleErrors, []);
});

test('the home page shows the live element, in both themes', async () => {
  const { page, context, problems } = await guardedPage(gpuBrowser, attn.origin);
  await page.goto(attn.base);
  const live = page.locator('attn-scope.home-live');
  await page.waitForFunction(() => document.querySelector('attn-scope.home-live')?.trace?.text === 'not bad at all', null, { timeout: 60000 });
  await live.locator('textarea').fill('a must-see');
  await page.waitForFunction(() => document.querySelector('attn-scope.home-live').trace.text === 'a must-see');
  assert.deepEqual(await axeViolations(page), [], 'axe (home, light)');
  await page.click('#theme-toggle');
  await page.waitForFunction(() => document.querySelector('attn-scope.home-live').dataset.theme === 'dark');
  assert.deepEqual(await axeViolations(page), [], 'axe (home, dark)');
  await screenshot(page, 'home-dark.png');
  assert.deepEqual(problems.consoleErrors, []);
  assert.deepEqual(problems.foreignRequests, []);
  await context.close();
});
