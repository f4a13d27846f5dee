// The app shell and the positional-encoding explorer, end to end in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  serveDist, launch, guardedPage, backendChip, cellPixel, canvasFingerprint, screenshot,
} from './harness.mjs';

// viridis at the two values we can compute by hand: PE(0, odd) = cos 0 = 1 (top of the
// scale) and PE(0, even) = sin 0 = 0 (the middle of −1..1).
const VIRIDIS_TOP = [253, 231, 37];
const VIRIDIS_MIDDLE = [33, 145, 140];

let server;
let browser;
before(async () => {
  server = await serveDist();
  browser = await launch({ webgpu: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

function assertColor(actual, expected, what) {
  const close = expected.every((v, i) => Math.abs(v - actual[i]) <= 1);
  assert.ok(close && actual[3] === 255, `${what}: got rgba(${actual}), expected rgb(${expected})`);
}

function assertClean(problems) {
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  assert.deepEqual(problems.foreignRequests, [], 'requests outside the local origin');
}

test('home page under a sub-path, with the WebGPU chip', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base);
  await page.getByRole('heading', { name: 'Watch attention happen' }).waitFor();
  const chip = await backendChip(page);
  assert.equal(chip.kind, 'webgpu', chip.text);
  assert.match(chip.text, /^WebGPU · \S/);
  assert.doesNotMatch(chip.text, /software adapter$/, 'the browser’s adapter info names it');
  await screenshot(page, 'home-desktop.png');
  assertClean(problems);
  await context.close();
});

test('the opening route’s model starts downloading before the wasm, and every file comes once', async () => {
  for (const [hash, model] of [['#/attention?model=topic-transformer', 'topic-transformer'], ['#/translate', 'translate-en-es'], ['#/pe', null]]) {
    const { page, context, problems } = await guardedPage(browser, server.origin, undefined, { engine: 'auto' });
    const requested = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(server.base + hash);
    if (model) {
      await page.waitForFunction(() => performance.getEntriesByName('attnscope-first-heatmap').length > 0, null, { timeout: 60000 });
    } else {
      await page.locator('#pe-view').waitFor({ timeout: 30000 });
      await page.waitForTimeout(500);
    }
    const seen = await page.evaluate(() => ({
      left: [...(globalThis.attnscopePrefetched?.keys() ?? ['(no prefetch map)'])],
      started: Object.fromEntries(performance.getEntriesByType('resource').map((r) => [new URL(r.name).pathname.split('/').slice(-2).join('/'), r.startTime])),
      wasmReady: performance.getEntriesByName('attnscope-wasm-ready')[0]?.startTime,
    }));
    const models = requested.filter((u) => u.includes('/assets/models/'));
    assert.deepEqual(models.filter((u, i) => models.indexOf(u) !== i), [], `${hash}: a model file fetched twice`);
    assert.deepEqual(seen.left, [], `${hash}: every download started early was taken over by the app`);
    if (model) {
      // Before the prefetch, the app asked for its model only once the wasm was running.
      const weights = seen.started[`${model}/model.safetensors`];
      assert.ok(weights !== undefined && seen.wasmReady !== undefined, `${hash}: ${JSON.stringify(seen)}`);
      assert.ok(weights < seen.wasmReady, `${hash}: the weights started at ${weights} ms, after the wasm was ready (${seen.wasmReady} ms)`);
    } else {
      assert.deepEqual(models, [], `${hash} shows no model and downloads none`);
    }
    assertClean(problems);
    await context.close();
  }
});

test('PE explorer: known pixels, keyboard change, hover, URL state', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/pe');
  const matrix = page.locator('#pe-matrix[data-plot-width]');
  await matrix.waitFor();
  assert.equal(await matrix.getAttribute('data-cols'), '128');
  assertColor(await cellPixel(page, 'pe-matrix', 0, 1), VIRIDIS_TOP, 'PE(0,1) = 1');
  assertColor(await cellPixel(page, 'pe-matrix', 0, 0), VIRIDIS_MIDDLE, 'PE(0,0) = 0');
  assertColor(await cellPixel(page, 'pe-matrix', 100, 127), VIRIDIS_TOP, 'PE(100,127) ≈ cos(0.0115) ≈ 1');

  const before = await canvasFingerprint(page, 'pe-matrix');
  await page.focus('#pe-d-model');
  await page.keyboard.press('ArrowUp');
  await page.waitForSelector('#pe-matrix[data-cols="130"]');
  assert.notEqual(await canvasFingerprint(page, 'pe-matrix'), before, 'the heatmap was repainted');
  assert.equal(await page.inputValue('#pe-d-model'), '130');
  await page.waitForFunction(() => location.hash.includes('d=130'));
  assertColor(await cellPixel(page, 'pe-matrix', 0, 129), VIRIDIS_TOP, 'PE(0,129) = 1 after the change');
  const updateMs = Number(await page.getAttribute('#pe-perf', 'data-update-ms'));
  assert.ok(updateMs > 0, 'the input-to-paint time is reported');

  // Hovering a cell reads its exact value.
  const box = await matrix.boundingBox();
  const rect = await page.evaluate(() => {
    const c = document.getElementById('pe-matrix');
    const s = c.width / c.clientWidth;
    return { x: (+c.dataset.plotLeft + 1) / s, y: (+c.dataset.plotTop + 1) / s };
  });
  await page.mouse.move(box.x + rect.x, box.y + rect.y);
  await page.waitForFunction(() => /pos 0 · dim 0 = 0\.000000/.test(document.getElementById('pe-matrix-readout').textContent));

  // The keyboard cursor reads values too: PE(1, 0) = sin 1.
  await page.focus('#pe-matrix');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.getElementById('pe-matrix-readout').textContent.includes(`pos 1 · dim 0 = ${Math.sin(1).toFixed(6)}`));

  // The curves read out too: → moves along positions, ↓ to the next curve.
  await page.focus('#pe-curves');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => /^pos 1 · dim 11 \(cos, i=5\) = 0\.\d{6}$/.test(document.getElementById('pe-curves-readout').textContent));

  // Enter on a cell adds that dimension's curve.
  await page.focus('#pe-matrix');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('pe-dims').value.endsWith('2'));

  // The URL restores the view.
  const hash = await page.evaluate(() => location.hash);
  await page.goto('about:blank');
  await page.goto(server.base + hash);
  await page.waitForSelector('#pe-matrix[data-cols="130"]');
  assert.equal(await page.inputValue('#pe-dims'), '10, 11, 30, 31, 2');
  assertClean(problems);
  await context.close();
});

test('bad input is refused next to the control and never blanks the plots', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/pe?d=64&n=32');
  await page.waitForSelector('#pe-matrix[data-cols="64"]');
  const cases = [
    ['#pe-d-model', '7', /even/],
    ['#pe-d-model', '0', /between 2 and 1024/],
    ['#pe-d-model', '-8', /positive/],
    ['#pe-d-model', '1000000000', /between 2 and 1024/],
    ['#pe-d-model', 'abc', /not a number/],
    ['#pe-d-model', '', /enter a number/],
    ['#pe-positions', '0', /between 1 and 2048/],
    ['#pe-positions', '99999999999', /“99999999999” is far too large/],
    ['#pe-base', '1', /greater than 1/],
    ['#pe-base', 'Infinity', /finite/],
    ['#pe-dims', 'x', /not a dimension/],
  ];
  for (const [selector, text, message] of cases) {
    await page.fill(selector, text);
    const messageLocator = page.locator(`${selector}-message`);
    await assert.doesNotReject(messageLocator.filter({ hasText: message }).waitFor({ timeout: 5000 }), `${selector}=${text}`);
    assert.equal(await page.getAttribute(selector, 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#pe-matrix', 'data-cols'), '64', 'the last valid plot stays');
    assert.equal(await page.inputValue(selector), text, 'the user’s text is kept');
  }
  await page.fill('#pe-d-model', '32');
  await page.waitForSelector('#pe-matrix[data-cols="32"]');
  await screenshot(page, 'pe-bad-input.png');
  assertClean(problems);
  await context.close();
});

test('malformed URL parameters are ignored with a visible notice', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/pe?d=abc&zoom=%zz&n=16&base=-1&dims=1,,3');
  await page.waitForSelector('#pe-matrix[data-rows="16"]');
  const notices = await page.getByTestId('notices').textContent();
  assert.match(notices, /Ignored d=“abc”/);
  assert.match(notices, /unknown parameter “zoom”/);
  assert.match(notices, /Ignored base=“-1”/);
  assert.equal(await page.inputValue('#pe-d-model'), '128');
  await page.getByRole('button', { name: 'Dismiss these notices' }).click();
  await page.getByTestId('notices').waitFor({ state: 'detached' });
  assertClean(problems);
  await context.close();
});

test('exports: PNG decodes, SVG parses and embeds the cells', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/pe?d=32&n=24');
  await page.waitForSelector('#pe-matrix[data-plot-width]');
  for (const [button, name, check] of [
    ['Download the PE matrix · 24 positions × 32 dimensions as PNG', 'pe-matrix.png', async (bytes) => {
      assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
    }],
    ['Download the PE matrix · 24 positions × 32 dimensions as SVG', 'pe-matrix.svg', async (bytes) => {
      const svg = bytes.toString('utf8');
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return { error: !!doc.querySelector('parsererror'), root: doc.documentElement.nodeName, images: doc.querySelectorAll('image').length, texts: doc.querySelectorAll('text').length };
      }, svg);
      assert.deepEqual({ error: parsed.error, root: parsed.root, images: parsed.images }, { error: false, root: 'svg', images: 1 });
      assert.ok(parsed.texts > 5, 'axis labels are text');
    }],
    ['Download the Dimensions over positions as SVG', 'pe-curves.svg', async (bytes) => {
      assert.match(bytes.toString('utf8'), /<svg[\s\S]*<polyline/);
    }],
  ]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
    assert.equal(download.suggestedFilename(), name);
    await check(await readFile(await download.path()));
  }
  assertClean(problems);
  await context.close();
});

test('themes: toggle, persisted, and both look right at 360 px', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin, { width: 360, height: 780 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(server.base + '#/pe');
  await page.waitForSelector('#pe-matrix[data-plot-width]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await screenshot(page, 'pe-360-light.png');
  await page.click('#theme-toggle');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.reload();
  await page.waitForSelector('#pe-matrix[data-plot-width]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark', 'the choice persists');
  await screenshot(page, 'pe-360-dark.png');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForTimeout(100);
  await screenshot(page, 'pe-desktop-dark.png');
  assertClean(problems);
  await context.close();
});

test('dark theme follows the system until the user chooses', async () => {
  const { page, context } = await guardedPage(browser, server.origin);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(server.base + '#/pe');
  await page.waitForSelector('#pe-matrix[data-plot-width]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.setViewportSize({ width: 1280, height: 900 });
  await context.close();
});

test('keyboard: skip link first, then the navigation, with a visible focus ring', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/');
  await page.getByRole('heading', { name: 'Watch attention happen' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid', 'focus is visible');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Live attention');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Translation');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Next token');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Positional encoding');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#pe-matrix[data-plot-width]');
  assert.equal(await page.getAttribute('nav a[aria-current="page"]', 'href'), '#/pe');
  assertClean(problems);
  await context.close();
});

test('unknown routes get a friendly view; a panic shows the error banner', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/no/such/view');
  await page.getByTestId('not-found').waitFor();
  assert.match(await page.getByTestId('not-found').textContent(), /#\/no\/such\/view/);
  assertClean(problems);
  await page.goto(server.base + '#/debug/panic');
  await page.locator('#panic-banner:not([hidden])').waitFor();
  assert.match(await page.locator('#panic-details').textContent(), /deliberate panic/);
  await screenshot(page, 'panic-banner.png');
  await context.close();
});
