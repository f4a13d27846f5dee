// The decoder's page (#/generate): typing predicts the next token live on both engines, equal
// to the CLI (the CPU reference, native); the causal maps' cells above the diagonal are drawn
// as the look-ahead mask in the one-head heatmap; greedy generation appends the CLI's best token; the settings live in
// the URL; bad input keeps the page; both themes and 360 px stay clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serveDist, launch, guardedPage, backendChip, screenshot, axeViolations, cellPixel, ROOT } from './harness.mjs';

/** The CLI's next-token candidates (ids, probabilities) for each text. */
function cliNext(texts) {
  const out = execFileSync('cargo', ['run', '-q', '--release', '-p', 'attnscope-cli', '--',
    '--model', join(ROOT, 'assets/models/story-decoder'), '--lines'],
    { cwd: ROOT, input: texts.join('\n') + '\n', maxBuffer: 1 << 28 }).toString();
  return out.trim().split('\n').map((line) => {
    const { output } = JSON.parse(line);
    return output.kind === 'next_token' ? output.candidates : [];
  });
}

async function summaryFor(page, text) {
  await page.waitForFunction((t) => document.getElementById('generate-summary')?.dataset.text === t,
    text, { timeout: 60000 });
  return page.$eval('#generate-summary', (e) => ({ ...e.dataset }));
}

async function open(browser, server, query = '') {
  const { page, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base + '#/generate' + query);
  await backendChip(page);
  return { page, problems };
}

for (const webgpu of [true, false]) {
  test(`typing predicts the next token live and equals the CLI (WebGPU ${webgpu ? 'on' : 'off'})`, async () => {
    const server = await serveDist();
    const browser = await launch({ webgpu });
    try {
      const { page, problems } = await open(browser, server, '?text=the%20film');
      await summaryFor(page, 'the film');
      await page.focus('#generate-text');
      await page.keyboard.press('End');
      const typed = ' is a';
      const texts = [];
      const seen = [];
      let text = 'the film';
      for (const ch of typed) {
        await page.keyboard.type(ch);
        text += ch;
        texts.push(text);
        seen.push(await summaryFor(page, text));
      }
      const expected = cliNext(texts);
      seen.forEach((s, i) => {
        const want = expected[i];
        const ids = s.ids.split(',').map(Number);
        const probabilities = s.probabilities.split(',').map(Number);
        assert.equal(s.engine, webgpu ? 'gpu' : 'cpu');
        assert.equal(ids.length, want.length, texts[i]);
        // The best candidates agree; probabilities within the engines' tolerance.
        assert.equal(ids[0], want[0].id, `“${texts[i]}”: best next token`);
        probabilities.forEach((p, k) => assert.ok(Math.abs(p - want[k].probability) <= 1e-4 + 1e-4 * want[k].probability,
          `“${texts[i]}” candidate ${k}: ${p} vs ${want[k].probability}`));
      });
      // The one-head heatmap is the causal map: every cell above the diagonal is the look-ahead
      // mask, drawn neutral grey (the fill, the hatch or a blend of the two: r = g = b, which no
      // viridis colour is) and read out as masked; the diagonal's first cell, a token's whole
      // weight on itself, is the top of the scale.
      const t = Number(seen.at(-1).t);
      assert.equal(await page.$eval('#story-decoder-head', (c) => Number(c.dataset.rows)), t);
      await page.$eval('#story-decoder-head', (c) => c.scrollIntoView());
      for (const [row, col] of [[0, t - 1], [0, 1], [t - 2, t - 1]]) {
        const [r, g, b] = await cellPixel(page, 'story-decoder-head', row, col);
        assert.ok(r === g && g === b && r >= 90 && r <= 160, `cell (${row}, ${col}) above the diagonal is mask grey: ${[r, g, b]}`);
      }
      for (const [row, col] of [[1, 0], [t - 1, 0], [t - 1, t - 1]]) {
        const [r, g, b] = await cellPixel(page, 'story-decoder-head', row, col);
        assert.ok(!(r === g && g === b), `cell (${row}, ${col}) on or below the diagonal is a value: ${[r, g, b]}`);
      }
      const caption = await page.$eval('#story-decoder-head', (c) => c.closest('figure')?.textContent ?? '');
      assert.match(caption, /look-ahead mask/, 'the figure says what the grey cells are');
      assert.deepEqual((await cellPixel(page, 'story-decoder-head', 0, 0)).slice(0, 3), [253, 231, 37], 'row 0 puts all its weight on itself');
      assert.deepEqual(problems.consoleErrors, []);
      assert.deepEqual(problems.foreignRequests, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

test('greedy generation appends the CLI’s best token, step by step, reproducibly; settings in the URL', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    const { page, problems } = await open(browser, server, '?text=the%20government%20said&k=1');
    const first = await summaryFor(page, 'the government said');
    const [want] = cliNext(['the government said']);
    assert.equal(Number(first.ids.split(',')[0]), want[0].id);
    await page.click('#generate-step');
    await page.waitForFunction(() => document.querySelectorAll('#generate-steps li').length === 1, null, { timeout: 30000 });
    const step = await page.textContent('#generate-steps li');
    assert.ok(step.startsWith(want[0].token.replace(/^##/, '##')), `${step} vs ${want[0].token}`);
    assert.match(step, /p = 1\.00/, 'greedy: the drawn token had all the mass');
    const grown = await page.inputValue('#generate-text');
    assert.notEqual(grown, 'the government said');
    // Ten more, each from its own forward; the same seed and settings replay the same text.
    await page.click('#generate-run');
    await page.waitForFunction(() => document.querySelectorAll('#generate-steps li').length >= 11
      || document.querySelector('.notice')?.textContent.includes('stops'), null, { timeout: 60000 });
    const after = await page.inputValue('#generate-text');
    await page.waitForFunction(() => /k=1/.test(location.hash) && /text=/.test(location.hash));
    const again = await browser.newPage();
    await again.goto(server.base + '#/generate?text=the%20government%20said&k=1');
    await again.waitForFunction(() => document.getElementById('generate-summary')?.dataset.text === 'the government said', null, { timeout: 60000 });
    await again.click('#generate-step');
    await again.waitForFunction(() => document.querySelectorAll('#generate-steps li').length === 1, null, { timeout: 30000 });
    assert.equal(await again.inputValue('#generate-text'), grown, 'the same first token again');
    assert.ok(after.startsWith(grown));
    await again.close();
    // A temperature and top-k reshape the bars live; a garbage parameter is a notice.
    await page.fill('#gen-top-k', '3');
    await page.dispatchEvent('#gen-top-k', 'change');
    await page.waitForFunction(() => document.querySelectorAll('.next-token .prob-row').length === 3);
    assert.deepEqual(problems.consoleErrors, []);
    const bad = await browser.newPage();
    await bad.goto(server.base + '#/generate?text=' + encodeURIComponent('😀 <b>x</b> مرحبا ') + '&t=hot&zzz=1');
    await bad.waitForSelector('#generate-summary', { state: 'attached', timeout: 60000 });
    assert.match(await bad.textContent('[data-testid="notices"]'), /temperature/);
    assert.equal(await bad.inputValue('#generate-text'), '😀 <b>x</b> مرحبا ');
    await bad.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the decoder page is axe-clean in both themes and fits 360 px', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    for (const scheme of ['light', 'dark']) {
      const { page, problems } = await guardedPage(browser, server.origin, { width: 360, height: 780 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(server.base + '#/generate');
      await summaryFor(page, 'the film is a');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${scheme}: ${overflow} px of horizontal overflow at 360 px`);
      assert.deepEqual(await axeViolations(page), [], scheme);
      await screenshot(page, `generate-360-${scheme}.png`);
      assert.deepEqual(problems.consoleErrors, []);
      await page.context().close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the encoder beside the decoder: loaded only when asked, its map of the same text has weights above the diagonal', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    const { page, problems } = await open(browser, server, '?text=the%20film%20is%20a%20good%20one');
    await summaryFor(page, 'the film is a good one');
    const asked = () => page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('topic-transformer')));
    assert.equal(await asked(), false, 'the encoder is not downloaded before the comparison opens');
    await page.click('#generate-compare summary');
    const id = 'topic-transformer-compare';
    await page.waitForFunction((id) => document.getElementById(id)?.dataset.rows, id, { timeout: 60000 });
    await page.$eval('#' + id, (c) => c.scrollIntoView());
    // [CLS] the film is a good one [SEP]: the encoder's first row reaches the last token.
    const rows = await page.$eval('#' + id, (c) => Number(c.dataset.rows));
    assert.equal(rows, 8);
    const above = await cellPixel(page, id, 0, rows - 1);
    assert.ok(!(above[0] === above[1] && above[1] === above[2]), `the encoder's cell (0, ${rows - 1}) is a value, not masked: ${above}`);
    assert.match(await page.textContent('#generate-compare'), /nothing is masked/);
    assert.equal(await asked(), true);
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.foreignRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('interactive attention: a weight set on a cell moves the row, the later layers and the next token; the URL keeps it; Reset clears it', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    const text = 'the film is a good one';
    const { page, problems } = await open(browser, server, `?text=${encodeURIComponent(text)}`);
    const plain = await summaryFor(page, text);
    // [CLS] the film is a good one: query 4 (“a”) pinned to key 1 (“the”) in layer 1 head 1.
    await page.selectOption('#edit-query', '4');
    await page.selectOption('#edit-key', '1');
    await page.fill('#edit-weight', '1');
    await page.dispatchEvent('#edit-weight', 'change');
    await page.click('#edit-set');
    await page.waitForFunction((p) => document.getElementById('generate-summary').dataset.probabilities !== p,
      plain.probabilities, { timeout: 30000 });
    const edited = await page.$eval('#generate-summary', (e) => ({ ...e.dataset }));
    assert.equal(edited.engine, 'cpu');
    // The URL is written at most every 250 ms.
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('edit=0.0:4.1:1'), null, { timeout: 5000 });
    assert.match(await page.textContent('#edit-list'), /“a” → “the” = 1\.00/);
    await page.$eval('#story-decoder-head', (c) => c.scrollIntoView());
    await page.waitForTimeout(300);
    assert.deepEqual((await cellPixel(page, 'story-decoder-head', 4, 1)).slice(0, 3), [253, 231, 37], 'all of row 4 on key 1');
    for (const col of [0, 2, 3, 4]) assert.deepEqual((await cellPixel(page, 'story-decoder-head', 4, col)).slice(0, 3), [68, 1, 84], `row 4, key ${col}: 0`);
    // The URL alone brings the edit back; Reset clears it and the plain forward returns.
    await page.reload();
    const again = await summaryFor(page, text);
    assert.equal(again.probabilities, edited.probabilities);
    await page.click('#edit-reset');
    await page.waitForFunction((p) => document.getElementById('generate-summary').dataset.probabilities === p,
      plain.probabilities, { timeout: 30000 });
    await page.waitForFunction(() => !location.hash.includes('edit='), null, { timeout: 5000 });
    assert.deepEqual(problems.consoleErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
