// Trunk post-build hook: writes sw.js into the build with this build's version (a hash of
// every file it serves) and the list of files to precache: the page, its scripts, wasm and
// styles, the embed files and the shipped models.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set (run as a trunk hook, or pass the build folder)');

async function walk(folder) {
  const out = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...await walk(path));
    else out.push(path);
  }
  return out;
}

const skip = (name) => name === 'sw.js' || name.endsWith('MODEL_CARD.md') || name.endsWith('.png') && name.includes('assets');
const files = (await walk(dir)).map((p) => relative(dir, p).split(sep).join('/')).filter((f) => !skip(f)).sort();
const hash = createHash('sha256');
for (const file of files) hash.update(file).update(await readFile(join(dir, file)));
const version = hash.digest('hex').slice(0, 16);
const template = await readFile(join(dir, 'sw.js'), 'utf8');
const sw = template
  .replace("'__ATTNSCOPE_VERSION__'", JSON.stringify(version))
  .replace('__ATTNSCOPE_FILES__', JSON.stringify(['./', ...files]));
await writeFile(join(dir, 'sw.js'), sw);
console.log(`sw.js: version ${version}, ${files.length} files precached`);
