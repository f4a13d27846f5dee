//! `window.__attnscopeMemory()`: what the page holds, for the soak test (and a curious reader
//! in the console): the wasm memory's size and the GPU networks alive with their weight bytes.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Installs the hook once per page.
pub fn install() {
    let window = crate::dom::window();
    let key = JsValue::from_str("__attnscopeMemory");
    if js_sys::Reflect::has(&window, &key).unwrap_or(false) {
        return;
    }
    let hook = Closure::<dyn Fn() -> JsValue>::new(|| {
        let report = js_sys::Object::new();
        let memory = wasm_bindgen::memory();
        let buffer = js_sys::Reflect::get(&memory, &"buffer".into()).unwrap_or(JsValue::NULL);
        let bytes = js_sys::Reflect::get(&buffer, &"byteLength".into()).unwrap_or(JsValue::NULL);
        let (networks, gpu_bytes) = crate::engine::gpu_live();
        let _ = js_sys::Reflect::set(&report, &"wasmBytes".into(), &bytes);
        let _ = js_sys::Reflect::set(&report, &"gpuNetworks".into(), &JsValue::from(networks));
        let _ = js_sys::Reflect::set(
            &report,
            &"gpuBytes".into(),
            &JsValue::from(gpu_bytes as f64),
        );
        report.into()
    });
    let _ = js_sys::Reflect::set(&window, &key, hook.as_ref().unchecked_ref());
    hook.forget();
}
