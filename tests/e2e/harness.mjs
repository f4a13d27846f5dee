// Shared harness of the end-to-end tests: a static server for dist/ (under a sub-path, as on
// GitHub Pages), Debian's Chromium through playwright-core, and guards that record console
// errors and any request that leaves the page's origin.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
// ATTNSCOPE_DIST serves another build (a long soak runs on a copy while dist/ is rebuilt).
export const DIST = process.env.ATTNSCOPE_DIST ?? join(ROOT, 'dist');
export const OUTPUT = join(ROOT, 'test-output');
export const SUB_PATH = '/attnscope/';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
  '.safetensors': 'application/octet-stream', '.mjs': 'text/javascript', '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves dist/ at http://127.0.0.1:<port>/attnscope/ ; resolves to { origin, base, close,
 * requests }. `cors` adds `Access-Control-Allow-Origin: *` (as GitHub Pages does), so pages
 * of other origins may embed it; `requests` lists every path asked for, in order; `rewrite(path,
 * body)` may change a file as served (a new deploy); `mounts` ({ 'models/x/': '/abs/dir' })
 * serves other folders under the same origin (a visitor's own model on their site). */
export async function serveDist({ cors = false, rewrite = null, mounts = {} } = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    if (cors) res.setHeader('access-control-allow-origin', '*');
    if (!path.startsWith(SUB_PATH)) { res.writeHead(404).end('not under ' + SUB_PATH); return; }
    const rest = path.slice(SUB_PATH.length);
    const mount = Object.keys(mounts).find((prefix) => rest.startsWith(prefix));
    const root = mount ? mounts[mount] : DIST;
    const inside = mount ? rest.slice(mount.length) : rest;
    const file = normalize(join(root, inside === '' || inside.endsWith('/') ? inside + 'index.html' : inside));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      let body = await readFile(file);
      if (rewrite) body = rewrite(rest, body);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, base: origin + SUB_PATH, requests, close: () => new Promise((ok) => server.close(ok)) };
}

/** Serves the pages `pages` ({ '/path': { body, headers } }) from another origin: a host site. */
export async function serveHost(pages) {
  const server = createServer((req, res) => {
    const page = pages[new URL(req.url, 'http://x').pathname];
    if (!page) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...page.headers }).end(page.body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((ok) => server.close(ok)) };
}

/** axe-core's serious and critical violations on the page (open shadow roots included), as
 * "rule: target" lines. axe is evaluated through the DevTools protocol, which the page's CSP
 * does not govern, so it also runs on pages with a strict policy. */
export async function axeViolations(page) {
  const { source } = (await import('axe-core')).default;
  await page.evaluate(source);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} ${n.failureSummary?.split('\n')[1] ?? ''}`));
}

/** Launches Debian's Chromium, headless, with or without WebGPU. */
export async function launch({ webgpu = true } = {}) {
  const args = [
    '--no-sandbox', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic',
  ];
  // playwright-core gives every launch a fresh, empty profile directory of its own.
  if (webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan');
  else args.push('--disable-features=WebGPU,Vulkan', '--disable-gpu');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args });
  browser.attnscopeWebgpu = webgpu;
  return browser;
}

/** A page that records console errors, page errors and requests outside `origin`. With
 * WebGPU on, the reader's saved engine choice is `gpu` (the tests exercise the GPU engine on
 * SwiftShader, which `auto` passes over as a software adapter) unless `engine` says otherwise
 * (`'auto'`: nothing saved). */
export async function guardedPage(browser, origin, viewport = { width: 1280, height: 900 }, { engine } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, deviceScaleFactor: 1 });
  const saved = engine ?? (browser.attnscopeWebgpu ? 'gpu' : 'auto');
  if (saved !== 'auto') {
    await context.addInitScript((choice) => { try { localStorage.setItem('attnscope-engine', choice); } catch {} }, saved);
  }
  const page = await context.newPage();
  const problems = { consoleErrors: [], foreignRequests: [] };
  page.on('console', (m) => { if (m.type() === 'error') problems.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => problems.consoleErrors.push(String(e)));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin + '/') && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.foreignRequests.push(url);
    }
  });
  return { page, context, problems };
}

/** Waits until the backend chip has finished detecting; returns { kind, text }. */
export async function backendChip(page) {
  const chip = page.locator('#backend-chip');
  await page.waitForFunction(() => document.querySelector('#backend-chip')?.dataset.backend !== 'detecting', null, { timeout: 20000 });
  return { kind: await chip.getAttribute('data-backend'), text: (await chip.textContent()).trim() };
}

/** Scrolls the element with `id` into view and waits until it (or the grid holding it) is
 * drawn: plots off screen skip drawing and carry `data-stale` until they scroll in. */
export async function drawn(page, id) {
  await page.evaluate((id) => document.getElementById(id)?.scrollIntoView({ block: 'center' }), id);
  await page.waitForFunction((id) => {
    const e = document.getElementById(id);
    return e && !e.closest('[data-stale]');
  }, id, { timeout: 10000 });
}

/** The RGBA of the canvas pixel at the centre of heatmap cell (row, col). */
export async function cellPixel(page, canvasId, row, col) {
  await drawn(page, canvasId);
  return page.evaluate(([id, row, col]) => {
    const c = document.getElementById(id);
    const n = (k) => Number(c.dataset[k]);
    const x = n('plotLeft') + (col + 0.5) * n('plotWidth') / n('cols');
    const y = n('plotTop') + (row + 0.5) * n('plotHeight') / n('rows');
    return Array.from(c.getContext('2d').getImageData(Math.floor(x), Math.floor(y), 1, 1).data);
  }, [canvasId, row, col]);
}

/** A cheap fingerprint of all the canvas's pixels. */
export async function canvasFingerprint(page, canvasId) {
  await drawn(page, canvasId);
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 7) h = Math.imul(h ^ d[i], 16777619);
    return `${c.width}x${c.height}:${h >>> 0}`;
  }, canvasId);
}

export async function screenshot(page, name) {
  await mkdir(OUTPUT, { recursive: true });
  // A full-page capture does not scroll, and plots off screen skip drawing: the viewport
  // grows to the whole page for the capture, so every plot is on screen and drawn.
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (viewport && height > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height: Math.min(height, 16000) });
    await page.waitForFunction(() => !document.querySelector('[data-stale]'), null, { timeout: 10000 }).catch(() => {});
  }
  await page.screenshot({ path: join(OUTPUT, name), fullPage: true });
  if (viewport && height > viewport.height) await page.setViewportSize(viewport);
}

/** The CLI's (the native CPU reference's) class probabilities for each text, one forward per
 * line, optionally with interventions (`extra`: CLI flags); `[]` for a non-classifier. */
export function cliProbabilities(model, texts, extra = []) {
  const out = execFileSync('cargo', ['run', '-q', '--release', '-p', 'attnscope-cli', '--',
    '--model', join(ROOT, 'assets/models', model), '--lines', ...extra],
  { cwd: ROOT, input: texts.join('\n') + '\n', maxBuffer: 1 << 28 }).toString();
  return out.trim().split('\n').map((line) => {
    const trace = JSON.parse(line);
    return trace.output.kind === 'classification' ? trace.output.probabilities : [];
  });
}

/** Evaluated in the page (by playwright or WebDriver): whether a service worker controls it and
 * its one cache (the one of `scope`, a folder path such as `/attnscope/v0.1.0/`, when given)
 * holds the precache, the models included. */
export async function precachedInPage(scope) {
  const registration = await navigator.serviceWorker.ready;
  if (!registration.active || !navigator.serviceWorker.controller) return false;
  const keys = (await caches.keys()).filter((k) => k.startsWith('attnscope-') && (!scope || k.endsWith(`@${scope}`)));
  if (keys.length !== 1) return false;
  const entries = await (await caches.open(keys[0])).keys();
  return entries.some((r) => r.url.endsWith('model.safetensors')) && entries.length >= 20;
}
