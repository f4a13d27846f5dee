// The notebook widget's front end, appended to embed.js in one module (attnscope/_widget.py):
// an <attn-scope> element whose attributes follow the widget's traits, whose results and typed
// text go back to the kernel, and whose every file (the wasm, the models, a brought folder) is
// asked of the kernel over the comm: the notebook's page has no attnscope server, and the
// kernel may have no network.

/** URLs attnscope asks for: a name space of their own, answered by `askKernel`. */
const WIDGET_BASE = 'attnscope-widget:/';

// Shared by every widget of the page, whichever evaluation of this module made it: the
// element class, its one wasm instance and the kernels able to answer for files.
const shared = (globalThis.attnscopeWidget ??= { kernels: new Set(), next: 0, configured: false, attnscope, configure });

/** A file's `Response`, asked of a widget's kernel that is still there. */
function askKernel(url) {
  const path = String(url).startsWith(WIDGET_BASE) ? String(url).slice(WIDGET_BASE.length) : String(url);
  const model = [...shared.kernels].at(-1);
  if (!model) return Promise.reject(new Error(`no attnscope widget is left to send ${path}`));
  const id = ++shared.next;
  return new Promise((resolve) => {
    const answer = (message, buffers) => {
      if (message?.kind !== 'file' || message.id !== id) return;
      model.off('msg:custom', answer);
      const body = message.ok && buffers?.length ? buffers[0] : null;
      resolve(body
        ? new Response(body, { status: 200, headers: { 'content-type': message.type } })
        : new Response(`attnscope's kernel has no file ${path}`, { status: 404, statusText: 'Not Found' }));
    };
    model.on('msg:custom', answer);
    model.send({ kind: 'file', id, path });
  });
}

/** A brought folder's files, read from the kernel, registered with the wasm: its model name. */
async function bring(folder) {
  const files = await Promise.all(folder.files.map(async (name) => {
    const response = await askKernel(`${WIDGET_BASE}folder/${name}`);
    if (!response.ok) throw new Error(`the kernel could not send ${name}`);
    return new File([await response.arrayBuffer()], name);
  }));
  const bindings = await shared.attnscope();
  return bindings.bringModel(folder.label, files);
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

export default {
  initialize({ model }) {
    shared.kernels.add(model);
    if (!shared.configured) {
      shared.configured = true;
      shared.configure({ fetch: askKernel, base: WIDGET_BASE });
    }
    return () => shared.kernels.delete(model);
  },

  render({ model, el }) {
    const element = document.createElement('attn-scope');
    element.setAttribute('text', model.get('text'));
    let shownText = model.get('text');
    let modelName = model.get('model');
    let alive = true;

    const resolveModel = async () => {
      const folder = model.get('_folder');
      try {
        modelName = folder?.files?.length ? await bring(folder) : model.get('model');
        if (alive) applyTraits(element, model, modelName);
      } catch (error) {
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
    const onTraits = () => applyTraits(element, model, modelName);
    // One listener per event name (not every model wrapper splits a list of names).
    const listeners = [['change:text', onText], ['change:model', resolveModel], ['change:_folder', resolveModel],
      ...['view', 'layer', 'head', 'theme', 'engine', 'editable'].map((name) => [`change:${name}`, onTraits])];
    for (const [name, listener] of listeners) model.on(name, listener);

    // The folder (if any) is registered before the element first starts.
    if (model.get('_folder')?.files?.length) {
      resolveModel().then(() => alive && el.append(element));
    } else {
      applyTraits(element, model, modelName);
      el.append(element);
    }
    return () => {
      alive = false;
      for (const [name, listener] of listeners) model.off(name, listener);
      element.remove();
    };
  },
};
