// The live attention page (#/attention): typing, engines, interventions, latency, bad input.
// Expected probabilities come from the CLI (the CPU reference, native) on the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, guardedPage, backendChip, screenshot, cliProbabilities, OUTPUT } from './harness.mjs';

const SENTENCE = 'a gripping, funny film';

/** The panel summary of `model` once it shows `text`. */
async function summaryFor(page, model, text) {
  await page.waitForFunction(([m, t]) => document.getElementById('summary-' + m)?.dataset.text === t,
    [model, text], { timeout: 30000 });
  return page.$eval('#summary-' + model, (e) => ({ ...e.dataset }));
}

const probs = (summary) => summary.probabilities === '' ? [] : summary.probabilities.split(',').map(Number);

function assertClose(got, want, tolerance, what) {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= tolerance, `${what}: ${g} vs ${want[i]}`));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** Text elements under `selector` whose contrast with their (blended) background is below 4.5:1. */
async function lowContrast(page, selector) {
  return page.evaluate((sel) => {
    const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p[3] ?? 1]; };
    const over = (top, base) => [0, 1, 2].map((i) => top[i] * top[3] + base[i] * (1 - top[3])).concat(1);
    const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
    const bad = [];
    for (const el of document.querySelectorAll(sel + ' *')) {
      const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
      if (!text || el.closest('[hidden], details:not([open]) > :not(summary)') || el.disabled) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const chain = []; for (let e = el; e; e = e.parentElement) chain.unshift(e);
      let bg = [255, 255, 255, 1];
      for (const e of chain) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c[3] > 0) bg = over(c, bg); }
      const fg = over(parse(getComputedStyle(el).color), bg);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      if (ratio < 4.5) bad.push(`${el.tagName}.${el.className} “${text.slice(0, 30)}” ${ratio.toFixed(2)}`);
    }
    return bad;
  }, selector);
}

async function openLive(browser, server, query, viewport) {
  const { page, problems } = await guardedPage(browser, server.origin, viewport);
  await page.goto(server.base + '#/attention' + query);
  const chip = await backendChip(page);
  return { page, problems, chip };
}

/** Types SENTENCE one key at a time; returns each prefix's summary. */
async function typeSentence(page, model) {
  await summaryFor(page, model, '');
  await page.focus('#live-text');
  const seen = [];
  let prefix = '';
  for (const ch of SENTENCE) {
    await page.keyboard.type(ch);
    prefix += ch;
    seen.push(await summaryFor(page, model, prefix));
  }
  return seen;
}

async function latencyReport(page, name) {
  const entries = await page.evaluate(() => window.__attnscopeLatencies ?? []);
  const sorted = entries.map((e) => e.ms).sort((a, b) => a - b);
  // The first keystroke into an empty box also creates every view (canvases, grids).
  const later = entries.slice(1).map((e) => e.ms).sort((a, b) => a - b);
  const report = {
    samples: sorted.length, median_ms: percentile(sorted, 0.5), p95_ms: percentile(sorted, 0.95),
    first_ms: entries[0]?.ms, p95_after_first_ms: percentile(later, 0.95),
    max_t: Math.max(...entries.map((e) => e.t)), engines: [...new Set(entries.map((e) => e.engine))],
    forward_median_ms: percentile(entries.map((e) => e.forwardMs).sort((a, b) => a - b), 0.5),
  };
  await mkdir(OUTPUT, { recursive: true });
  await writeFile(join(OUTPUT, name), JSON.stringify(report, null, 2));
  return report;
}

for (const webgpu of [true, false]) {
  const engine = webgpu ? 'gpu' : 'cpu';
  test(`typing (${engine} engine): every keystroke matches the CLI, maps follow the tokens`, async () => {
    const server = await serveDist();
    const browser = await launch({ webgpu });
    try {
      const { page, problems, chip } = await openLive(browser, server, '?model=sentiment-transformer&text=');
      assert.equal(chip.kind, webgpu ? 'webgpu' : 'cpu', chip.text);
      const seen = await typeSentence(page, 'sentiment-transformer');
      const prefixes = [...SENTENCE].map((_, i) => SENTENCE.slice(0, i + 1));
      const expected = cliProbabilities('sentiment-transformer', prefixes);
      seen.forEach((summary, i) => {
        assert.equal(summary.engine, engine);
        // One submit per GPU forward (counted by the engine); nothing submitted on the CPU.
        assert.equal(summary.submits, webgpu ? '1' : '0', `submits for “${prefixes[i]}”`);
        assertClose(probs(summary), expected[i], webgpu ? 1e-4 : 1e-5, `“${prefixes[i]}”`);
        if (i > 0 && summary.tokens !== seen[i - 1].tokens) {
          assert.notEqual(summary.mapDigest, seen[i - 1].mapDigest, `maps after “${prefixes[i]}”`);
          assert.notEqual(summary.probabilities, seen[i - 1].probabilities, `probabilities after “${prefixes[i]}”`);
        }
      });
      // The one-head heatmap has one row per token of the last text.
      const rows = await page.$eval('#sentiment-transformer-head', (c) => Number(c.dataset.rows));
      assert.equal(rows, Number(seen.at(-1).t));
      assert.equal(await page.inputValue('#live-text'), SENTENCE);
      await page.waitForFunction(() => location.hash.includes('text=a%20gripping,%20funny%20film'));
      const report = await latencyReport(page, `live-latency-${engine}.json`);
      assert.ok(report.samples >= SENTENCE.length, JSON.stringify(report));
      console.log(`keystroke → paint (${engine}):`, JSON.stringify(report));
      // Near the model's maximum length: a long review, then ten more keystrokes.
      const long = 'the film is a long and winding story about a family that moves to the coast , '.repeat(6).trim();
      await page.fill('#live-text', long);
      const start = await summaryFor(page, 'sentiment-transformer', long);
      assert.ok(Number(start.t) >= 100, `T = ${start.t}`);
      await page.evaluate(() => { window.__attnscopeLatencies = []; });
      let text = long;
      for (const ch of ' and more') {
        await page.keyboard.type(ch);
        text += ch;
        await summaryFor(page, 'sentiment-transformer', text);
      }
      const longReport = await latencyReport(page, `live-latency-${engine}-long.json`);
      console.log(`keystroke → paint (${engine}, T ≈ ${start.t}):`, JSON.stringify(longReport));
      assert.deepEqual(problems.consoleErrors, []);
      assert.deepEqual(problems.foreignRequests, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

test('engine=auto passes over a software adapter; the Engine menu and engine= force either engine', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: true });
  try {
    const model = 'sentiment-transformer';
    const text = 'not bad at all';
    // Nothing saved: auto. SwiftShader is a CPU emulation of a GPU, so the CPU engine answers.
    const { page, problems } = await guardedPage(browser, server.origin, undefined, { engine: 'auto' });
    await page.goto(server.base + `#/attention?model=${model}&text=${encodeURIComponent(text)}`);
    assert.equal((await backendChip(page)).kind, 'webgpu');
    let summary = await summaryFor(page, model, text);
    assert.equal(summary.engine, 'cpu');
    assert.equal(await page.inputValue('#engine-choice'), 'auto');
    await page.focus('#live-text');
    await page.keyboard.press('End');
    await page.keyboard.type('!');
    await summaryFor(page, model, text + '!');
    await page.waitForFunction(() => /software emulation/.test(document.getElementById('live-perf')?.textContent ?? ''));
    // The menu forces the GPU engine: saved, the page reloads with the text kept (once the
    // URL, written at most every 250 ms, holds it).
    await page.waitForFunction(() => location.hash.includes('all%21'));
    await Promise.all([page.waitForEvent('load'), page.selectOption('#engine-choice', 'gpu')]);
    summary = await summaryFor(page, model, text + '!');
    assert.equal(summary.engine, 'gpu');
    assert.equal(summary.submits, '1');
    assert.equal(await page.evaluate(() => localStorage.getItem('attnscope-engine')), 'gpu');
    assert.equal(await page.inputValue('#engine-choice'), 'gpu');
    // engine= in the URL outranks the saved choice, and is not taken for a view's parameter.
    await page.goto('about:blank');
    await page.goto(server.base + `#/attention?model=${model}&engine=cpu&text=${encodeURIComponent(text)}`);
    summary = await summaryFor(page, model, text);
    assert.equal(summary.engine, 'cpu');
    assert.equal(await page.locator('[data-testid=notices]').count(), 0, 'no “unknown parameter” notice');
    // …and it outlives the view writing its own state into the URL: after a keystroke has
    // landed there, a model loaded later (the compare partner) still runs on the CPU, though
    // the saved choice is the GPU.
    await page.focus('#live-text');
    await page.keyboard.press('End');
    await page.keyboard.type('?');
    await page.waitForFunction(() => location.hash.includes('all%3F'));
    assert.match(await page.evaluate(() => location.hash), /[?&]engine=cpu(&|$)/);
    await page.check('#live-compare');
    assert.equal((await summaryFor(page, 'sentiment-bilstm', text + '?')).engine, 'cpu');
    assert.equal(await page.inputValue('#engine-choice'), 'cpu');
    await page.goto('about:blank');
    await page.goto(server.base + `#/attention?model=${model}&engine=cpu&text=${encodeURIComponent(text)}`);
    await summaryFor(page, model, text);
    // Back to auto from the menu.
    await Promise.all([page.waitForEvent('load'), page.selectOption('#engine-choice', 'auto')]);
    summary = await summaryFor(page, model, text);
    assert.equal(summary.engine, 'cpu');
    assert.equal(await page.evaluate(() => localStorage.getItem('attnscope-engine')), 'auto');
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.foreignRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the head table is built when opened: one row per token, the top keys of the open head', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    const text = 'a gripping, funny film';
    const { page, problems } = await guardedPage(browser, server.origin);
    await page.goto(server.base + '#/attention?model=sentiment-transformer&text=' + encodeURIComponent(text));
    const summary = await summaryFor(page, 'sentiment-transformer', text);
    assert.equal(await page.locator('.head-table tbody tr').count(), 0, 'closed: no rows built');
    await page.click('.head-table summary');
    await page.waitForFunction((t) => document.querySelectorAll('.head-table tbody tr').length === t, Number(summary.t));
    const first = await page.locator('.head-table tbody tr').first().textContent();
    assert.match(first, /^0: \[CLS\].*\(\d\.\d\d\)/);
    // Typing while open keeps it in step with the tokens.
    await page.focus('#live-text');
    await page.keyboard.press('End');
    await page.keyboard.type(' indeed');
    const after = await summaryFor(page, 'sentiment-transformer', text + ' indeed');
    await page.waitForFunction((t) => document.querySelectorAll('.head-table tbody tr').length === t, Number(after.t));
    assert.deepEqual(problems.consoleErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('masking a token and switching a head off change the prediction as the CLI predicts', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: true });
  try {
    const text = 'not bad at all';
    const { page, problems } = await openLive(browser, server, '?model=sentiment-transformer&text=' + encodeURIComponent(text));
    const model = 'sentiment-transformer';
    const plain = await summaryFor(page, model, text);
    const [expectPlain] = cliProbabilities(model, [text]);
    assertClose(probs(plain), expectPlain, 1e-4, 'plain');
    await page.click('#token-2'); // "bad"
    await page.waitForFunction(() => document.getElementById('token-2').getAttribute('aria-pressed') === 'true');
    await page.waitForFunction((p) => document.getElementById('summary-sentiment-transformer').dataset.probabilities !== p, plain.probabilities);
    const [expectMasked] = cliProbabilities(model, [text], ['--mask', '2']);
    assertClose(probs(await page.$eval('#summary-' + model, (e) => ({ ...e.dataset }))), expectMasked, 1e-4, 'mask 2');
    const masked = await page.$eval('#summary-' + model, (e) => e.dataset.probabilities);
    await page.click('.head-switch[data-layer="0"][data-head="1"]');
    await page.waitForFunction((p) => document.getElementById('summary-sentiment-transformer').dataset.probabilities !== p, masked);
    const [expectBoth] = cliProbabilities(model, [text], ['--mask', '2', '--heads-off', '0:1']);
    assertClose(probs(await page.$eval('#summary-' + model, (e) => ({ ...e.dataset }))), expectBoth, 1e-4, 'mask 2, head 0:1 off');
    await page.waitForFunction(() => /mask=2/.test(location.hash) && /off=0\.1/.test(location.hash));
    assert.equal(await page.getAttribute('.head-switch[data-layer="0"][data-head="1"]', 'aria-pressed'), 'true');
    // The URL restores the interventions.
    const again = await browser.newPage();
    await again.goto(page.url());
    await again.waitForFunction((p) => document.getElementById('summary-sentiment-transformer')?.dataset.probabilities === p,
      await page.$eval('#summary-' + model, (e) => e.dataset.probabilities), { timeout: 30000 });
    await again.close();
    await page.click('#live-reset');
    await page.waitForFunction((p) => document.getElementById('summary-sentiment-transformer').dataset.probabilities === p, plain.probabilities);
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.foreignRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a printed page shows every view with the current text, none frozen off screen', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    const long = 'the film is a long and winding story about a family that moves to the coast , '.repeat(6).trim();
    const query = `?model=sentiment-transformer&compare=1&text=${encodeURIComponent(long)}`;
    const { page, problems } = await openLive(browser, server, query);
    await summaryFor(page, 'sentiment-bilstm', long);
    await page.focus('#live-text');
    await page.keyboard.press('End');
    await page.keyboard.type(' great');
    await summaryFor(page, 'sentiment-bilstm', long + ' great');
    await summaryFor(page, 'sentiment-transformer', long + ' great');
    assert.ok(await page.$('[data-stale]'), 'views below the fold wait, frozen, on screen');
    // Printing (or saving as PDF) brings every frozen view up to date before the page is laid out.
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.waitForFunction(() => !document.querySelector('[data-stale]'), null, { timeout: 10000 });
    const bars = page.locator('.pooling-view > div:has(.pooling-bars)');
    assert.match(await bars.textContent(), /great/, 'the pooling bars show the printed text');
    const rows = await page.$eval('#sentiment-transformer-rollout', (c) => Number(c.dataset.rows));
    const tokens = await page.$eval('#summary-sentiment-transformer', (e) => Number(e.dataset.t));
    assert.equal(rows, tokens, 'the rollout is drawn for the printed text');
    const pdf = await page.pdf({ format: 'A4' });
    assert.ok(pdf.length > 10000, `a PDF of the page (${pdf.length} bytes)`);
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    assert.deepEqual(problems.consoleErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a PNG export of a heatmap frozen off screen shows the current values, not its older picture', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    const long = 'the film is a long and winding story about a family that moves to the coast , '.repeat(6).trim();
    const query = `?model=sentiment-transformer&text=${encodeURIComponent(long)}`;
    const { page, problems } = await openLive(browser, server, query);
    await summaryFor(page, 'sentiment-transformer', long);
    await page.focus('#live-text');
    await page.keyboard.press('End');
    await page.keyboard.type(' great');
    await summaryFor(page, 'sentiment-transformer', long + ' great');
    const id = await page.evaluate(() => document.querySelector('figure.plot canvas[data-stale][data-plot-width]')?.id);
    assert.ok(id, 'a heatmap below the fold holds its older picture');
    const older = await page.$eval('#' + id, (c) => c.toDataURL('image/png'));
    // Clicked without scrolling it in: the canvas stays frozen while the export runs.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.evaluate((i) => document.getElementById(i).closest('figure').querySelector('.export button').click(), id),
    ]);
    assert.equal(download.suggestedFilename().endsWith('.png'), true);
    const exported = (await readFile(await download.path())).toString('base64');
    assert.equal(await page.$eval('#' + id, (c) => c.dataset.stale), 'true', 'the export did not need the canvas');
    await page.$eval('#' + id, (c) => c.scrollIntoView());
    await page.waitForFunction((i) => !document.getElementById(i).dataset.stale, id, { timeout: 10000 });
    const current = await page.$eval('#' + id, (c) => c.toDataURL('image/png'));
    assert.notEqual(older, current, 'the frozen picture was of the earlier text');
    assert.equal(exported, current.replace(/^data:image\/png;base64,/, ''), 'the export equals the current picture');
    assert.deepEqual(problems.consoleErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a long DOM view below the fold waits off screen, then shows the latest text', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    const long = 'the film is a long and winding story about a family that moves to the coast , '.repeat(6).trim();
    const { page, problems } = await openLive(browser, server, `?model=sentiment-bilstm&text=${encodeURIComponent(long)}`);
    await summaryFor(page, 'sentiment-bilstm', long);
    const bars = page.locator('.pooling-view > div:has(.pooling-bars)');
    assert.match(await bars.textContent(), /moves/);
    await page.focus('#live-text');
    await page.keyboard.press('End');
    await page.keyboard.type(' great');
    await summaryFor(page, 'sentiment-bilstm', long + ' great');
    // The table of 128 bars is off screen: a keystroke leaves it alone and marks it stale…
    assert.equal(await bars.getAttribute('data-stale'), 'true');
    assert.equal(await bars.getAttribute('aria-busy'), 'true');
    assert.doesNotMatch(await bars.textContent(), /great/);
    // …while the sentence that names the top tokens (a live region) always follows the text.
    assert.match(await page.textContent('.pooling-top'), /Mostly attends to: \S+, \S+, \S+/);
    // Scrolled in, it shows the current text at once.
    await bars.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => !document.querySelector('.pooling-view > div:has(.pooling-bars)').hasAttribute('data-stale'));
    assert.match(await bars.textContent(), /great/);
    assert.deepEqual(problems.consoleErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('compare mode, keyboard, bad input and screenshots', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: true });
  try {
    const { page, problems } = await openLive(browser, server, '?model=topic-transformer&compare=1&text=the%20striker%20scored%20twice&zzz=1&mask=x');
    const notices = await page.textContent('[data-testid="notices"]');
    assert.match(notices, /unknown URL parameter “zzz”/);
    assert.match(notices, /mask=“x”/);
    const t = await summaryFor(page, 'topic-transformer', 'the striker scored twice');
    const b = await summaryFor(page, 'topic-bilstm', 'the striker scored twice');
    assert.equal(b.engine, 'gpu');
    assert.equal(t.engine, 'gpu');
    const [expectB] = cliProbabilities('topic-bilstm', ['the striker scored twice']);
    assertClose(probs(b), expectB, 1e-4, 'BiLSTM');
    assert.equal(probs(t).length, 5);
    assert.match(await page.textContent('.pooling-top'), /Mostly attends to: \S+, \S+, \S+/);
    await screenshot(page, 'live-compare-desktop.png');

    // Arrow keys move across the heads of the model view and open them.
    await page.focus('#topic-transformer-grid-open-0-0');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.activeElement?.id === 'topic-transformer-grid-open-1-1');
    assert.match(await page.textContent('#topic-transformer-head ~ * , figure:has(#topic-transformer-head) .plot-title'), /layer 2 head 2/);
    await page.waitForFunction(() => /head=1\.1/.test(location.hash));

    // Bad input: never a panic, never a blank page, never lost text.
    const inputs = [
      ['', /Type some text/],
      ['   \n\t ', /Type some text/],
      ['<script>window.__pwned = 1</script><b>bold</b>', null],
      ['👩‍👩‍👧 family 🙂 emoji', null],
      ['مرحبا بالعالم hello', null],
      ['word '.repeat(2000), /the model reads the first 128/],
    ];
    for (const [text, message] of inputs) {
      await page.fill('#live-text', text);
      const summary = await summaryFor(page, 'topic-transformer', text);
      assert.equal(await page.inputValue('#live-text'), text);
      if (message) assert.match(await page.textContent('#attention-view'), message);
      else assert.equal(probs(summary).length, 5, text);
    }
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('#attention-view b').count(), 0);
    assert.equal((await page.inputValue('#live-text')).length, 10000);

    // Phone width and the dark theme.
    await page.fill('#live-text', 'the minister said the election would be held in may');
    await summaryFor(page, 'topic-transformer', 'the minister said the election would be held in may');
    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at 360 px`);
    await screenshot(page, 'live-360.png');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.hover('#token-3');
    assert.deepEqual(await lowContrast(page, '#main'), [], 'light theme');
    await page.click('#theme-toggle');
    await page.waitForTimeout(300);
    await page.hover('#token-3');
    assert.deepEqual(await lowContrast(page, '#main'), [], 'dark theme');
    await screenshot(page, 'live-dark.png');
    // Zoom: the one-head heatmap doubles and its frame scrolls to pan.
    const width = await page.$eval('#topic-transformer-head', (c) => c.clientWidth);
    await page.click('button[aria-label^="Zoom into One head"]');
    await page.waitForFunction(([w]) => document.getElementById('topic-transformer-head').clientWidth >= 2 * w - 2, [width]);
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.foreignRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a lost GPU device switches the page to the CPU engine, keeping the text', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: true });
  try {
    const text = 'the plot is a mess';
    const { page, problems } = await openLive(browser, server, '?model=sentiment-transformer&text=' + encodeURIComponent(text));
    const before = await summaryFor(page, 'sentiment-transformer', text);
    assert.equal(before.engine, 'gpu');
    await page.evaluate(() => window.__attnscopeLoseGpu());
    await page.focus('#live-text');
    await page.keyboard.press('End');
    await page.keyboard.type('!');
    const after = await summaryFor(page, 'sentiment-transformer', text + '!');
    assert.equal(after.engine, 'cpu');
    const [expected] = cliProbabilities('sentiment-transformer', [text + '!']);
    assertClose(probs(after), expected, 1e-5, 'after the loss');
    await page.waitForFunction(() => document.querySelector('#backend-chip').dataset.backend === 'cpu');
    assert.match(await page.textContent('#backend-chip'), /lost/);
    assert.match(await page.textContent('[data-testid="notices"]'), /switched to the CPU engine and kept your text/);
    assert.equal(await page.inputValue('#live-text'), text + '!');
    assert.deepEqual(problems.foreignRequests, []);
    assert.deepEqual(problems.consoleErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
