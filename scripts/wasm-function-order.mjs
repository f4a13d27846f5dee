// The order gzip likes best for the app's functions, given to binaryen as their names.
//
// gzip finds repeats within a 32 KB window, so kin should sit together. Of the orders tried on
// this app (docs/perf.md, "the wasm's size"), the best groups functions by the crate their
// name starts with, then by the name with its generic arguments, crate disambiguators and
// hash removed (so a generic's instances and a trait method's impls meet), then by size:
// 4.2 KB smaller gzipped than plain name order, 13.9 KB smaller than rustc's order.
//
// `renameForOrder(bytes)` returns the wasm with its function names replaced by zero-padded
// ranks in that order; `wasm-opt --reorder-functions-by-name` then applies it and
// `--strip-debug` drops the names.

/** Reads an unsigned LEB128 at `at`; returns [value, next offset]. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function encodeLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** Skips a limits entry (memory, table). */
function skipLimits(bytes, at) {
  const flags = bytes[at++];
  [, at] = leb(bytes, at);
  if (flags & 1) [, at] = leb(bytes, at);
  return at;
}

/** The wasm's sections: id, start of the header, start and length of the body. */
function sections(bytes) {
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    let length;
    [length, at] = leb(bytes, at);
    out.push({ id, start, body: at, length });
    at += length;
  }
  return out;
}

function importedFunctions(bytes, section) {
  let [count, at] = leb(bytes, section.body);
  let functions = 0;
  const text = (offset) => {
    const [length, next] = leb(bytes, offset);
    return next + length;
  };
  for (let i = 0; i < count; i++) {
    at = text(at); // module
    at = text(at); // field
    const kind = bytes[at++];
    if (kind === 0) {
      [, at] = leb(bytes, at);
      functions++;
    } else if (kind === 1) {
      at = skipLimits(bytes, at + 1);
    } else if (kind === 2) {
      at = skipLimits(bytes, at);
    } else if (kind === 3) {
      at += 2;
    } else {
      throw new Error(`wasm-function-order: import kind ${kind} is not understood`);
    }
  }
  return functions;
}

function bodySizes(bytes, section) {
  let [count, at] = leb(bytes, section.body);
  const sizes = [];
  for (let i = 0; i < count; i++) {
    const [size, next] = leb(bytes, at);
    sizes.push(size);
    at = next + size;
  }
  return sizes;
}

/** Function index → name, from the name section's function subsection. */
function functionNames(bytes, section) {
  const decoder = new TextDecoder();
  let [nameLength, at] = leb(bytes, section.body);
  at += nameLength;
  const end = section.body + section.length;
  const names = new Map();
  while (at < end) {
    const kind = bytes[at++];
    let size;
    [size, at] = leb(bytes, at);
    if (kind === 1) {
      let [count, p] = leb(bytes, at);
      for (let i = 0; i < count; i++) {
        let index;
        let length;
        [index, p] = leb(bytes, p);
        [length, p] = leb(bytes, p);
        names.set(index, decoder.decode(bytes.subarray(p, p + length)));
        p += length;
      }
    }
    at += size;
  }
  return names;
}

/** The name without its generic arguments, crate disambiguators and hash. */
function family(name) {
  const plain = name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]+\]/g, '');
  let depth = 0;
  let out = '';
  for (const c of plain) {
    if (c === '<') depth++;
    if (depth === 0) out += c;
    if (c === '>') depth--;
  }
  return out;
}

/** The wasm with each function named by its rank in the order above. */
export function renameForOrder(bytes) {
  const all = sections(bytes);
  const importSection = all.find((s) => s.id === 2);
  const codeSection = all.find((s) => s.id === 10);
  const nameSection = all.find(
    (s) => s.id === 0 && new TextDecoder().decode(bytes.subarray(s.body + 1, s.body + 5)) === 'name',
  );
  if (!codeSection || !nameSection) throw new Error('wasm-function-order: the wasm has no code or no names');
  const imported = importSection ? importedFunctions(bytes, importSection) : 0;
  const names = functionNames(bytes, nameSection);
  const keys = bodySizes(bytes, codeSection).map((size, i) => {
    const name = names.get(imported + i) ?? '';
    const crate = name.match(/[a-z_0-9]+::/)?.[0] ?? '~';
    return { index: imported + i, key: `${crate}${family(name)}${String(size).padStart(8, '0')}` };
  });
  keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  const entries = [];
  const ranked = new Map(keys.map(({ index }, rank) => [index, `f${String(rank).padStart(6, '0')}`]));
  for (let i = 0; i < imported; i++) ranked.set(i, `import${i}`);
  const encoder = new TextEncoder();
  for (const index of [...ranked.keys()].sort((a, b) => a - b)) {
    const name = encoder.encode(ranked.get(index));
    entries.push(...encodeLeb(index), ...encodeLeb(name.length), ...name);
  }
  const subsection = [...encodeLeb(ranked.size), ...entries];
  const body = [4, ...encoder.encode('name'), 1, ...encodeLeb(subsection.length), ...subsection];
  const section = Uint8Array.from([0, ...encodeLeb(body.length), ...body]);
  const before = bytes.subarray(0, nameSection.start);
  const after = bytes.subarray(nameSection.body + nameSection.length);
  const out = new Uint8Array(before.length + section.length + after.length);
  out.set(before, 0);
  out.set(section, before.length);
  out.set(after, before.length + section.length);
  return out;
}
