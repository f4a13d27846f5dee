// The notebook widget's front end, appended to embed.js in one module (attnscope/_widget.py):
// an <attn-scope> element whose attributes follow the widget's traits, whose results and typed
// text go back to the kernel, and whose every file (the wasm, the models, a brought folder) is
// asked of the kernel over the comm: the notebook's page has no attnscope server, and the
// kernel may have no network.

/** URLs attnscope asks for: a name space of their own, answered by `askKernel`. */
const WIDGET_BASE = 'attnscope-widget:/';

/** How long a file may take to come from the kernel before the request fails (a busy kernel
 * answers only between cells; a dead one never). */
const FILE_TIMEOUT_MS = 120000;

// Shared by every widget of the page, whichever evaluation of this module made it: the
// element class, its one wasm instance, the widgets able to answer for files (each with its
// requests in flight), and each brought folder's registration.
const shared = (globalThis.attnscopeWidget ??= {
  kernels: new Map(), next: 0, configured: false, brought: new Map(), attnscope, configure,
});

/** A file's `Response`, asked of `model`'s kernel (by default any widget's that is still
 * there: attnscope's own files are in every widget's package). Settles within
 * FILE_TIMEOUT_MS, and at once if the widget closes. */
function askKernel(url, model = [...shared.kernels.keys()].at(-1)) {
  const path = String(url).startsWith(WIDGET_BASE) ? String(url).slice(WIDGET_BASE.length) : String(url);
  const pending = shared.kernels.get(model);
  if (!pending) return Promise.reject(new Error(`no attnscope widget is left to send ${path}`));
  const id = ++shared.next;
  return new Promise((resolve, reject) => {
    const done = () => {
      model.off('msg:custom', answer);
      clearTimeout(timer);
      pending.delete(id);
    };
    const answer = (message, buffers) => {
      if (message?.kind !== 'file' || message.id !== id) return;
      done();
      const body = message.ok && buffers?.length ? buffers[0] : null;
      resolve(body
        ? new Response(body, { status: 200, headers: { 'content-type': message.type } })
        : new Response(`attnscope's kernel has no file ${path}`, { status: 404, statusText: 'Not Found' }));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the kernel did not send ${path} within ${FILE_TIMEOUT_MS / 1000} s (is it busy or stopped?)`));
    }, FILE_TIMEOUT_MS);
    pending.set(id, (why) => { done(); reject(why); });
    model.on('msg:custom', answer);
    model.send({ kind: 'file', id, path });
  });
}

/** A brought folder's files, read from its own widget's kernel and registered with the wasm
 * once per folder and content (`source.stamp`): its model name (`user-N`). */
function bring(model, source) {
  const key = JSON.stringify(source);
  if (!shared.brought.has(key)) {
    const registered = (async () => {
      const files = await Promise.all(source.files.map(async (name) => {
        const response = await askKernel(`${WIDGET_BASE}folder/${name}`, model);
        if (!response.ok) throw new Error(`the kernel could not send ${name}`);
        return new File([await response.arrayBuffer()], name);
      }));
      const bindings = await shared.attnscope();
      return bindings.bringModel(source.label, files);
    })();
    // A failure is not kept: the next render tries again.
    registered.catch(() => shared.brought.delete(key));
    shared.brought.set(key, registered);
  }
  return shared.brought.get(key);
}

/** The element's attributes from the widget's traits (the model as resolved). */
function applyTraits(element, model, modelName) {
  const set = (name, value) => {
    if (value === '' || value === null || value === undefined) element.removeAttribute(name);
    else if (element.getAttribute(name) !== String(value)) element.setAttribute(name, String(value));
  };
  set('model', modelName);
  set('view', model.get('view'));
  set('layer', model.get('layer'));
  set('head', model.get('head'));
  set('theme', model.get('theme'));
  set('engine', model.get('engine'));
  element.toggleAttribute('editable', Boolean(model.get('editable')));
}

/** Lets `model` answer file requests until the returned function is called (the widget or
 * its view closed): then its requests in flight fail rather than wait for an answer that
 * cannot come. (A view's model may be another wrapper of the widget's than `initialize`'s.) */
function enlist(model) {
  if (shared.kernels.has(model)) return () => {};
  shared.kernels.set(model, new Map());
  return () => {
    const pending = shared.kernels.get(model);
    shared.kernels.delete(model);
    for (const fail of pending?.values() ?? []) fail(new Error('the attnscope widget was closed'));
  };
}

export default {
  initialize({ model }) {
    const leave = enlist(model);
    if (!shared.configured) {
      shared.configured = true;
      shared.configure({ fetch: askKernel, base: WIDGET_BASE });
    }
    return leave;
  },

  render({ model, el }) {
    const leave = enlist(model);
    const element = document.createElement('attn-scope');
    element.setAttribute('text', model.get('text'));
    let shownText = model.get('text');
    let modelName = null;
    let generation = 0;
    let alive = true;

    // `_source` names what to run: a shipped model, or a folder whose files the kernel holds.
    // The kernel sets it after `model`, so it alone is followed; only the newest answer counts.
    const resolveModel = async () => {
      const mine = ++generation;
      const source = model.get('_source') ?? {};
      if (source.kind !== 'folder' && !source.name) return; // not known yet
      try {
        const name = source.kind === 'folder' ? await bring(model, source) : source.name;
        if (!alive || mine !== generation) return;
        modelName = name;
        applyTraits(element, model, modelName);
        if (!element.isConnected) el.append(element);
      } catch (error) {
        if (!alive || mine !== generation) return;
        model.set('error', `attnscope could not read the folder: ${error?.message ?? error}`);
        model.save_changes();
      }
    };

    const onResult = (event) => {
      const detail = event.detail;
      shownText = detail.text;
      if (detail.text !== model.get('text')) model.set('text', detail.text);
      model.set('_result', detail);
      model.set('error', '');
      model.save_changes();
    };
    const onError = (event) => {
      model.set('error', event.detail.message);
      model.save_changes();
    };
    // Keys typed into the view are the view's: the notebook's command-mode shortcuts (a, b,
    // d d, …) must not see them (the field is in a shadow root, which the notebook cannot tell
    // from its own cells).
    const own = (event) => event.stopPropagation();
    for (const type of ['keydown', 'keypress', 'keyup']) element.addEventListener(type, own);
    element.addEventListener('attnscope-result', onResult);
    element.addEventListener('attnscope-error', onError);

    const onText = () => {
      // Only a text the view does not show already: the reader's own typing comes back here.
      if (model.get('text') !== shownText) element.setAttribute('text', model.get('text'));
    };
    const onTraits = () => modelName && applyTraits(element, model, modelName);
    // One listener per event name (not every model wrapper splits a list of names).
    const listeners = [['change:text', onText], ['change:_source', resolveModel],
      ...['view', 'layer', 'head', 'theme', 'engine', 'editable'].map((name) => [`change:${name}`, onTraits])];
    for (const [name, listener] of listeners) model.on(name, listener);

    // The element joins the page once its model is known (a folder registered first).
    resolveModel();
    return () => {
      alive = false;
      for (const [name, listener] of listeners) model.off(name, listener);
      element.remove();
      leave();
    };
  },
};
