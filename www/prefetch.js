// Starts the downloads of the model the opening route shows while the wasm is still being
// fetched and compiled (its first 0.2 s of a cold start on localhost here), instead of after
// it. The app takes each started download over once it asks for that file (src/engine/fetch.rs,
// `take_prefetched`), so nothing is fetched twice; a route that shows no model starts none.
//
// The routes and their default model mirror src/route.rs and src/engine/catalog.rs (the first
// classifier; a unit test there holds this list to the catalogue); a route left out here only
// loses the head start.
const SHIPPED = ['sentiment-transformer', 'sentiment-bilstm', 'topic-transformer', 'topic-bilstm'];
const CLASSIFIER_ROUTES = ['/', '/attention', '/steps']; // '/playground' loads one on a click
const FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];

/** The files the route in `hash` loads first, as page-relative paths. */
export function firstModelFiles(hash) {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const route = path === '' ? '/' : path;
  if (route === '/translate') {
    return [...FILES, 'target_tokenizer.json'].map((f) => `assets/models/translate-en-es/${f}`);
  }
  if (route === '/generate') return FILES.map((f) => `assets/models/story-decoder/${f}`);
  if (!CLASSIFIER_ROUTES.includes(route)) return [];
  const asked = new URLSearchParams(query).get('model');
  if (asked !== null && !SHIPPED.includes(asked)) return []; // a visitor's own model, or a typo
  return FILES.map((f) => `assets/models/${asked ?? SHIPPED[0]}/${f}`);
}

// Absolute URL → the pending fetch's Response promise; the app deletes each entry it takes.
const started = new Map();
for (const file of firstModelFiles(location.hash)) {
  const url = new URL(file, location.href).href;
  const response = fetch(url);
  response.catch(() => {}); // a failure is reported when the app takes it over (or fetches again)
  started.set(url, response);
}
globalThis.attnscopePrefetched = started;
