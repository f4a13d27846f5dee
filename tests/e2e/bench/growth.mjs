// Memory growth after warm-up, shared by the soaks (soak.mjs, soak-bare.mjs): the first
// quarter of the samples warms up; the last sample is compared with the median of the second
// quarter. Returns { key: fraction } for each key with at least four samples.
export function growthAfterWarmup(samples, keys = ['jsHeap', 'wasmBytes']) {
  const growth = {};
  for (const key of keys) {
    const values = samples.map((s) => s[key]).filter((v) => typeof v === 'number');
    if (values.length < 4) continue;
    const quarter = Math.floor(values.length / 4);
    const warm = values.slice(quarter, Math.max(Math.floor(values.length / 2), quarter + 1)).sort((a, b) => a - b);
    const base = warm[Math.floor(warm.length / 2)];
    growth[key] = (values.at(-1) - base) / base;
  }
  return growth;
}
