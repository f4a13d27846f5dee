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
    window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
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
