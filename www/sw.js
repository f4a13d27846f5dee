// attnscope's service worker: after the first visit every route, lesson stop and
// <attn-scope> element of this origin works with the network off. The build writes the
// version and the file list below (scripts/write-service-worker.mjs), so each deploy is a new
// worker with its own cache: it installs beside the old one and takes over only when the page
// asks (the page says "updated" and reloads), never mixing two versions in one page.
const VERSION = '__ATTNSCOPE_VERSION__';
const FILES = __ATTNSCOPE_FILES__;
// One cache per version and per folder served: a site that keeps every release beside
// `latest/` (scripts/release.sh) has one worker per folder, and none deletes another's cache.
const SCOPE = new URL(self.registration.scope).pathname;
const CACHE = `attnscope-${VERSION}@${SCOPE}`;

self.addEventListener('install', (event) => {
  // Fetched past the HTTP cache, so the cache holds exactly this build's files.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      // This folder's older versions, and caches named before folders were (no `@`).
      const mine = key.endsWith(`@${SCOPE}`) || !key.includes('@');
      if (key.startsWith('attnscope-') && mine && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'attnscope-update') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    let cached = await cache.match(request, { ignoreSearch: true });
    // Every route is index.html with a hash: a navigation gets the cached page.
    if (!cached && request.mode === 'navigate') cached = await cache.match(new URL('index.html', self.registration.scope).href);
    return cached ?? fetch(request);
  })());
});
