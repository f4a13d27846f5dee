// The page's promises, on every route: a CSP without 'unsafe-inline' scripts, styles or 'unsafe-eval'
// that nothing violates, no request outside the origin, user text and URL values never
// interpreted as HTML, and a bad-input matrix that never panics, blanks the page or loses text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, guardedPage, DIST } from './harness.mjs';

const ROUTES = [
  '#/', '#/attention', '#/attention?model=topic-bilstm&compare=1', '#/translate', '#/generate', '#/pe', '#/steps',
  '#/steps?model=sentiment-bilstm', '#/playground', ...Array.from({ length: 9 }, (_, i) => `#/lesson/${i + 1}`),
  '#/embed?model=translate-en-es', '#/embed?view=pe', '#/nowhere',
];
const INJECTION = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const BAD_TEXTS = {
  empty: '', whitespace: '   \t  ', long: 'word '.repeat(2000), emoji: 'great 👩‍👩‍👧‍👦 film 🏳️‍🌈 !',
  rtl: 'مرحبا بالعالم שלום עולם', html: INJECTION,
};
const BAD_QUERY = 'model=%3Cimg%20src%3Dx%3E&text=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D3%22%3E&layer=-1&head=zz&query=99999&mask=,,x,&step=%00&d=abc&n=99999&dims=1e9&score=%3Cb%3E&heads=7&view=%3Csvg%3E&off=9.9.9';

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

async function open(hash, viewport) {
  const guarded = await guardedPage(browser, server.origin, viewport);
  await guarded.page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  await guarded.page.goto(server.base + hash);
  await guarded.page.waitForFunction(() => document.querySelector('main')?.textContent.trim().length > 0, null, { timeout: 30000 });
  await guarded.page.waitForTimeout(1200);
  return guarded;
}

/** Everything the page shows that could hold injected markup, shadow roots included. */
async function injected(page) {
  return page.evaluate(() => {
    const all = [document, ...[...document.querySelectorAll('attn-scope')].map((e) => e.shadowRoot).filter(Boolean)];
    return { pwned: window.__pwned, images: all.reduce((n, root) => n + root.querySelectorAll('img[src="x"], main script').length, 0) };
  });
}

async function assertAlive(page, what) {
  assert.ok(await page.isHidden('#panic-banner'), `${what}: no panic banner`);
  const text = await page.textContent('main');
  assert.ok(text.trim().length > 40, `${what}: the page is not blank`);
}

test('the CSP forbids inline and eval’d scripts, and no route violates it or leaves the origin', async () => {
  for (const file of ['index.html', 'embed-example.html']) {
    const html = await readFile(join(DIST, file), 'utf8');
    const csp = html.match(/Content-Security-Policy"\s+content="([^"]+)"/)[1];
    const script = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    assert.ok(script, `${file}: a script-src`);
    assert.doesNotMatch(script, /'unsafe-inline'|'unsafe-eval'/, `${file}: ${script}`);
    assert.match(script, /'wasm-unsafe-eval'/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${file}: no inline script element`);
    // Styles as strict as scripts: the app's own styles come from style.css, the CSSOM and
    // constructed stylesheets, which a style-src without 'unsafe-inline' allows.
    const style = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('style-src'));
    if (style) assert.doesNotMatch(style, /'unsafe-inline'/, `${file}: ${style}`);
    assert.doesNotMatch(html, /\sstyle="|<style[\s>]/, `${file}: no inline style`);
  }
  for (const route of [...ROUTES, '../embed-example.html']) {
    const { page, context, problems } = route.startsWith('../')
      ? await (async () => { const g = await guardedPage(browser, server.origin); await g.page.addInitScript(() => { window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective)); }); await g.page.goto(server.base + 'embed-example.html'); await g.page.waitForTimeout(4000); return g; })()
      : await open(route);
    // Hovering a plot places its cell marker: positioned through the CSSOM, never a style attribute.
    const plot = await page.$('main canvas[data-rows]');
    if (plot) {
      await plot.scrollIntoViewIfNeeded();
      const box = await plot.boundingBox();
      if (box) await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
      await page.waitForTimeout(200);
    }
    assert.deepEqual(await page.evaluate(() => window.__violations), [], `${route}: CSP violations`);
    assert.deepEqual(problems.foreignRequests, [], `${route}: requests outside the origin`);
    assert.deepEqual(problems.consoleErrors, [], `${route}: console errors`);
    await context.close();
  }
});

test('user text and URL values are never HTML, on every route', async () => {
  for (const route of ROUTES) {
    const separator = route.includes('?') ? '&' : '?';
    const { page, context, problems } = await open(route + separator + BAD_QUERY);
    await assertAlive(page, `${route} with a bad query`);
    if (/attention|pe|steps|playground|embed/.test(route)) {
      const said = await page.evaluate(() => document.querySelector('main').innerText);
      assert.match(said, /Ignored|There is no|no model|no view/, `${route}: the bad parameters are named`);
    }
    const fields = page.locator('main textarea, main input[type="text"]');
    const count = await fields.count();
    for (let i = 0; i < count; i++) {
      const field = fields.nth(i);
      if (!(await field.isVisible()) || !(await field.isEditable())) continue;
      await field.fill(INJECTION);
      assert.equal(await field.inputValue(), INJECTION, `${route}: field ${i} keeps the text`);
    }
    await page.waitForTimeout(800);
    assert.deepEqual(await injected(page), { pwned: undefined, images: 0 }, `${route}: nothing injected`);
    await assertAlive(page, `${route} after typing markup`);
    assert.deepEqual(problems.consoleErrors, [], `${route}: console errors`);
    await context.close();
  }
});

test('a bad-input matrix on every route with a text box: a message or a view, the text kept, never a panic', async () => {
  const routes = { '#/attention': '#live-text', '#/translate': '#translate-text', '#/generate': '#generate-text', '#/steps': '#steps-text', '#/': null };
  for (const [route, selector] of Object.entries(routes)) {
    const { page, context, problems } = await open(route, { width: 360, height: 740 });
    const box = selector ? page.locator(selector) : page.locator('attn-scope.home-live').locator('textarea');
    await box.waitFor({ timeout: 60000 });
    for (const [name, text] of Object.entries(BAD_TEXTS)) {
      await box.fill(text);
      await page.waitForTimeout(600);
      assert.equal(await box.inputValue(), text, `${route} ${name}: the text is kept`);
      await assertAlive(page, `${route} ${name}`);
    }
    // The long text says it was cut; the empty text says there is nothing to run.
    await box.fill(BAD_TEXTS.long);
    await page.waitForFunction(() => /reads the first|first \d+ tokens|longer than/i.test(document.body.innerText + [...document.querySelectorAll('attn-scope')].map((e) => e.shadowRoot?.textContent ?? '').join(' ')), null, { timeout: 30000 })
      .catch(() => assert.fail(`${route}: no message says the long text was cut`));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${route}: no sideways scrolling at 360 px (${overflow})`);
    assert.deepEqual(problems.consoleErrors, [], `${route}: console errors`);
    await context.close();
  }
  // The playground's cells and the PE explorer's fields take garbage too.
  const { page, context, problems } = await open('#/playground');
  for (const text of ['', ' ', 'x'.repeat(10000), '🏳️‍🌈', 'مرحبا', INJECTION, '1e999', '-0']) {
    await page.fill('#pg-k-1-1', text);
    assert.equal(await page.inputValue('#pg-k-1-1'), text);
  }
  await assertAlive(page, 'playground');
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

test('every integrity hash in dist/ matches the file it names', async () => {
  const { createHash } = await import('node:crypto');
  const { readdir } = await import('node:fs/promises');
  const pages = (await readdir(DIST, { recursive: true })).filter((f) => f.endsWith('.html'));
  let checked = 0;
  for (const page of pages) {
    const html = await readFile(join(DIST, page), 'utf8');
    for (const [tag] of html.matchAll(/<[^>]*\sintegrity="[^"]*"[^>]*>/g)) {
      const url = tag.match(/\s(?:href|src)="([^"]+)"/)?.[1];
      const [, algorithm, want] = tag.match(/integrity="(sha\d+)-([^"]+)"/) ?? [];
      assert.ok(url && algorithm, `${page}: a tag with an integrity hash names its file: ${tag}`);
      const file = join(DIST, decodeURIComponent(new URL(url, `http://x/${page}`).pathname.slice(1)));
      const got = createHash(algorithm).update(await readFile(file)).digest('base64');
      assert.equal(got, want, `${page}: the ${algorithm} hash of ${url}`);
      checked += 1;
    }
  }
  assert.ok(checked >= 4, `the app page's files are hash-checked (${checked})`);
});
