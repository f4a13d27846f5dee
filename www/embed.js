// attnscope's embed: one module script registers <attn-scope>, a live attention view for any
// page. Everything it loads (the wasm, the styles, the models) is resolved next to this file,
// so the host page may live anywhere; several elements on a page share one wasm instance, one
// GPU device and one download of each model. Documentation: docs/embedding.md.
//
//   <script type="module" src="https://example.org/attnscope/embed.js"></script>
//   <attn-scope model="sentiment-transformer" view="heatmap" text="not bad at all" editable></attn-scope>

/** The folder this file is served from (a module made from a blob has none: the page's). */
function folderOf(url) {
  try {
    return new URL('./', url);
  } catch {
    return new URL('./', location.href);
  }
}

let BASE = folderOf(import.meta.url);
/** The host's fetcher (`configure`), asked for every file instead of the network. */
let hostFetch = null;

/** For a host without a web server of its own (the Jupyter widget): every file attnscope
 * loads, from its wasm to the models, is asked of `fetch(url) → Promise<Response>`, with
 * URLs under `base`. Call before the first element starts. */
export function configure({ fetch: fetcher, base }) {
  hostFetch = fetcher ?? null;
  if (base) BASE = new URL(base);
}

/** A file of attnscope's folder, through the host's fetcher where one is set. */
function fetchFile(name) {
  const url = new URL(name, BASE).href;
  return hostFetch ? hostFetch(url) : fetch(url);
}

/** The glue module's URL: beside this file, or a blob of what the host's fetcher gave. */
async function glueUrl() {
  if (!hostFetch) return new URL('attnscope.js', BASE).href;
  const source = await (await fetchFile('attnscope.js')).text();
  return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
}

/** Every attribute the element reads; all are reflected as properties and live. */
const ATTRIBUTES = ['model', 'text', 'view', 'layer', 'head', 'mask', 'off', 'editable', 'theme', 'engine'];

let wasm;
/** The wasm module, loaded and started once per page (the app's page shares it too). */
export function attnscope() {
  wasm ??= glueUrl().then((url) => import(url)).then(async (bindings) => {
    const module = hostFetch ? fetchFile('attnscope_bg.wasm') : new URL('attnscope_bg.wasm', BASE);
    await bindings.default({ module_or_path: module });
    if (hostFetch) bindings.setFetcher(hostFetch);
    performance.mark('attnscope-wasm-ready'); // compiled and started: the cold start's halfway mark
    return bindings;
  }).catch((error) => {
    wasm = undefined; // the next element tries again (a host's fetcher may answer next time)
    throw error;
  });
  return wasm;
}

let ownSheet;
/** The element's own rules (constructed stylesheets need no inline style, so a strict
 * style-src still allows them), shared by every element's shadow root. */
function elementSheet() {
  if (!ownSheet) {
    ownSheet = new CSSStyleSheet();
    ownSheet.replaceSync(ELEMENT_CSS);
  }
  return ownSheet;
}

let appSheet;
/** The app's stylesheet, fetched once when the first element starts. */
function appStyleSheet() {
  appSheet ??= fetchFile('style.css').then((r) => (r.ok ? r.text() : '')).catch(() => '')
    .then((css) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      return sheet;
    });
  return appSheet;
}

const ELEMENT_CSS = `
:host { display: block; contain: content; margin: 1em 0; color-scheme: light; }
:host([hidden]) { display: none; }
:host([data-theme="dark"]) { color-scheme: dark; }
.attnscope-frame { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--text, #1d232e); background: var(--surface, #fff); border: 1px solid var(--border, #d5d9e0);
  border-radius: var(--radius, 10px); padding: 0.75rem 1rem; min-height: 4rem; overflow-x: auto; }
:host([data-theme="dark"]) .attnscope-frame { color: var(--text, #e6e8ee); background: var(--surface, #161a22); }
* { box-sizing: border-box; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.embed-credit { font-size: 0.8rem; color: var(--muted); margin: 0; }
.embed-credit a { color: var(--accent); }
.embed-boot { color: var(--muted, #4a5263); margin: 0; }
:host([data-theme="dark"]) .embed-boot { color: var(--muted, #a9b1c1); }
.embed-boot.error { color: var(--error, #b42318); }
`;

/** Whether the host page is dark: the marks docs sites use, then the reader's system. */
function hostIsDark() {
  const root = document.documentElement;
  const marks = [root.dataset.theme, root.dataset.bsTheme, root.dataset.mdColorScheme, root.dataset.colorMode,
    document.body?.dataset.mdColorScheme, document.body?.dataset.theme];
  if (marks.some((m) => m === 'dark' || m === 'slate')) return true;
  if (marks.some((m) => m === 'light' || m === 'default')) return false;
  // JupyterLab and Notebook 7 mark the body data-jp-theme-light; VS Code's notebooks a class.
  const jupyter = document.body?.dataset.jpThemeLight;
  if (jupyter === 'false' || document.body?.classList.contains('vscode-dark')) return true;
  if (jupyter === 'true' || document.body?.classList.contains('vscode-light')) return false;
  if (root.classList.contains('dark') || document.body?.classList.contains('dark')) return true;
  const scheme = getComputedStyle(root).colorScheme;
  if (scheme === 'dark') return true;
  if (scheme === 'light') return false;
  return darkQuery().matches;
}

let systemDark;
/** The system's dark-scheme query, made once (each matchMedia call makes a new object). */
function darkQuery() {
  systemDark ??= matchMedia('(prefers-color-scheme: dark)');
  return systemDark;
}

/** Every element on the page, told when the host's theme changes. */
const elements = new Set();
let themeWatch;
function watchHostTheme() {
  if (themeWatch) return;
  const update = () => elements.forEach((e) => e.themeChanged());
  themeWatch = new MutationObserver(update);
  themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme', 'data-bs-theme', 'data-md-color-scheme', 'data-color-mode', 'style'] });
  if (document.body) themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-theme', 'data-md-color-scheme', 'data-jp-theme-light'] });
  darkQuery().addEventListener('change', update);
}

class AttnScopeElement extends HTMLElement {
  static observedAttributes = ATTRIBUTES;
  #container;
  #handle = null;
  #trace = null;
  #starting = false;
  #visible;
  #pending = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    this.#container = document.createElement('div');
    this.#container.className = 'attnscope-frame';
    this.#container.setAttribute('role', 'figure');
    this.#container.setAttribute('aria-label', 'attnscope: live attention view');
    const waiting = document.createElement('p');
    waiting.className = 'embed-boot';
    waiting.setAttribute('role', 'status');
    waiting.textContent = 'attnscope: the attention view starts when it scrolls into view…';
    this.#container.append(waiting);
    root.append(this.#container);
    root.adoptedStyleSheets = [elementSheet()];
  }

  /** The last result: tokens, probabilities or translation, and the maps shown. */
  get trace() { return this.#trace; }

  connectedCallback() {
    elements.add(this);
    watchHostTheme();
    this.#applyTheme();
    // Start the work only near the viewport (a long docs page may hold many views).
    this.#visible = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        this.#visible.disconnect();
        this.#start();
      }
    }, { rootMargin: '300px' });
    this.#visible.observe(this);
  }

  disconnectedCallback() {
    elements.delete(this);
    this.#visible?.disconnect();
    this.#handle?.destroy();
    this.#handle?.free();
    this.#handle = null;
    this.#starting = false;
  }

  attributeChangedCallback() {
    this.#applyTheme();
    // Several attributes set in one task reach the view once.
    if (this.#handle && !this.#pending) {
      this.#pending = true;
      queueMicrotask(() => {
        this.#pending = false;
        this.#handle?.update(this.#options());
      });
    }
  }

  themeChanged() {
    if (this.#applyTheme()) this.#handle?.update(this.#options());
  }

  /** Marks the host with the resolved theme; true if it changed. */
  #applyTheme() {
    const theme = this.#dark() ? 'dark' : 'light';
    if (this.dataset.theme === theme) return false;
    this.dataset.theme = theme;
    return true;
  }

  #dark() {
    const theme = this.getAttribute('theme');
    if (theme === 'dark') return true;
    if (theme === 'light') return false;
    return hostIsDark();
  }

  #options() {
    const options = { editable: this.hasAttribute('editable'), theme: this.#dark() ? 'dark' : 'light' };
    for (const name of ['model', 'text', 'view', 'layer', 'head', 'mask', 'off', 'engine']) {
      const value = this.getAttribute(name);
      if (value !== null) options[name] = value;
    }
    return options;
  }

  #emit(kind, detail) {
    if (kind === 'result') {
      this.#trace = detail;
      this.dispatchEvent(new CustomEvent('attnscope-result', { detail, bubbles: true, composed: true }));
    } else {
      this.dispatchEvent(new CustomEvent('attnscope-error', { detail: { message: String(detail) }, bubbles: true, composed: true }));
    }
  }

  async #start() {
    if (this.#starting || this.#handle) return;
    this.#starting = true;
    const status = this.#container.querySelector('.embed-boot');
    if (status) status.textContent = 'attnscope: loading…';
    try {
      const [bindings, sheet] = await Promise.all([attnscope(), appStyleSheet()]);
      this.shadowRoot.adoptedStyleSheets = [sheet, elementSheet()];
      if (!this.isConnected || !this.#starting) return;
      this.#container.replaceChildren();
      this.#handle = bindings.mountEmbed(this.#container, this.#options(), BASE.href,
        (kind, detail) => this.#emit(kind, detail));
    } catch (error) {
      const message = `attnscope could not start here: ${error?.message ?? error}`;
      const p = document.createElement('p');
      p.className = 'embed-boot error';
      p.setAttribute('role', 'alert');
      p.textContent = message;
      this.#container.replaceChildren(p);
      this.#emit('error', message);
    } finally {
      this.#starting = false;
    }
  }
}

// Properties mirror the attributes: element.text = '…' is element.setAttribute('text', '…').
for (const name of ATTRIBUTES) {
  Object.defineProperty(AttnScopeElement.prototype, name, name === 'editable'
    ? { get() { return this.hasAttribute(name); }, set(on) { this.toggleAttribute(name, Boolean(on)); } }
    : {
      get() { return this.getAttribute(name); },
      set(value) { if (value === null || value === undefined) this.removeAttribute(name); else this.setAttribute(name, String(value)); },
    });
}

if (!customElements.get('attn-scope')) customElements.define('attn-scope', AttnScopeElement);
