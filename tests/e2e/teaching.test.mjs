// Teaching: the Q/K/V playground against the formula, the step-through against the CLI and the
// live map, presenter mode, and the lesson from its first stop to its last by keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serveDist, launch, guardedPage, screenshot, axeViolations, ROOT } from './harness.mjs';

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

/** The page's Q, K, V, W_q, W_k, v cells as numbers. */
async function readCells(page, prefix) {
  return page.$$eval(`input[id^="${prefix}-"]`, (cells) => {
    const rows = [];
    for (const c of cells) {
      const r = Number(c.dataset.row); const k = Number(c.dataset.col);
      (rows[r] ??= [])[k] = Number(c.value);
    }
    return rows;
  });
}

/** A table of the results as numbers (−∞ as -Infinity), body rows only, last column optional. */
async function readTable(page, id) {
  return page.$$eval(`#${id} tbody tr`, (rows) => rows.map((r) => [...r.querySelectorAll('td')]
    .map((td) => (td.textContent === '−∞' ? -Infinity : Number(td.textContent)))));
}

/** Attention by the formula, in the test (not from the app). */
function expected({ Q, K, V, score, mask, padded = [], heads, temperature = 1, Wq, Wk, wv }) {
  const n = Q.length; const m = K.length; const d = Q[0].length; const dv = V[0].length;
  const dh = d / heads; const dvh = dv / heads;
  const out = []; const perHead = [];
  for (let h = 0; h < heads; h++) {
    const cols = (row, w, start) => row.slice(start, start + w);
    const weights = []; const masked = [];
    for (let i = 0; i < n; i++) {
      const q = cols(Q[i], dh, h * dh);
      const s = K.map((krow, j) => {
        const k = cols(krow, dh, h * dh);
        let v;
        if (score === 'additive') {
          v = wv.reduce((sum, va, a) => sum + va * Math.tanh(Wq[a].reduce((x, w, e) => x + w * q[e], 0) + Wk[a].reduce((x, w, e) => x + w * k[e], 0)), 0);
        } else {
          v = q.reduce((x, qe, e) => x + qe * k[e], 0);
          if (score === 'scaled') v /= Math.sqrt(dh);
        }
        v /= temperature;
        const visible = mask === 'lookahead' ? j <= i : mask === 'padding' ? !padded.includes(j) : true;
        return visible ? v : -Infinity;
      });
      const max = Math.max(...s);
      const e = s.map((v) => (v === -Infinity ? 0 : Math.exp(v - max)));
      const z = e.reduce((a, b) => a + b, 0);
      weights.push(e.map((x) => x / z));
      masked.push(s);
    }
    const output = weights.map((w) => Array.from({ length: dvh }, (_, c) => w.reduce((acc, a, j) => acc + a * V[j][h * dvh + c], 0)));
    perHead.push({ weights, masked, output });
    output.forEach((row, i) => { (out[i] ??= []).push(...row); });
  }
  return { perHead, out };
}

function assertTable(actual, want, what) {
  assert.equal(actual.length, want.length, what);
  actual.forEach((row, i) => row.forEach((v, j) => {
    const w = want[i][j];
    if (w === -Infinity) assert.equal(v, -Infinity, `${what}[${i}][${j}]`);
    else assert.ok(Math.abs(v - w) <= 6e-5, `${what}[${i}][${j}]: ${v} vs ${w}`);
  }));
}

async function checkAgainstFormula(page, settings) {
  const heads = Number(await page.getAttribute('#playground-results', 'data-heads'));
  const input = { Q: await readCells(page, 'pg-q'), K: await readCells(page, 'pg-k'), V: await readCells(page, 'pg-v'), heads, ...settings };
  if (settings.score === 'additive') {
    input.Wq = await readCells(page, 'pg-wq'); input.Wk = await readCells(page, 'pg-wk'); input.wv = (await readCells(page, 'pg-wv'))[0];
  }
  const want = expected(input);
  for (let h = 0; h < heads; h++) {
    assertTable(await readTable(page, `pg-h${h}-weights-table`), want.perHead[h].weights, `${JSON.stringify(settings)} head ${h} weights`);
    assertTable(await readTable(page, `pg-h${h}-scores-table`), want.perHead[h].masked.map((r) => r.map((v) => (v === -Infinity ? v : v))), `head ${h} scores`);
    assertTable(await readTable(page, `pg-h${h}-output-table`), want.perHead[h].output, `head ${h} output`);
  }
  if (heads > 1) assertTable(await readTable(page, 'pg-joined'), want.out, 'joined');
  return want;
}

test('playground: the example, every score function, mask and head count equal the formula', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/playground');
  await page.locator('#pg-h0-weights-table').waitFor();
  // The source documents' example: Q = I, K = I reversed, V = 0, scaled, no mask.
  const top = Math.exp(0.5) / (Math.exp(0.5) + 3);
  const weights = await readTable(page, 'pg-h0-weights-table');
  assert.ok(Math.abs(weights[0][3] - top) < 1e-4 && Math.abs(weights[3][0] - top) < 1e-4, `e^0.5/(e^0.5+3) = ${top}: ${weights}`);
  assert.ok((await readTable(page, 'pg-h0-output-table')).flat().every((v) => v === 0), 'V = 0 gives a zero output');
  await checkAgainstFormula(page, { score: 'scaled', mask: 'none' });
  await page.getByLabel('Dot product', { exact: true }).check();
  await checkAgainstFormula(page, { score: 'dot', mask: 'none' });
  await page.click('#preset-random');
  await checkAgainstFormula(page, { score: 'dot', mask: 'none' });
  await page.getByLabel('Look-ahead').check();
  const causal = await checkAgainstFormula(page, { score: 'dot', mask: 'lookahead' });
  assert.deepEqual(causal.perHead[0].weights[0].slice(1), [0, 0, 0]);
  await page.getByLabel('Padding', { exact: true }).check();
  await page.getByRole('button', { name: 'key 2' }).click();
  await checkAgainstFormula(page, { score: 'dot', mask: 'padding', padded: [1] });
  await page.getByLabel('Scaled dot product').check();
  await page.getByLabel('2 heads', { exact: true }).check();
  await checkAgainstFormula(page, { score: 'scaled', mask: 'padding', padded: [1] });
  await page.getByLabel('4 heads', { exact: true }).check();
  await page.getByLabel('None', { exact: true }).check();
  await checkAgainstFormula(page, { score: 'scaled', mask: 'none' });
  await page.getByLabel('Additive (Bahdanau)').check();
  await page.getByLabel('1 head', { exact: true }).check();
  await checkAgainstFormula(page, { score: 'additive', mask: 'none' });
  await page.fill('#pg-temperature', '0.5');
  await checkAgainstFormula(page, { score: 'additive', mask: 'none', temperature: 0.5 });

  // One cell edited: the output follows.
  await page.fill('#pg-temperature', '1');
  await page.getByLabel('Scaled dot product').check();
  const before = await readTable(page, 'pg-h0-output-table');
  await page.fill('#pg-v-1-1', '7');
  const after = await checkAgainstFormula(page, { score: 'scaled', mask: 'none' });
  assert.notDeepEqual(await readTable(page, 'pg-h0-output-table'), before);
  assert.ok(after.out.length > 0);

  // Bad cells: marked, the last good result kept, a message, no panic.
  const good = await readTable(page, 'pg-h0-output-table');
  for (const bad of ['', 'abc', '1e30', 'NaN']) {
    await page.fill('#pg-q-0-0', bad);
    assert.equal(await page.getAttribute('#pg-q-0-0', 'aria-invalid'), 'true', `“${bad}” is marked`);
    assert.match(await page.textContent('#playground-problem'), /Q row 1 column 1: .*last good result/);
    assert.deepEqual(await readTable(page, 'pg-h0-output-table'), good, 'the last good result stays');
  }
  await page.fill('#pg-q-0-0', '0.5');
  assert.equal(await page.getAttribute('#pg-q-0-0', 'aria-invalid'), 'false');
  assert.ok(await page.isHidden('#playground-problem'));
  assert.ok(await page.isHidden('#panic-banner'));

  // Keyboard: ↓ moves down a column of cells.
  await page.focus('#pg-k-0-2');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'pg-k-1-2');
  assert.deepEqual(await axeViolations(page), [], 'axe');
  await screenshot(page, 'playground.png');

  // Copy from a live sentence: Q, K, V become the model's numbers.
  await page.fill('#pg-live-text', 'not bad');
  await page.click('#preset-live');
  await page.waitForFunction(() => document.querySelectorAll('input[id^="pg-q-"][data-col="0"]').length === 4, null, { timeout: 60000 });
  await checkAgainstFormula(page, { score: 'scaled', mask: 'none' });
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

/** The CLI's trace with head (layer, head) inspected. */
function cliInspect(model, text, layer, head, mask) {
  const args = ['run', '-q', '--release', '-p', 'attnscope-cli', '--', '--model', join(ROOT, 'assets/models', model), '--text', text, '--inspect', `${layer}:${head}`];
  if (mask) args.push('--mask', mask);
  return JSON.parse(execFileSync('cargo', args, { cwd: ROOT, maxBuffer: 1 << 28 }).toString());
}

const row = (m, i) => m.data.slice(i * m.cols, (i + 1) * m.cols);
const parse = (text) => text.split(',').map((v) => (v === '-inf' ? -Infinity : Number(v)));

test('step-through: every number equals the CPU reference (CLI), masks show −∞ and 0, the weights equal the live map', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  const text = 'not bad at all';
  await page.goto(server.base + `#/steps?model=sentiment-transformer&text=${encodeURIComponent(text)}&layer=1&head=2&query=2&mask=4&step=0`);
  await page.waitForFunction(() => document.getElementById('steps-record')?.dataset.weights, null, { timeout: 60000 });
  const record = await page.$eval('#steps-record', (e) => ({ ...e.dataset }));
  assert.equal(record.engine, 'cpu', 'the step-through is the CPU reference');
  const trace = cliInspect('sentiment-transformer', text, 1, 2, '4');
  const t = trace.tokens.length;
  assert.ok(trace.detail, 'the CLI inspected the head');
  // The page runs core compiled to wasm, the CLI runs it native: their dot products add the
  // same terms in different SIMD lane orders, apart by f32 rounding (1.5e-6 of 2.58 seen).
  const close = (a, b, what) => a.forEach((v, i) => {
    if (b[i] === -Infinity) assert.equal(v, -Infinity, what);
    else assert.ok(Math.abs(v - b[i]) <= 1e-5 * (1 + Math.abs(b[i])), `${what}[${i}]: ${v} vs ${b[i]}`);
  });
  close(parse(record.raw), row(trace.detail.raw_scores, 2), 'q·k');
  close(parse(record.scores), row(trace.detail.scores, 2), 'scaled scores');
  const weights = parse(record.weights);
  assert.equal(weights.length, t);
  assert.equal(weights[4], 0, 'the masked key’s weight is 0');
  assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-5);

  // Each step shows its numbers; the mask step says −∞ for the masked key, the weights 0.
  const titles = await page.$$eval('.step-link', (b) => b.map((x) => x.textContent));
  assert.equal(titles.length, 9);
  for (let s = 0; s < titles.length; s++) {
    const id = await page.$eval('.step', (e) => e.dataset.step);
    assert.ok(await page.$eval('.step', (e) => e.querySelector('math') !== null), `${id}: an equation`);
    assert.ok(await page.$eval('.step', (e) => e.querySelectorAll('canvas, table').length > 0), `${id}: numbers`);
    const kernel = await page.$eval('.step .kernel pre', (e) => e.textContent);
    assert.match(kernel, /\S/, `${id}: kernel lines`);
    if (id === 'mask') {
      const cells = await page.$$eval('#steps-masked tbody tr', (rows) => rows.map((r) => r.querySelector('td').textContent));
      assert.equal(cells[4], '−∞');
    }
    if (id === 'weights') {
      const cells = await page.$$eval('#steps-weights tbody tr', (rows) => rows.map((r) => Number(r.querySelector('td').textContent)));
      close(cells, weights.map((w) => Math.round(w * 1e4) / 1e4), 'shown weights (4 decimals)');
    }
    await page.keyboard.press('ArrowRight');
  }
  await screenshot(page, 'steps.png');

  // The live engine (GPU here) on the same sentence, head and mask: the same row.
  await page.goto(server.base);
  await page.waitForFunction(() => document.querySelector('attn-scope.home-live')?.trace, null, { timeout: 60000 });
  await page.evaluate((text) => {
    const el = document.querySelector('attn-scope.home-live');
    Object.assign(el, { layer: '1', head: '2', mask: '4', text });
  }, text);
  await page.waitForFunction((text) => {
    const tr = document.querySelector('attn-scope.home-live').trace;
    const t = tr.tokens.length;
    return tr.text === text && tr.maps[0].name === 'layer 2 head 3' && tr.maps[0].values[2 * t + 4] === 0;
  }, text, { timeout: 30000 });
  const live = await page.$eval('attn-scope.home-live', (e) => e.trace);
  const liveRow = live.maps[0].values.slice(2 * t, 3 * t);
  liveRow.forEach((v, j) => assert.ok(Math.abs(v - weights[j]) < 1e-4, `live ${live.engine} map [2][${j}]: ${v} vs ${weights[j]}`));

  // The BiLSTM's pooling, step by step: α of a masked token is 0.
  await page.goto(server.base + '#/steps?model=sentiment-bilstm&text=not%20bad%20at%20all&mask=1&step=2');
  await page.locator('#steps-pool-weights').waitFor({ timeout: 60000 });
  const alphas = await page.$$eval('#steps-pool-weights tbody tr', (rows) => rows.map((r) => Number(r.querySelectorAll('td')[2].textContent)));
  assert.equal(alphas[1], 0);
  const pooled = parse(await page.$eval('#steps-record', (e) => e.dataset.weights));
  assert.equal(pooled[1], 0);
  // Masking by clicking a token chip: its α becomes 0 too.
  await page.click('#steps-token-2');
  await page.waitForFunction(() => Number(document.getElementById('steps-record').dataset.weights.split(',')[2]) === 0, null, { timeout: 30000 });
  assert.deepEqual(await axeViolations(page), [], 'axe');
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

test('presenter mode: large type, arrows step, both themes at 1280 × 720', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin, { width: 1280, height: 720 });
  await page.goto(server.base + '#/lesson/4?present=1');
  await page.locator('.step').waitFor({ timeout: 60000 });
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(size >= 24, `body text ${size}px`);
  assert.ok(await page.isHidden('nav[aria-label="Views"]'), 'navigation hidden');
  const step = () => page.$eval('.step', (e) => e.dataset.step);
  assert.equal(await step(), 'softmax');
  await page.keyboard.press('ArrowRight');
  assert.equal(await step(), 'weights');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await step(), 'softmax');
  await screenshot(page, 'present-light.png');
  await page.click('#theme-toggle');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  assert.deepEqual(await axeViolations(page), [], 'axe (presenter, dark)');
  await page.screenshot({ path: join(ROOT, 'test-output', 'present-dark.png') });
  await page.click('#theme-toggle');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.documentElement.classList.contains('present'));
  assert.ok(await page.isVisible('nav[aria-label="Views"]'), 'Esc leaves presenter mode');
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

test('step-through of the decoder: the look-ahead mask sends every later key to −∞ and weight 0, as the CLI computes', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  const text = 'the film is a';
  await page.goto(server.base + `#/steps?model=story-decoder&text=${encodeURIComponent(text)}&layer=1&head=2&query=2&step=4`);
  await page.waitForFunction(() => document.getElementById('steps-record')?.dataset.weights, null, { timeout: 60000 });
  const record = await page.$eval('#steps-record', (e) => ({ ...e.dataset }));
  const trace = cliInspect('story-decoder', text, 1, 2, '');
  const t = trace.tokens.length;
  const weights = parse(record.weights);
  assert.equal(weights.length, t);
  // Query 2 ([CLS] the film): keys 3 and after are the future.
  weights.forEach((w, j) => { if (j > 2) assert.equal(w, 0, `key ${j} after the query`); });
  assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  const raw = parse(record.raw);
  row(trace.detail.raw_scores, 2).forEach((v, j) => assert.ok(Math.abs(raw[j] - v) <= 1e-5 * (1 + Math.abs(v)), `q·k[${j}]`));
  assert.equal(await page.$eval('.step', (e) => e.dataset.step), 'mask');
  assert.match(await page.textContent('.step h2, .step h3'), /look-ahead mask/i);
  const cells = await page.$$eval('#steps-masked tbody tr', (rows) => rows.map((r) => r.querySelector('td').textContent));
  cells.forEach((c, j) => (j > 2 ? assert.equal(c, '−∞', `key ${j}`) : assert.notEqual(c, '−∞', `key ${j}`)));
  assert.match(await page.textContent('.step'), /may not attend to tokens 3 to/);
  await screenshot(page, 'steps-decoder.png');
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

/** The lesson's stops (src/views/lesson.rs `STOPS`). */
const STOP_COUNT = 11;

test('the lesson: every stop from its URL, then first to last by keyboard alone', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin, { width: 1280, height: 720 });
  const content = () => page.waitForFunction(() => {
    const stage = document.querySelector('.lesson-stage');
    return stage && stage.querySelectorAll('canvas, table, .pooled-token').length > 0;
  }, null, { timeout: 60000 });
  for (let n = 1; n <= STOP_COUNT; n++) {
    await page.goto(server.base + `#/lesson/${n}`);
    await page.reload();
    await content();
    assert.equal(await page.$eval('#lesson-view', (e) => e.dataset.stop), String(n));
    const look = await page.textContent('.lesson-look');
    assert.ok(look.split(/[.!?](\s|$)/).filter((s) => s && s.trim()).length <= 3, `stop ${n}: at most three sentences`);
  }
  assert.equal(await page.isVisible('#lesson-next'), false, 'the last stop has no next');
  await page.goto(server.base + '#/lesson/1?present=1');
  await content();
  for (let presses = 0; presses < 40; presses++) {
    const stop = await page.$eval('#lesson-view', (e) => Number(e.dataset.stop));
    if (stop === STOP_COUNT) break;
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(150);
  }
  assert.equal(await page.$eval('#lesson-view', (e) => e.dataset.stop), String(STOP_COUNT), 'the arrows reach the last stop');
  await content();
  await screenshot(page, 'lesson-last.png');
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});
