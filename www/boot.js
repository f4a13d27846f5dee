// Starts the attnscope app without an inline script: the wasm loads once, through embed.js
// (which also registers <attn-scope>, the element the home page shows), and its start
// function mounts the app in <div id="app" data-attnscope-app>.
import { attnscope } from './embed.js';

attnscope().catch((error) => {
  const app = document.getElementById('app');
  if (app) app.textContent = `attnscope could not start: ${error?.message ?? error}`;
});
