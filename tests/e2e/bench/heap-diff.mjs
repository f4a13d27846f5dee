// What a tab kept between two heap snapshots: the objects alive in the second snapshot that
// were not in the first (V8's node ids are stable across snapshots), grouped by kind and
// constructor or string, largest first. Used by soak-bare.mjs with HEAP_DIFF=1 to find what
// grows in a long session.

/** Parses a V8 heap snapshot (the JSON DevTools writes) into { id, key, size } per node. */
export function heapNodes(snapshot) {
  const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
  const width = fields.length;
  const [typeAt, nameAt, idAt, sizeAt] = ['type', 'name', 'id', 'self_size'].map((f) => fields.indexOf(f));
  const { nodes, strings } = snapshot;
  const out = [];
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    let name = strings[nodes[i + nameAt]] ?? '';
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = name.slice(0, 60);
    out.push({ id: nodes[i + idAt], key: `${type}: ${name}`, size: nodes[i + sizeAt] });
  }
  return out;
}

/** The nodes of `after` whose ids are not in `before`, grouped by key: [{ key, count, bytes }]. */
export function heapGrowth(before, after, top = 40) {
  const seen = new Set(before.map((n) => n.id));
  const groups = new Map();
  for (const node of after) {
    if (seen.has(node.id)) continue;
    const group = groups.get(node.key) ?? { key: node.key, count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += node.size;
    groups.set(node.key, group);
  }
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes).slice(0, top);
}

/** The net change from `before` to `after` per key (count and bytes), largest growth first. */
export function heapNet(before, after, top = 40) {
  const groups = new Map();
  const add = (nodes, sign) => {
    for (const node of nodes) {
      const group = groups.get(node.key) ?? { key: node.key, count: 0, bytes: 0 };
      group.count += sign;
      group.bytes += sign * node.size;
      groups.set(node.key, group);
    }
  };
  add(before, -1);
  add(after, 1);
  return [...groups.values()].filter((g) => g.count || g.bytes).sort((a, b) => b.bytes - a.bytes).slice(0, top);
}
