//! What a host script without a web server of its own (the Jupyter widget, `python/`) gives
//! the embed: a fetcher that answers every asset request from the files it carries, and model
//! folders it read itself. Both are page-wide, as the wasm instance is.

use crate::engine::{fetch, user};
use wasm_bindgen::prelude::*;

/// attnscope's version (the workspace's `version`), as the footer and results show it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// attnscope's version, for a host script.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    VERSION.to_owned()
}

/// Sends every later asset request (models, their files) to `fetcher(url) → Promise<Response>`
/// instead of the network; `null` sends them to the network again.
#[wasm_bindgen(js_name = setFetcher)]
pub fn set_fetcher(fetcher: Option<js_sys::Function>) {
    fetch::set_host_fetcher(fetcher);
}

/// Registers a model folder given as `File`s (config.json, model.safetensors, the tokenizer:
/// what the page's file picker reads) under `label`, checked as a picked folder is, and
/// resolves to the name an element's `model` attribute takes (`user-1`, …); a folder attnscope
/// cannot run rejects with the reason.
#[wasm_bindgen(js_name = bringModel)]
pub async fn bring_model(label: String, files: js_sys::Array) -> Result<String, JsValue> {
    let files = files
        .iter()
        .filter_map(|file| file.dyn_into::<web_sys::File>().ok())
        .collect();
    let folder = user::from_files(files, &|_, _| {}).await?;
    let info = user::register(&label, folder)?;
    Ok(info.name.to_owned())
}
