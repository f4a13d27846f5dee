//! Fetching a model folder's files, with byte-level progress, each file once per page.
//!
//! Files are named relative to the asset base: the page's own folder for the app, the folder of
//! `embed.js` for `<attn-scope>` elements on another site. Every element and view on a page
//! shares one download of each file ([`fetch_shared`]).

use futures_channel::oneshot;
use js_sys::{Reflect, Uint8Array};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, Response};

/// `"{what}: {detail}"`, the detail a JS `Error`'s message or a thrown string.
fn js_error(what: &str, value: JsValue) -> String {
    let detail = value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned());
    format!("{what}: {detail}")
}

/// The download `www/prefetch.js` started for the absolute `url` before the wasm ran (the
/// opening route's model), taken over: each is handed out once, then forgotten.
fn take_prefetched(url: &str) -> Option<js_sys::Promise> {
    let started = Reflect::get(
        &crate::dom::window(),
        &JsValue::from_str("attnscopePrefetched"),
    )
    .ok()?
    .dyn_into::<js_sys::Map>()
    .ok()?;
    let key = JsValue::from_str(url);
    let pending = started.get(&key);
    // Forgotten at once: a response body can be read only once, so a second caller (a later
    // view, after a failed download) must make its own request.
    started.delete(&key);
    pending.dyn_into::<js_sys::Promise>().ok()
}

/// Fetches `url` (relative to the page) and returns its bytes, calling `progress(received,
/// expected)` as chunks arrive (`expected` is 0 when the server sends no length).
pub async fn fetch_bytes(url: &str, progress: &dyn Fn(u64, u64)) -> Result<Vec<u8>, String> {
    let request = take_prefetched(url)
        .or_else(|| host_fetch(url))
        .unwrap_or_else(|| crate::dom::window().fetch_with_str(url));
    let response: Response = JsFuture::from(request)
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
    // The declared length sizes the buffer and the progress; 0 (no header, or one that does
    // not parse) takes the held-chunks path below.
    let expected = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    // No body (a 204, say) is an empty file.
    let Some(body) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::with_capacity(expected as usize);
    // Without a length (a compressed or chunked response), the chunks wait on the JS side and
    // are copied once into an exact buffer at the end: a growing Vec would double its way up,
    // and wasm memory, which never shrinks, would keep the high-water mark (a 91 MB model left
    // 360 MB behind).
    let mut held: Vec<Uint8Array> = Vec::new();
    let mut received = 0u64;
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| js_error(&format!("reading {url} failed"), e))?;
        // Each read is `{done, value}`; one that cannot be inspected ends the loop, not spins it.
        let done = Reflect::get(&chunk, &"done".into())
            .map(|v| v.is_truthy())
            .unwrap_or(true);
        if done {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
            let chunk = value.unchecked_into::<Uint8Array>();
            received += u64::from(chunk.length());
            if expected > 0 {
                bytes.extend(chunk.to_vec());
            } else {
                held.push(chunk);
            }
        }
        progress(received, expected);
    }
    // One exact allocation for the held chunks, each then copied straight out of JS memory.
    if !held.is_empty() {
        bytes.reserve_exact(received as usize);
        for chunk in held {
            let start = bytes.len();
            bytes.resize(start + chunk.length() as usize, 0);
            chunk.copy_to(&mut bytes[start..]);
        }
    }
    Ok(bytes)
}

/// The host's fetcher's promise for `url`, when a host set one ([`set_host_fetcher`]).
fn host_fetch(url: &str) -> Option<js_sys::Promise> {
    let fetcher = HOST_FETCHER.with(|f| f.borrow().clone())?;
    let promise = fetcher.call1(&JsValue::NULL, &JsValue::from_str(url));
    Some(match promise {
        Ok(value) => js_sys::Promise::resolve(&value),
        Err(thrown) => js_sys::Promise::reject(&thrown),
    })
}

/// Makes every asset request go through `fetcher(url) → Promise<Response>` instead of the
/// network (`None`: the network again). A host without a web server of its own, the notebook
/// widget, answers from the files it carries.
pub fn set_host_fetcher(fetcher: Option<js_sys::Function>) {
    HOST_FETCHER.with(|f| *f.borrow_mut() = fetcher);
}

/// A file's bytes, shared by everything on the page that asked for it.
pub type SharedBytes = Rc<Vec<u8>>;

/// A download in flight or done: its result once known, and who waits for it.
#[derive(Default)]
struct Download {
    /// The outcome once the first caller's fetch ends (`None` while it is in flight).
    result: Option<Result<SharedBytes, String>>,
    /// Later callers waiting for it; each gets a clone of the outcome.
    waiters: Vec<oneshot::Sender<Result<SharedBytes, String>>>,
}

thread_local! {
    /// The prefix of every asset URL ([`set_asset_base`]); empty for the app itself.
    static ASSET_BASE: RefCell<String> = const { RefCell::new(String::new()) };
    /// The host's own fetcher ([`set_host_fetcher`]), asked instead of the network.
    static HOST_FETCHER: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    /// Every download of the page, by absolute URL ([`fetch_shared`]).
    static DOWNLOADS: RefCell<HashMap<String, Rc<RefCell<Download>>>> = RefCell::default();
}

/// Sets the URL that asset paths are relative to (empty: the page's own folder). Called by the
/// embed with the folder of `embed.js`, so a host page may live anywhere.
pub fn set_asset_base(base: &str) {
    ASSET_BASE.with(|b| *b.borrow_mut() = base.to_owned());
}

/// The URL of an asset path such as `assets/models/x/config.json`.
pub fn asset_url(path: &str) -> String {
    ASSET_BASE.with(|b| format!("{}{path}", b.borrow()))
}

/// [`fetch_bytes`], once per page and URL: the first caller downloads (with its progress),
/// later callers wait for that download or get its bytes at once. A failed download is
/// forgotten, so a later call tries again.
pub async fn fetch_shared(url: &str, progress: &dyn Fn(u64, u64)) -> Result<SharedBytes, String> {
    // One key per file whatever the spelling: the app asks relative to the page, an embed
    // absolute.
    let url = &absolute(url);
    let (download, first) = DOWNLOADS.with(|d| {
        let mut downloads = d.borrow_mut();
        match downloads.get(url) {
            Some(download) => (download.clone(), false),
            None => {
                let download = Rc::new(RefCell::new(Download::default()));
                downloads.insert(url.to_owned(), download.clone());
                (download, true)
            }
        }
    });
    // A later caller: the bytes at once when the download is done, else a oneshot that the
    // first caller answers when it ends.
    if !first {
        if let Some(done) = download.borrow().result.clone() {
            return done;
        }
        let (sender, receiver) = oneshot::channel();
        download.borrow_mut().waiters.push(sender);
        return receiver
            .await
            .unwrap_or_else(|_| Err(format!("the download of {url} was abandoned")));
    }
    let result = fetch_bytes(url, progress).await.map(Rc::new);
    // A failed download leaves the map, so the next call tries again; those already
    // waiting still get this failure.
    if result.is_err() {
        DOWNLOADS.with(|d| d.borrow_mut().remove(url));
    }
    let waiters = {
        let mut download = download.borrow_mut();
        download.result = Some(result.clone());
        std::mem::take(&mut download.waiters)
    };
    for waiter in waiters {
        let _ = waiter.send(result.clone());
    }
    result
}

/// `url` resolved against the page's address (as given, where that fails).
fn absolute(url: &str) -> String {
    let page = crate::dom::window().location().href().unwrap_or_default();
    web_sys::Url::new_with_base(url, &page).map_or_else(|_| url.to_owned(), |u| u.href())
}

/// Fetches a UTF-8 text file (shared like [`fetch_shared`]).
pub async fn fetch_text(url: &str, progress: &dyn Fn(u64, u64)) -> Result<String, String> {
    String::from_utf8(fetch_shared(url, progress).await?.to_vec())
        .map_err(|_| format!("{url} is not UTF-8 text"))
}
