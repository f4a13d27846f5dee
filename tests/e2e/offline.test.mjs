// Offline after the first visit: the service worker precaches this build, every route,
// lesson stop and same-origin <attn-scope> element then works with the network cut; a new
// deploy announces itself and replaces the old cache; file:// is left alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { serveDist, launch, guardedPage, precachedInPage, DIST } from './harness.mjs';

let server;
let browser;
let deploy = 1;
before(async () => {
  // Deploy N serves sw.js with its version suffixed "-N": a new build as the browser sees it.
  server = await serveDist({
    rewrite: (path, body) => (path === 'sw.js' ? Buffer.from(body.toString().replace(/const VERSION = "([^"]+)"/, `const VERSION = "$1-${deploy}"`)) : body),
  });
  browser = await launch({ webgpu: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const ROUTES = [
  ['', 'attn-scope.home-live'], ['#/attention', '#summary-sentiment-transformer'], ['#/translate', '#translation'], ['#/generate', '#generate-summary'],
  ['#/pe', '#pe-matrix'], ['#/steps', '#steps-record'], ['#/playground', '#pg-h0-weights-table'],
  ...Array.from({ length: 9 }, (_, i) => [`#/lesson/${i + 1}`, '.lesson-stage canvas, .lesson-stage table, .lesson-stage attn-scope']),
  ['#/embed?model=translate-en-es', '.embed-view canvas'],
];

async function precached(page) {
  await page.waitForFunction(precachedInPage, null, { timeout: 60000, polling: 500 });
  return page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('attnscope-')));
}

test('after the first visit every route works with the network off', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  await page.goto(server.base);
  await page.locator('attn-scope.home-live').waitFor();
  const [cache] = await precached(page);
  assert.match(cache, /^attnscope-[0-9a-f]{16}-1@\/attnscope\/$/);
  await context.setOffline(true);
  for (const [hash, ready] of ROUTES) {
    await page.goto(server.base + hash);
    await page.reload();
    const target = page.locator(ready).first();
    await target.waitFor({ state: 'attached', timeout: 60000 });
    if (hash === '') await page.waitForFunction(() => document.querySelector('attn-scope.home-live')?.trace, null, { timeout: 60000 });
    assert.ok(await page.isHidden('#panic-banner'), hash);
  }
  await page.goto(server.base + 'embed-example.html');
  await page.waitForFunction(() => [...document.querySelectorAll('attn-scope')].every((e) => e.trace), null, { timeout: 90000 });
  const offlineErrors = problems.consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e));
  assert.deepEqual(offlineErrors, []);
  assert.deepEqual(problems.foreignRequests, []);
  await context.close();
});

test('a new deploy says "updated" and replaces the old cache; file:// is left alone', async () => {
  const { page, context, problems } = await guardedPage(browser, server.origin);
  deploy = 1;
  await page.goto(server.base + '#/pe');
  const [first] = await precached(page);
  deploy = 2;
  await page.reload();
  const banner = page.locator('#update-banner');
  await banner.waitFor({ state: 'visible', timeout: 60000 });
  assert.match(await banner.textContent(), /updated/);
  await page.click('#update-reload');
  await page.waitForFunction((first) => caches.keys().then((keys) => keys.some((k) => k.includes('-2@')) && !keys.includes(first)), first, { timeout: 60000, polling: 500 });
  await page.locator('#pe-matrix').waitFor({ state: 'attached', timeout: 30000 });
  assert.ok(await page.isHidden('#update-banner'), 'the reloaded page runs the new version');
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();

  const local = await guardedPage(browser, 'file://');
  const errors = [];
  local.page.on('pageerror', (e) => errors.push(String(e)));
  await local.page.goto(pathToFileURL(join(DIST, 'index.html')).href);
  await local.page.waitForTimeout(1500);
  assert.deepEqual(errors, [], 'no exception from file://');
  assert.equal(await local.page.evaluate(() => typeof navigator.serviceWorker === 'undefined' ? 0 : navigator.serviceWorker.controller ? 1 : 0), 0);
  await local.context.close();
});
