// Trunk post-build hook, release builds only: binaryen's optimiser over the app's wasm
// (binaryen 132 from npm, pinned in package.json: Debian's is version 108).
// Measured on the fat-LTO build (docs/perf.md, "the wasm's size"):
// - `-O1` takes 6.6 KB off the gzipped wasm with the same forwards and keystroke → paint
//   times; -O2, -O3, -Os and -Oz make the file smaller but the gzipped file larger;
// - ordering the functions by name puts a generic's instances and a module's functions side
//   by side, where gzip's 32 KB window finds their likeness: 9.7 KB off the gzipped wasm
//   (the release profile keeps the names for this, `--strip-debug` then drops them).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

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
// The features rustc's wasm32-unknown-unknown output uses (SIMD from .cargo/config.toml).
const features = ['bulk-memory', 'sign-ext', 'nontrapping-float-to-int', 'simd', 'mutable-globals', 'multivalue', 'reference-types']
  .map((f) => `--enable-${f}`);
for (const name of readdirSync(dir).filter((f) => f.endsWith('_bg.wasm'))) {
  const path = join(dir, name);
  const before = statSync(path).size;
  const passes = ['-O1', '--reorder-functions-by-name', '--strip-debug', '--strip-producers'];
  const run = spawnSync(process.execPath, [wasmOpt, ...features, ...passes, path, '-o', path], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`wasm-opt failed on ${name} (exit ${run.status})`);
  console.log(`wasm-opt -O1: ${name} ${before} → ${statSync(path).size} bytes`);
}
