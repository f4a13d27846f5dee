// One figure model for every surface: each view of each shipped model, as an <attn-scope>
// element reports it (`element.trace`, the `attnscope-result` detail), equals the figure the
// CLI prints for the same text and options (`render --format json`): the same caption, axis
// captions, row and column labels and map names exactly, the same values within the GPU
// engine's tolerance. And the events a host page's script relies on: the first result after
// setting `text` or `mask` is for that text and those masks, never the previous answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, serveHost, launch, guardedPage, ROOT } from './harness.mjs';

/** GPU maps against the CPU reference (f32 softmax on another device; rollout multiplies
 * the layers' maps, so their differences add up). */
const GPU_TOLERANCE = 5e-4;
const TEXT = 'the red car is not bad at all';

/** [element id, model, view, layer, head, heads off] for every view. */
const CASES = [
  ['heatmap', 'sentiment-transformer', 'heatmap', 1, 2, ''],
  ['head', 'topic-transformer', 'head', 1, 0, ''],
  ['model', 'topic-transformer', 'model', 0, 3, '0.1'],
  ['rollout', 'sentiment-transformer', 'rollout', 0, 0, '1.0,0.2'],
  ['pooling', 'sentiment-bilstm', 'pooling', 0, 0, ''],
  ['alignment', 'translate-en-es', 'alignment', 0, 0, ''],
  ['pe', 'sentiment-transformer', 'pe', 0, 0, ''],
  ['causal', 'story-decoder', 'heatmap', 3, 1, ''],
  ['next', 'story-decoder', 'next-token', 0, 0, ''],
];

let attn;
let host;
let browser;

function page(body) {
  const policy = [
    "default-src 'self'", `script-src ${attn.origin} 'wasm-unsafe-eval'`, `connect-src 'self' ${attn.origin}`,
    "img-src 'self' data: blob:", "object-src 'none'", "base-uri 'none'",
  ].join('; ');
  return {
    headers: { 'content-security-policy': policy },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Figures</title><link rel="icon" href="data:,">
<script type="module" src="${attn.base}embed.js"></script></head><body><main><h1>Every view</h1>${body}</main></body></html>`,
  };
}

before(async () => {
  attn = await serveDist({ cors: true });
  const elements = CASES.map(([id, model, view, layer, head, off]) =>
    `<attn-scope id="${id}" model="${model}" view="${view}" layer="${layer}" head="${head}"${off ? ` off="${off}"` : ''} text="${TEXT}"></attn-scope>`);
  host = await serveHost({
    '/every-view': page(elements.join('\n')),
    '/events': page(`<attn-scope id="e" model="sentiment-transformer" view="heatmap" text="first text"></attn-scope>
<attn-scope id="u" model="sentiment-transformer" view="heatmap" text="这部电影太好看了"></attn-scope>`),
  });
  browser = await launch({ webgpu: true });
});
after(async () => {
  await browser?.close();
  await host?.close();
  await attn?.close();
});

/** The CLI's figure of `view` (its JSON) for `text`. */
function cliFigure(model, view, text, layer, head, off) {
  const out = join(mkdtempSync(join(tmpdir(), 'attnscope-figure-')), 'figure.json');
  const args = ['run', '-q', '--release', '-p', 'attnscope-cli', '--', 'render',
    '--model', join(ROOT, 'assets/models', model), '--text', text, '--view', view,
    '--layer', String(layer), '--head', String(head), '--format', 'json', '-o', out];
  if (off) args.push('--heads-off', off);
  execFileSync('cargo', args, { cwd: ROOT, maxBuffer: 1 << 28 });
  return JSON.parse(readFileSync(out, 'utf8'));
}

async function resultFor(page, id, text) {
  await page.waitForFunction(([id, text]) => document.getElementById(id)?.trace?.text === text, [id, text], { timeout: 90000 });
  return page.$eval('#' + id, (e) => e.trace);
}

test('every view of every shipped model: the element shows the figure the CLI prints', async () => {
  const { page, context, problems } = await guardedPage(browser, host.origin);
  await page.goto(host.origin + '/every-view');
  for (const [id, model, view, layer, head, off] of CASES) {
    const shown = await resultFor(page, id, TEXT);
    const cli = cliFigure(model, view, TEXT, layer, head, off);
    assert.deepEqual(shown.figure, cli.figure, `${id}: caption, axes and labels`);
    assert.deepEqual(shown.maps.map((m) => [m.name, m.rows, m.cols]), cli.maps.map((m) => [m.name, m.rows, m.cols]), `${id}: maps`);
    shown.maps.forEach((map, k) => {
      const want = cli.maps[k].values;
      const worst = map.values.reduce((w, v, i) => Math.max(w, Math.abs(v - want[i])), 0);
      assert.ok(worst <= GPU_TOLERANCE, `${id}: ${map.name} differs by ${worst}`);
    });
    if (id === 'causal') {
      // The decoder's map in the result: exactly 0 after each query (the look-ahead mask), the
      // caption naming the mask, and the most probable next tokens beside it.
      const [{ rows, cols, values }] = shown.maps;
      for (let i = 0; i < rows; i++) for (let j = i + 1; j < cols; j++) assert.equal(values[i * cols + j], 0, `causal (${i}, ${j})`);
      assert.match(shown.figure.caption, /look-ahead mask/);
      assert.ok(shown.nextTokens.length > 0 && shown.nextTokens[0].probability > 0);
    }
    assert.equal(shown.notice ?? null, cli.notice ?? null, `${id}: notice`);
    if (view !== 'pe') assert.equal(shown.engine, 'gpu', `${id}: the GPU engine ran`);
  }
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  await context.close();
});

test('after setting text or mask the next result is for them, and an unreadable text says so', async () => {
  const { page, context, problems } = await guardedPage(browser, host.origin);
  await page.goto(host.origin + '/events');
  await resultFor(page, 'e', 'first text');
  for (const [attribute, value] of [['text', 'second text'], ['mask', '1'], ['text', 'third one here']]) {
    const next = await page.evaluate(([attribute, value]) => new Promise((ok) => {
      const el = document.getElementById('e');
      el.addEventListener('attnscope-result', (e) => ok(e.detail), { once: true });
      el.setAttribute(attribute, value);
    }), [attribute, value]);
    if (attribute === 'text') assert.equal(next.text, value, 'the first event after setting text carries it');
    else assert.deepEqual(next.masked, [1], 'the first event after setting mask was computed with it');
  }
  const unknown = await resultFor(page, 'u', '这部电影太好看了');
  assert.match(unknown.notice, /unknown to the model/);
  assert.ok(unknown.unknownWords.unknown > 0 && unknown.unknownWords.unknown * 2 > unknown.unknownWords.words);
  const shownNotice = await page.$eval('#u', (e) => e.shadowRoot.querySelector('.trace-message')?.textContent);
  assert.match(shownNotice ?? '', /unknown to the model/, 'the notice is on the page, not only in the event');
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  await context.close();
});
