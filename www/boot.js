// Starts the attnscope app without an inline script: the wasm loads once, through embed.js
// (which also registers <attn-scope>, the element the home page shows), and its start
// function mounts the app in <div id="app" data-attnscope-app>.
import './prefetch.js'; // first: the model's downloads start before the wasm's
import { attnscope } from './embed.js';
import './folder-drop.js';

attnscope().catch((error) => {
  const app = document.getElementById('app');
  if (app) app.textContent = `attnscope could not start: ${error?.message ?? error}`;
});

// Offline after the first visit (www/sw.js). Only where service workers may run: not from
// file://, not where the browser or the host forbids them (then nothing happens at all).
if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  navigator.serviceWorker.register('./sw.js').then((registration) => {
    // A new deploy installs beside the running version; the page says so and switches only
    // when the reader reloads, so one page never mixes two versions.
    const announce = () => {
      const banner = document.getElementById('update-banner');
      if (!banner) return;
      banner.hidden = false;
      document.getElementById('update-reload')?.addEventListener('click', () => {
        registration.waiting?.postMessage('attnscope-update');
      }, { once: true });
    };
    if (registration.waiting && navigator.serviceWorker.controller) announce();
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) announce();
      });
    });
    let reloaded = false;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (!reloaded && !document.getElementById('update-banner')?.hidden) {
        reloaded = true;
        location.reload();
      }
    });
  }).catch(() => {});
}
