//! Small wrappers over the browser APIs the app uses in several places.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The page's `window`. The app only runs in a browser page, where it always exists.
pub fn window() -> web_sys::Window {
    web_sys::window().expect("attnscope runs in a browser window")
}

/// The page's `document`.
pub fn document() -> web_sys::Document {
    window().document().expect("a window has a document")
}

/// A new `<tag>` element of the page's document as its web-sys type (`HtmlCanvasElement`
/// for `"canvas"`), not yet in the page; why not if the browser refuses.
pub fn create<T: JsCast>(tag: &str) -> Result<T, String> {
    document()
        .create_element(tag)
        .map_err(|e| format!("cannot create a <{tag}>: {e:?}"))?
        .dyn_into::<T>()
        .map_err(|_| format!("a <{tag}> of an unexpected type"))
}

/// `performance.now()` in milliseconds (0 where unavailable).
pub fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// A value from `localStorage`, if storage is allowed and the key is set.
pub fn stored(key: &str) -> Option<String> {
    window()
        .local_storage()
        .ok()
        .flatten()?
        .get_item(key)
        .ok()
        .flatten()
}

/// Writes `localStorage[key]`; silently does nothing where storage is blocked.
pub fn store(key: &str, value: &str) {
    if let Ok(Some(storage)) = window().local_storage() {
        let _ = storage.set_item(key, value);
    }
}

/// Whether the user's system asks for a dark colour scheme.
pub fn prefers_dark() -> bool {
    // One query list for the page: each matchMedia call makes a new object Chromium keeps.
    thread_local! {
        static QUERY: Option<web_sys::MediaQueryList> =
            window().match_media("(prefers-color-scheme: dark)").ok().flatten();
    }
    QUERY.with(|query| query.as_ref().is_some_and(|q| q.matches()))
}

/// Runs `f` once after `ms` milliseconds.
pub fn after_ms(ms: i32, f: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(f);
    let _ = window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms);
}

/// Runs `f` with the frame's timestamp before the browser's next repaint.
pub fn on_next_frame(f: impl FnOnce(f64) + 'static) {
    let callback = Closure::once_into_js(f);
    let _ = window().request_animation_frame(callback.unchecked_ref());
}

/// The element with `id` in the same tree as `anchor`: the document, or the shadow root of an
/// `<attn-scope>` element (where `document.getElementById` cannot see).
pub fn by_id_near(anchor: &web_sys::Element, id: &str) -> Option<web_sys::Element> {
    let root = anchor.get_root_node();
    match root.dyn_ref::<web_sys::DocumentFragment>() {
        Some(fragment) => fragment.get_element_by_id(id),
        None => root.dyn_ref::<web_sys::Document>()?.get_element_by_id(id),
    }
}

/// Applies the `data-css` attribute of `root` and of every element under it as that element's
/// inline style, through the CSSOM. Markup `style` attributes are refused by a strict
/// Content-Security-Policy without `'unsafe-inline'` (the policy of many documentation hosts);
/// the CSSOM is not.
///
/// An element whose `data-css` is the one last applied is left alone: setting `cssText`, even
/// to the same text, makes the browser recompute the element's style, and a view of 128
/// coloured tokens re-applied on every keystroke cost ~5 ms of script and style per frame.
pub fn apply_data_css(root: &web_sys::Element) {
    let applied = wasm_bindgen::JsValue::from_str("__attnscopeCss");
    let apply = |element: &web_sys::Element| {
        let Some(css) = element.get_attribute("data-css") else {
            return;
        };
        let Some(html) = element.dyn_ref::<web_sys::HtmlElement>() else {
            return;
        };
        let last = js_sys::Reflect::get(html, &applied)
            .ok()
            .and_then(|v| v.as_string());
        if last.as_deref() != Some(css.as_str()) {
            html.style().set_css_text(&css);
            let _ = js_sys::Reflect::set(html, &applied, &wasm_bindgen::JsValue::from_str(&css));
        }
    };
    apply(root);
    let Ok(nodes) = root.query_selector_all("[data-css]") else {
        return;
    };
    for i in 0..nodes.length() {
        if let Some(element) = nodes
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        {
            apply(&element);
        }
    }
}

/// Whether a key event happens while the user types into a text field, a number box or a
/// select (where ← / → and F belong to the field, not to page navigation).
pub fn typing_in_a_field(event: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || target.has_attribute("contenteditable")
        // A key with a modifier is a browser or system shortcut (Alt+← goes back, Ctrl+F
        // finds): it is treated like typing, so the page never takes it.
        || event.ctrl_key()
        || event.meta_key()
        || event.alt_key()
}

/// Enters full screen with the whole page, or leaves it (where the browser allows it).
pub fn toggle_fullscreen() {
    let document = document();
    // The methods are looked up by name: a browser without the Fullscreen API (or without
    // it on elements) then does nothing instead of throwing.
    let call = |target: &wasm_bindgen::JsValue, name: &str| {
        if let Ok(f) = js_sys::Reflect::get(target, &name.into()) {
            if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                let _ = f.call0(target);
            }
        }
    };
    let in_fullscreen = js_sys::Reflect::get(&document, &"fullscreenElement".into())
        .map(|e| !e.is_null() && !e.is_undefined())
        .unwrap_or(false);
    if in_fullscreen {
        call(&document, "exitFullscreen");
    } else if let Some(root) = document.document_element() {
        call(&root, "requestFullscreen");
    }
}

/// In presenter mode, scrolls the step just shown (`article.step`) to the top of the screen,
/// so a projector shows the step, not the controls above it.
pub fn show_presented_step() {
    let document = document();
    let presenting = document
        .document_element()
        .is_some_and(|root| root.class_list().contains("present"));
    if let (true, Ok(Some(step))) = (presenting, document.query_selector("article.step")) {
        step.scroll_into_view();
    }
}
