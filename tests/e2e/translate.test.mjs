// The live translation page (#/translate): typing, equality with the CLI, the alignment and
// its exports, the step-through, bad input and decode latency by sentence length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, guardedPage, backendChip, screenshot, ROOT, OUTPUT } from './harness.mjs';

/** The CLI's generated ids for each text. */
function cliIds(texts) {
  const out = execFileSync('cargo', ['run', '-q', '--release', '-p', 'attnscope-cli', '--',
    '--model', join(ROOT, 'assets/models/translate-en-es'), '--lines'],
    { cwd: ROOT, input: texts.join('\n') + '\n', maxBuffer: 1 << 28 }).toString();
  return out.trim().split('\n').map((line) => {
    const trace = JSON.parse(line);
    return trace.output.kind === 'translation' ? trace.output.decoding.ids.join(' ') : '';
  });
}

async function summaryFor(page, text) {
  await page.waitForFunction((t) => document.getElementById('summary-translate')?.dataset.text === t,
    text, { timeout: 30000 });
  return page.$eval('#summary-translate', (e) => ({ ...e.dataset }));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** Keystroke → painted translation at 5, 12 and 30 source words: types the last word. */
async function decodeLatency(page) {
    const words = 'the old man and his young daughter walked slowly along the quiet river every morning before the long working day began in the small town near the sea'.split(' ');
    const report = {};
    for (const n of [5, 12, 30]) {
      const head = words.slice(0, n - 1).join(' ') + ' ';
      await page.fill('#translate-text', head);
      await summaryFor(page, head);
      await page.evaluate(() => { window.__attnscopeLatencies = []; });
      await page.focus('#translate-text');
      await page.keyboard.press('End');
      let text = head;
      for (const ch of 'mountains') {
        await page.keyboard.type(ch);
        text += ch;
        await summaryFor(page, text);
      }
      const entries = await page.evaluate(() => window.__attnscopeLatencies);
      const ms = entries.map((e) => e.ms).sort((a, b) => a - b);
      const decode = entries.map((e) => e.forwardMs).sort((a, b) => a - b);
      report[`${n}_words`] = {
        samples: ms.length, keystroke_to_paint_median_ms: percentile(ms, 0.5), keystroke_to_paint_p95_ms: percentile(ms, 0.95),
        decode_median_ms: percentile(decode, 0.5), decode_p95_ms: percentile(decode, 0.95), engine: entries[0]?.engine,
      };
    }
  return report;
}

async function open(browser, server, query = '') {
  const { page, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/translate' + query);
  const chip = await backendChip(page);
  return { page, problems, chip };
}

for (const webgpu of [true, false]) {
  test(`typing translates live and equals the CLI token for token (WebGPU ${webgpu ? 'on' : 'off'})`, async () => {
    const server = await serveDist();
    const browser = await launch({ webgpu });
    try {
      const { page, problems } = await open(browser, server, '?text=');
      await summaryFor(page, '');
      await page.focus('#translate-text');
      const sentence = 'the red car';
      const seen = [];
      let prefix = '';
      for (const ch of sentence) {
        await page.keyboard.type(ch);
        prefix += ch;
        seen.push(await summaryFor(page, prefix));
      }
      const expected = cliIds([...sentence].map((_, i) => sentence.slice(0, i + 1)));
      seen.forEach((s, i) => {
        assert.equal(s.ids, expected[i], `“${sentence.slice(0, i + 1)}”`);
        // The whole greedy decoding is one GPU submit (every step in one compute pass).
        assert.equal(s.submits, webgpu ? '1' : '0');
        assert.equal(s.engine, webgpu ? 'gpu' : 'cpu');
      });
      const last = seen.at(-1);
      assert.notEqual(last.ids, seen[2].ids, 'the translation changes while typing');
      assert.equal(await page.textContent('#translation'), last.translation);
      const rows = await page.$eval('#alignment', (c) => Number(c.dataset.rows));
      const cols = await page.$eval('#alignment', (c) => Number(c.dataset.cols));
      assert.equal(rows, Number(last.steps));
      assert.equal(cols, last.source.split(' ').length);
      assert.match(await page.textContent('#stop-reason'), last.stop === 'end' ? /end token/ : /maximum length/);
      await page.waitForFunction(() => location.hash.includes('text=the%20red%20car'));
      assert.deepEqual(problems.consoleErrors, []);
      assert.deepEqual(problems.foreignRequests, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

test('alignment: the reordering shows as a crossing; step-through and exports', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: true });
  try {
    const { page, problems } = await open(browser, server, '?text=' + encodeURIComponent('the red car is fast'));
    const s = await summaryFor(page, 'the red car is fast');
    assert.ok(await page.getByRole('button', { name: 'I love Python' }).isVisible());
    // The CSV export holds the matrix; its row argmaxes show the crossing: a later Spanish
    // token attends to an earlier English token than one before it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[aria-label$="as CSV"]')]);
    const csv = (await readFile(await download.path())).toString().trim().split('\n').map((l) => l.split(','));
    assert.equal(csv.length, Number(s.steps) + 1, 'a header and one line per step');
    csv.forEach((row) => assert.equal(row.length, s.source.split(' ').length + 1));
    const best = csv.slice(1).map((row) => { const v = row.slice(1).map(Number); return v.indexOf(Math.max(...v)); });
    const crossing = best.some((b, i) => best.slice(i + 1).some((later) => later < b));
    assert.ok(crossing, `no crossing in ${JSON.stringify(best)} for ${s.tokens}`);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('button[aria-label$="as PNG"]')]);
    const pngBytes = await readFile(await png.path());
    assert.deepEqual([...pngBytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    const decoded = await page.evaluate((b64) => new Promise((ok, fail) => {
      const image = new Image();
      image.onload = () => ok([image.naturalWidth, image.naturalHeight]);
      image.onerror = () => fail(new Error('the PNG does not decode'));
      image.src = 'data:image/png;base64,' + b64;
    }), pngBytes.toString('base64'));
    assert.ok(decoded[0] > 100 && decoded[1] > 100, `PNG ${decoded}`);
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('button[aria-label$="as SVG"]')]);
    const svgText = (await readFile(await svg.path())).toString();
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror') !== null, root: doc.documentElement.nodeName };
    }, svgText);
    assert.deepEqual(parsed, { error: false, root: 'svg' });
    // Hover a Spanish token: the English chips take its attention as their shade.
    await page.hover('.align-chips[aria-label="Spanish tokens"] .align-chip[data-index="1"]');
    const shades = await page.$$eval('.align-chips[aria-label="English tokens"] .align-chip', (els) => els.map((e) => e.style.getPropertyValue('--weight')));
    assert.ok(shades.every((v) => v !== ''), JSON.stringify(shades));
    // Step-through: as many steps as generated tokens, by keyboard.
    const steps = Number(s.steps);
    assert.match(await page.textContent('#step-label'), new RegExp(`Step 1 of ${steps}`));
    await page.focus('#step-range');
    let count = 1;
    while (!(await page.isDisabled('#step-next'))) {
      await page.click('#step-next');
      count += 1;
      assert.ok(count <= steps);
    }
    assert.equal(count, steps);
    assert.match(await page.textContent('#step-label'), new RegExp(`Step ${steps} of ${steps}`));
    assert.equal(await page.$$eval('#step-candidates tbody tr', (r) => r.length), 5);
    await page.focus('#step-prev');
    await page.keyboard.press('Home');
    assert.match(await page.textContent('#step-label'), /Step 1 of/);
    await page.focus('#step-range');
    await page.keyboard.press('ArrowRight');
    assert.match(await page.textContent('#step-label'), /Step 2 of/);
    await screenshot(page, 'translate-desktop.png');
    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at 360 px`);
    await screenshot(page, 'translate-360.png');
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.foreignRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('decoding never writes the token just written; the step-through strikes the skipped candidate', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: true });
  try {
    // At its 4th step the network ranks "amigos" (just written) first: core, the CLI and
    // the GPU kernel all write the next best instead ("son mis amigos.").
    const text = 'they are my friends';
    const { page, problems } = await open(browser, server, '?text=' + encodeURIComponent(text));
    const s = await summaryFor(page, text);
    assert.equal(s.ids, cliIds([text])[0]);
    const ids = s.ids.split(' ');
    assert.ok(ids.every((id, i) => i === 0 || id !== ids[i - 1]), s.ids);
    await page.focus('#step-range');
    await page.keyboard.press('Home');
    for (let k = 1; k < 4; k += 1) await page.keyboard.press('ArrowRight');
    assert.match(await page.textContent('#step-label'), /Step 4 of/);
    const rows = await page.$$eval('#step-candidates tbody tr', (trs) => trs.map((tr) => ({
      skipped: tr.classList.contains('skipped'), token: tr.querySelector('th').firstChild.textContent,
      note: tr.querySelector('.skip-note')?.textContent ?? '' })));
    const written = (await page.textContent('.step-written span')).trim().split(' ');
    assert.equal(rows.filter((r) => r.skipped).length, 1, JSON.stringify(rows));
    assert.ok(rows[0].skipped, 'the network\'s first choice is the skipped one');
    assert.equal(rows[0].token, written.at(-1));
    assert.match(rows[0].note, /just written: skipped/);
    assert.notEqual(await page.textContent('.step-written strong'), rows[0].token);
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.foreignRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('bad input never blanks the page or loses the text; decode latency by length', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    const { page, problems } = await open(browser, server, '?text=hello&junk=1');
    assert.match(await page.textContent('[data-testid="notices"]'), /unknown URL parameter “junk”/);
    await summaryFor(page, 'hello');
    const cases = [
      ['', /Type some text/],
      ['<img src=x onerror="window.__pwned=1"> <b>hi</b>', null],
      ['👩‍👩‍👧 🙂', null],
      ['مرحبا بالعالم', null],
      ['漢字 カタカナ', /vocabulary/],
      ['word '.repeat(2000), /the model reads the first 64/],
    ];
    for (const [text, message] of cases) {
      await page.fill('#translate-text', text);
      const s = await summaryFor(page, text);
      assert.equal(await page.inputValue('#translate-text'), text);
      if (message) assert.match(await page.textContent('#translate-view'), message);
      if (text.trim() !== '') assert.ok(Number(s.steps) >= 1, `“${text.slice(0, 20)}” decodes`);
    }
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('#translate-view b').count(), 0);

    const report = await decodeLatency(page);
    await mkdir(OUTPUT, { recursive: true });
    await writeFile(join(OUTPUT, 'translate-latency-cpu.json'), JSON.stringify(report, null, 2));
    console.log('decode latency (CPU engine):', JSON.stringify(report));
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.foreignRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('decode latency on the GPU engine (SwiftShader here: a CPU emulation, reported, not tuned)', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: true });
  try {
    const { page, problems } = await open(browser, server, '?text=hello');
    await summaryFor(page, 'hello');
    const report = await decodeLatency(page);
    assert.equal(report['5_words'].engine, 'gpu');
    await mkdir(OUTPUT, { recursive: true });
    await writeFile(join(OUTPUT, 'translate-latency-gpu.json'), JSON.stringify(report, null, 2));
    console.log('decode latency (GPU engine):', JSON.stringify(report));
    assert.deepEqual(problems.consoleErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
