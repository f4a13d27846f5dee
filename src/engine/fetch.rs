//! Fetching a model folder's files from the page's own origin, with byte-level progress.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, Response};

fn js_error(what: &str, value: JsValue) -> String {
    let detail = value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned());
    format!("{what}: {detail}")
}

/// Fetches `url` (relative to the page) and returns its bytes, calling `progress(received,
/// expected)` as chunks arrive (`expected` is 0 when the server sends no length).
pub async fn fetch_bytes(url: &str, progress: &dyn Fn(u64, u64)) -> Result<Vec<u8>, String> {
    let response: Response = JsFuture::from(crate::dom::window().fetch_with_str(url))
        .await
        .map_err(|e| js_error(&format!("could not fetch {url}"), e))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "could not fetch {url}: HTTP {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let expected = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let Some(body) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::with_capacity(expected as usize);
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| js_error(&format!("reading {url} failed"), e))?;
        let done = Reflect::get(&chunk, &"done".into())
            .map(|v| v.is_truthy())
            .unwrap_or(true);
        if done {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
            bytes.extend(value.unchecked_into::<Uint8Array>().to_vec());
        }
        progress(bytes.len() as u64, expected);
    }
    Ok(bytes)
}

/// Fetches a UTF-8 text file.
pub async fn fetch_text(url: &str, progress: &dyn Fn(u64, u64)) -> Result<String, String> {
    String::from_utf8(fetch_bytes(url, progress).await?)
        .map_err(|_| format!("{url} is not UTF-8 text"))
}
