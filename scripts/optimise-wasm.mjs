// Trunk post-build hook, release builds only: binaryen's optimiser over the app's wasm
// (binaryen 132 from npm, pinned in package.json: Debian's is version 108).
// Measured on the fat-LTO build (docs/perf.md, "the wasm's size"):
// - `-O1` takes 6.6 KB off the gzipped wasm with the same forwards and keystroke → paint
//   times; -O2, -O3, -Os and -Oz make the file smaller but the gzipped file larger;
// - the order of the functions decides how much gzip finds: kin side by side
//   (wasm-function-order.mjs) take 13.9 KB off the gzipped wasm. The release profile keeps
//   the names for this; `--strip-debug` then drops them.
// ATTNSCOPE_KEEP_NAMES=1 keeps rustc's names and order instead, for profiles by function name.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { renameForOrder } from './wasm-function-order.mjs';

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set (run as a trunk hook, or pass the build folder)');
if ((process.env.TRUNK_PROFILE ?? 'release') !== 'release') {
  console.log('wasm-opt: skipped (not a release build)');
  process.exit(0);
}
const wasmOpt = fileURLToPath(new URL('../node_modules/binaryen/bin/wasm-opt', import.meta.url));
if (!existsSync(wasmOpt)) {
  throw new Error(`binaryen's wasm-opt is missing (${wasmOpt}): run \`npm ci\` (scripts/setup.sh does)`);
}
const keepNames = Boolean(process.env.ATTNSCOPE_KEEP_NAMES);
// The features rustc's wasm32-unknown-unknown output uses (SIMD from .cargo/config.toml).
const features = ['bulk-memory', 'sign-ext', 'nontrapping-float-to-int', 'simd', 'mutable-globals', 'multivalue', 'reference-types']
  .map((f) => `--enable-${f}`);
const passes = keepNames ? ['-O1'] : ['-O1', '--reorder-functions-by-name', '--strip-debug', '--strip-producers'];
for (const name of readdirSync(dir).filter((f) => f.endsWith('_bg.wasm'))) {
  const path = join(dir, name);
  const before = statSync(path).size;
  const input = `${path}.ordered`;
  writeFileSync(input, keepNames ? readFileSync(path) : renameForOrder(readFileSync(path)));
  const run = spawnSync(process.execPath, [wasmOpt, ...features, ...passes, input, '-o', path], { stdio: 'inherit' });
  rmSync(input);
  if (run.status !== 0) throw new Error(`wasm-opt failed on ${name} (exit ${run.status})`);
  console.log(`wasm-opt ${passes.join(' ')}: ${name} ${before} → ${statSync(path).size} bytes`);
}

// Trunk wrote each file's subresource-integrity hash into the pages before this hook ran:
// the optimised wasm no longer matches its `<link rel="preload" integrity>`, and a browser
// then refuses the preload and fetches the file a second time. Every hash in a page is
// written again from the file it names as it is now.
for (const page of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
  const path = join(dir, page);
  const html = readFileSync(path, 'utf8');
  const fixed = html.replace(/<[^>]*\sintegrity="[^"]*"[^>]*>/g, (tag) => {
    const url = tag.match(/\s(?:href|src)="([^"]+)"/)?.[1];
    const file = url && join(dir, decodeURIComponent(new URL(url, `http://x/${page}`).pathname.slice(1)));
    if (!file || !existsSync(file)) return tag;
    const [algorithm] = tag.match(/integrity="(sha\d+)-/)?.slice(1) ?? ['sha384'];
    const hash = createHash(algorithm).update(readFileSync(file)).digest('base64');
    return tag.replace(/integrity="[^"]*"/, `integrity="${algorithm}-${hash}"`);
  });
  if (fixed !== html) {
    writeFileSync(path, fixed);
    console.log(`integrity: ${page} hashes rewritten for the optimised files`);
  }
}
