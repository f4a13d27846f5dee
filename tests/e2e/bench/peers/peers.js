// The peers of tests/e2e/bench/peers.mjs, in the page: ONNX Runtime Web (WebGPU and wasm
// execution providers) and transformers.js (WebGPU and wasm) run the same all-MiniLM-L6-v2
// ONNX export (tools/golden/make_hf_fixtures.py: the last hidden state and the six attention
// tensors are its outputs) on T token ids, returning the hidden state and every map to JS.
// window.runPeer({ lib, device, t, runs, budgetMs }) → { loadMs, bytes, times, check, adapter }.
const NPM = '../npm/';

/** [CLS] w … w [SEP] as int64, with its mask and token types. */
function inputs(t) {
  const ids = new BigInt64Array(t);
  for (let i = 0; i < t; i++) ids[i] = BigInt(i === 0 ? 101 : i === t - 1 ? 102 : 1996 + ((i * 37) % 5000));
  return { ids, mask: new BigInt64Array(t).fill(1n), types: new BigInt64Array(t) };
}

/** Bytes fetched since `mark` (resource timing; the page's own files excluded). */
function bytesSince(mark) {
  return performance.getEntriesByType('resource')
    .filter((e) => e.startTime >= mark)
    .reduce((sum, e) => sum + (e.encodedBodySize || e.transferSize || 0), 0);
}

async function adapterInfo() {
  const adapter = await navigator.gpu?.requestAdapter();
  const info = adapter?.info;
  return info ? `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.trim() : 'no WebGPU adapter';
}

/** Times `forward` up to `runs` times after warm-up (three runs; one where a forward takes
 * seconds, as on a software adapter), within `budgetMs` but at least three times. */
async function timed(forward, runs, budgetMs) {
  const first = performance.now();
  await forward();
  if (performance.now() - first < 2000) for (let i = 0; i < 2; i++) await forward();
  const times = [];
  const end = performance.now() + budgetMs;
  for (let i = 0; i < runs && (i < 3 || performance.now() < end); i++) {
    const start = performance.now();
    await forward();
    times.push(performance.now() - start);
  }
  return times;
}

async function ortPeer({ device, t, runs, budgetMs }) {
  const ort = await import(NPM + 'onnxruntime-web/dist/ort.webgpu.min.mjs');
  ort.env.wasm.wasmPaths = new URL(NPM + 'onnxruntime-web/dist/', location.href).href;
  ort.env.wasm.numThreads = 1; // no cross-origin isolation here: one thread, as attnscope's CPU engine
  const mark = performance.now();
  const session = await ort.InferenceSession.create('../onnx/minilm.onnx', {
    executionProviders: [device === 'webgpu' ? 'webgpu' : 'wasm'],
    graphOptimizationLevel: 'all',
  });
  const loadMs = performance.now() - mark;
  const bytes = bytesSince(mark);
  const { ids, mask, types } = inputs(t);
  const feeds = {
    input_ids: new ort.Tensor('int64', ids, [1, t]),
    attention_mask: new ort.Tensor('int64', mask, [1, t]),
    token_type_ids: new ort.Tensor('int64', types, [1, t]),
  };
  let last;
  // Every output read back to the CPU (hidden state and the six maps), as the views need.
  const forward = async () => {
    const out = await session.run(feeds);
    last = {};
    for (const [name, tensor] of Object.entries(out)) last[name] = await tensor.getData(true);
  };
  const times = await timed(forward, runs, budgetMs);
  await session.release();
  return { loadMs, bytes, times, check: checkOf(last, t) };
}

async function transformersPeer({ device, t, runs, budgetMs }) {
  const mark = performance.now();
  const tjs = await import(NPM + '@huggingface/transformers/dist/transformers.js');
  tjs.env.allowRemoteModels = false;
  tjs.env.allowLocalModels = true;
  tjs.env.localModelPath = new URL('../tjs/', location.href).href;
  tjs.env.useBrowserCache = false;
  const dist = new URL(NPM + '@huggingface/transformers/node_modules/onnxruntime-web/dist/', location.href).href;
  tjs.env.backends.onnx.wasm.wasmPaths = { mjs: dist + 'ort-wasm-simd-threaded.asyncify.mjs', wasm: dist + 'ort-wasm-simd-threaded.asyncify.wasm' };
  tjs.env.backends.onnx.wasm.numThreads = 1;
  const model = await tjs.AutoModel.from_pretrained('all-MiniLM-L6-v2', { device, dtype: 'fp32' });
  const loadMs = performance.now() - mark;
  const bytes = bytesSince(mark);
  const { ids, mask, types } = inputs(t);
  const feeds = {
    input_ids: new tjs.Tensor('int64', ids, [1, t]),
    attention_mask: new tjs.Tensor('int64', mask, [1, t]),
    token_type_ids: new tjs.Tensor('int64', types, [1, t]),
  };
  let last;
  const forward = async () => {
    const out = await model(feeds);
    last = {};
    for (const [name, tensor] of Object.entries(out)) last[name] = tensor.ort_tensor ? await tensor.ort_tensor.getData(true) : tensor.data;
  };
  const times = await timed(forward, runs, budgetMs);
  await model.dispose?.();
  return { loadMs, bytes, times, check: checkOf(last, t) };
}

/** What the driver compares with attnscope: the outputs' names and sizes, and a digest. */
function checkOf(outputs, t) {
  const names = Object.keys(outputs ?? {}).sort();
  const maps = names.filter((n) => n.startsWith('attentions'));
  const hidden = outputs?.last_hidden_state;
  return { names, maps: maps.length, hiddenFloats: hidden?.length ?? 0, expectedHidden: t * 384, first: hidden ? Array.from(hidden.slice(0, 3)) : [] };
}

window.runPeer = async (options) => {
  const adapter = await adapterInfo();
  const result = options.lib === 'ort' ? await ortPeer(options) : await transformersPeer(options);
  return { ...result, adapter };
};
window.peersReady = true;
