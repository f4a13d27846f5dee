// The release (scripts/release.sh, run by the test command before this suite): the archives
// and the wheel carry this build and their sums check; the site serves v<version>/ beside
// latest/, each folder's service worker keeps its own cache, so a new latest/ never removes
// a pinned version's offline copy; a published version can never be replaced with other files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, guardedPage, precachedInPage, ROOT, DIST } from './harness.mjs';

const RELEASE = join(ROOT, 'release');
const VERSION = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(await readFile(join(ROOT, 'Cargo.toml'), 'utf8'))[1];
const NAME = `attnscope-${VERSION}`;

function sh(cmd, args, options = {}) {
  return execFileSync(cmd, args, { cwd: RELEASE, maxBuffer: 1 << 26, ...options }).toString();
}

test('the archives and the wheel carry this build, with SHA-256 sums that check', async () => {
  assert.ok(existsSync(RELEASE), 'release/ is missing: run scripts/release.sh --no-build first');
  sh('sha256sum', ['-c', 'SHA256SUMS']);
  const sums = await readFile(join(RELEASE, 'SHA256SUMS'), 'utf8');
  for (const file of [`${NAME}.tar.gz`, `${NAME}.zip`, `${NAME}-py3-none-any.whl`]) assert.match(sums, new RegExp(` ${file.replace(/\./g, '\\.')}\n`));
  const tar = sh('tar', ['-tzf', `${NAME}.tar.gz`]).split('\n');
  for (const file of ['index.html', 'embed.js', 'attnscope_bg.wasm', 'sw.js', 'assets/models/sentiment-transformer/model.safetensors']) {
    assert.ok(tar.includes(`${NAME}/${file}`), `the tarball has ${file}`);
  }
  const zip = sh(join(ROOT, '.venv/bin/python'), ['-m', 'zipfile', '-l', `${NAME}.zip`]);
  assert.match(zip, new RegExp(`${NAME}/attnscope_bg\\.wasm`));
  const wheel = sh(join(ROOT, '.venv/bin/python'), ['-m', 'zipfile', '-l', `${NAME}-py3-none-any.whl`]);
  for (const file of ['attnscope/_widget.py', 'attnscope/widget.js', 'attnscope/static/embed.js', 'attnscope/static/attnscope_bg.wasm',
    'attnscope/static/assets/models/story-decoder/model.safetensors']) assert.ok(wheel.includes(file), `the wheel has ${file}`);
  // The wheel's wasm is dist/'s, byte for byte.
  const packed = execFileSync(join(ROOT, '.venv/bin/python'), ['-c',
    'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("attnscope/static/attnscope_bg.wasm"))',
    join(RELEASE, `${NAME}-py3-none-any.whl`)], { maxBuffer: 1 << 26 });
  assert.ok(packed.equals(await readFile(join(DIST, 'attnscope_bg.wasm'))));
  const changelog = await readFile(join(ROOT, 'CHANGELOG.md'), 'utf8');
  assert.match(changelog, new RegExp(`^## ${VERSION.replace(/\./g, '\\.')} `, 'm'));
});

test('v<version>/ and latest/ are served side by side, each with its own offline cache', async () => {
  const site = join(RELEASE, 'site');
  let deploy = 1;
  const server = await serveDist({
    mounts: { [`v${VERSION}/`]: join(site, `v${VERSION}`), 'latest/': join(site, 'latest') },
    // A later release as the reader's browser sees latest/: its worker has a new version.
    rewrite: (path, body) => (path === 'latest/sw.js'
      ? Buffer.from(body.toString().replace(/const VERSION = "([^"]+)"/, `const VERSION = "$1-${deploy}"`)) : body),
  });
  const browser = await launch({ webgpu: false });
  try {
    const { page, context, problems } = await guardedPage(browser, server.origin);
    /** The one cache of `folder`'s worker, once it holds the precache. */
    const cacheOf = async (folder) => {
      const keysOf = (f) => caches.keys().then((keys) => keys.filter((k) => k.endsWith(`@/attnscope/${f}`)));
      await page.waitForFunction(precachedInPage, `/attnscope/${folder}`, { timeout: 90000, polling: 500 });
      const [key] = await page.evaluate(keysOf, folder);
      return key;
    };

    await page.goto(`${server.base}v${VERSION}/#/pe`);
    await page.locator('#pe-matrix').waitFor({ state: 'attached', timeout: 60000 });
    assert.equal((await page.textContent('.site-version')).trim(), `· attnscope ${VERSION}`);
    const pinned = await cacheOf(`v${VERSION}/`);
    await page.goto(`${server.base}latest/#/pe`);
    await page.locator('#pe-matrix').waitFor({ state: 'attached', timeout: 60000 });
    const latest = await cacheOf('latest/');
    assert.notEqual(pinned, latest);

    // A new latest/: its update replaces latest's cache and leaves the pinned one.
    deploy = 2;
    await page.reload();
    await page.locator('#update-banner').waitFor({ state: 'visible', timeout: 60000 });
    await page.click('#update-reload');
    await page.waitForFunction(([old, kept]) => caches.keys().then((keys) => !keys.includes(old) && keys.includes(kept)
      && keys.some((k) => k.includes('-2@/attnscope/latest/'))), [latest, pinned], { timeout: 60000, polling: 500 });

    // The pinned version still works offline.
    await context.setOffline(true);
    await page.goto(`${server.base}v${VERSION}/#/attention?model=sentiment-transformer&text=not%20bad`);
    await page.waitForFunction(() => document.getElementById('summary-sentiment-transformer')?.dataset.text === 'not bad', null, { timeout: 60000 });
    assert.ok(await page.isHidden('#panic-banner'));
    await context.setOffline(false);
    assert.deepEqual(problems.foreignRequests, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test('scripts/pages-site.sh adds a version, replaces latest/ only for the newest, and never changes a published version', async () => {
  const published = await mkdtemp(join(tmpdir(), 'attnscope-pages-'));
  try {
    await cp(join(RELEASE, 'site', `v${VERSION}`), join(published, 'v0.0.9'), { recursive: true });
    execFileSync('bash', [join(ROOT, 'scripts/pages-site.sh'), published], { cwd: ROOT });
    assert.deepEqual((await readFile(join(published, 'versions.txt'), 'utf8')).trim().split('\n'), [`v${VERSION}`, 'v0.0.9']);
    assert.ok(existsSync(join(published, 'latest/embed.js')));
    assert.ok(existsSync(join(published, '.nojekyll')));
    // The same release again is a no-op; other bytes under a published version are refused.
    execFileSync('bash', [join(ROOT, 'scripts/pages-site.sh'), published], { cwd: ROOT });
    await writeFile(join(published, `v${VERSION}`, 'embed.js'), '// changed\n');
    assert.throws(() => execFileSync('bash', [join(ROOT, 'scripts/pages-site.sh'), published], { cwd: ROOT, stdio: 'pipe' }),
      /a published version never changes/);
    // A release older than one already published keeps latest/ on the newer one.
    await rm(join(published, `v${VERSION}`), { recursive: true });
    await cp(join(RELEASE, 'site', 'latest'), join(published, 'v99.0.0'), { recursive: true });
    await writeFile(join(published, 'latest', 'marker'), 'v99.0.0');
    execFileSync('bash', [join(ROOT, 'scripts/pages-site.sh'), published], { cwd: ROOT });
    assert.equal(await readFile(join(published, 'latest', 'marker'), 'utf8'), 'v99.0.0');
    assert.deepEqual((await readFile(join(published, 'versions.txt'), 'utf8')).trim().split('\n'), ['v99.0.0', `v${VERSION}`, 'v0.0.9']);
  } finally {
    await rm(published, { recursive: true, force: true });
  }
});
