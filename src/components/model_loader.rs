//! "Bring your own model": a Hugging Face BERT-family folder chosen with the file picker,
//! dropped on the zone, or named by a same-origin URL. The files are read in this tab and
//! registered in the catalogue (`engine::user`); the page then loads it like a shipped model.

use crate::engine::catalog::ModelInfo;
use crate::engine::user::{self, UserFolder};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// Props of [`ModelLoader`].
#[derive(Properties, PartialEq)]
pub struct ModelLoaderProps {
    /// Called with the catalogue entry once a folder is read and its config accepted.
    pub on_loaded: Callback<&'static ModelInfo>,
}

/// What the loader says under its controls.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    /// Nothing asked yet: an empty line.
    Idle,
    /// A folder is being read or fetched: the stage and the fraction done (0 to 1).
    Reading(String, f64),
    /// Reading or the config check failed: the reason, naming the folder.
    Failed(String),
    /// The model was registered and handed to the page.
    Done(String),
}

/// Reads a folder (however it came), registers it and reports.
fn load(
    label: String,
    read: impl std::future::Future<Output = Result<UserFolder, String>> + 'static,
    status: UseStateHandle<Status>,
    on_loaded: Callback<&'static ModelInfo>,
) {
    wasm_bindgen_futures::spawn_local(async move {
        // `register` checks the config before anything is loaded, so a folder attnscope cannot
        // run fails here with its reason, not later in the engine.
        let result = read.await.and_then(|folder| user::register(&label, folder));
        match result {
            Ok(info) => {
                status.set(Status::Done(format!("{} is on the page.", info.label)));
                on_loaded.emit(info);
            }
            Err(why) => status.set(Status::Failed(format!("{label}: {why}"))),
        }
    });
}

/// A progress callback that shows the stage and percentage.
fn progress(status: &UseStateHandle<Status>) -> impl Fn(&str, f64) + 'static {
    let status = status.clone();
    move |stage: &str, fraction: f64| status.set(Status::Reading(stage.to_owned(), fraction))
}

/// The drop zone's handler. A dropped folder is walked by www/folder-drop.js (the entries
/// API), which must start while the event is handled; loose files come as they are.
fn drop_handler(
    from_files: Rc<dyn Fn(Vec<web_sys::File>)>,
    over: UseStateHandle<bool>,
    status: UseStateHandle<Status>,
) -> Callback<DragEvent> {
    Callback::from(move |event: DragEvent| {
        event.prevent_default();
        over.set(false);
        let Some(transfer) = event.data_transfer() else {
            return;
        };
        // Looked up by name on the global object: without the helper script only loose files
        // can be read (`DataTransfer.files` does not list a dropped folder's contents).
        let walk = js_sys::Reflect::get(&js_sys::global(), &"attnscopeDroppedFiles".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let Some(walk) = walk else {
            from_files(user::file_list(transfer.files()));
            return;
        };
        let promise = walk.call1(&wasm_bindgen::JsValue::NULL, &transfer);
        let (from_files, status) = (from_files.clone(), status.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let files = match promise.map(js_sys::Promise::unchecked_from_js) {
                Ok(promise) => JsFuture::from(promise).await,
                Err(e) => Err(e),
            };
            match files {
                Ok(list) => from_files(
                    js_sys::Array::from(&list)
                        .iter()
                        .filter_map(|f| f.dyn_into::<web_sys::File>().ok())
                        .collect(),
                ),
                Err(_) => status.set(Status::Failed(
                    "the dropped folder could not be read".into(),
                )),
            }
        });
    })
}

/// The picker, the drop zone and the URL field, with one status line.
#[component]
pub fn ModelLoader(props: &ModelLoaderProps) -> Html {
    let status = use_state(|| Status::Idle);
    let over = use_state(|| false);
    let url = use_state(String::new);
    let from_files = {
        let (status, on_loaded) = (status.clone(), props.on_loaded.clone());
        let from_files: Rc<dyn Fn(Vec<web_sys::File>)> = Rc::new(move |files| {
            if files.is_empty() {
                return;
            }
            let label = user::folder_label(&files);
            let report = progress(&status);
            let read = async move { user::from_files(files, &report).await };
            status.set(Status::Reading("Reading the files".into(), 0.0));
            load(label, read, status.clone(), on_loaded.clone());
        });
        from_files
    };
    let on_pick = {
        let from_files = from_files.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                from_files(user::file_list(input.files()));
                // Cleared so that picking the same folder again still fires `change`.
                input.set_value("");
            }
        })
    };
    let on_drop = drop_handler(from_files.clone(), over.clone(), status.clone());
    let on_drag_over = {
        let over = over.clone();
        Callback::from(move |event: DragEvent| {
            // Without `preventDefault` on `dragover` the browser refuses the drop and opens the
            // file.
            event.prevent_default();
            over.set(true);
        })
    };
    let on_drag_leave = {
        let over = over.clone();
        Callback::from(move |_: DragEvent| over.set(false))
    };
    let on_url_input = {
        let url = url.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                url.set(input.value());
            }
        })
    };
    let on_url_submit = url_submit(url.clone(), status.clone(), props.on_loaded.clone());
    let (message, kind) = match &*status {
        Status::Idle => (String::new(), "idle"),
        Status::Reading(stage, fraction) => (format!("{stage}… {:.0} %", fraction * 100.0), "busy"),
        Status::Failed(why) => (why.clone(), "error"),
        Status::Done(what) => (what.clone(), "done"),
    };
    html! {
        <details class="model-loader" id="byo">
            <summary>{ "Bring your own model" }</summary>
            <p class="hint">{ "A Hugging Face BERT-family folder (BERT, MiniLM, TinyBERT, DistilBERT): \
                config.json, model.safetensors (f32, f16 or bf16) and tokenizer.json or vocab.txt. \
                The files are read in this tab; nothing is uploaded." }</p>
            <div id="byo-drop" class={classes!("drop-zone", over.then_some("over"))}
                ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop}>
                <label class="button" for="byo-files">{ "Choose a model folder" }</label>
                <input id="byo-files" class="visually-hidden" type="file" multiple=true
                    webkitdirectory=true onchange={on_pick} />
                <span>{ " or drop the folder here" }</span>
            </div>
            <form class="byo-url" onsubmit={on_url_submit}>
                <label for="byo-url">{ "or a folder on this site" }</label>
                <input id="byo-url" type="text" placeholder="models/all-MiniLM-L6-v2/"
                    value={(*url).clone()} oninput={on_url_input} />
                <button id="byo-url-load" type="submit">{ "Load" }</button>
            </form>
            <p id="byo-status" class={classes!("byo-status", kind)} role="status" aria-live="polite"
                data-state={kind}>{ message }</p>
        </details>
    }
}

/// The URL form's submit: fetches the folder at the typed URL and loads it.
fn url_submit(
    url: UseStateHandle<String>,
    status: UseStateHandle<Status>,
    on_loaded: Callback<&'static ModelInfo>,
) -> Callback<SubmitEvent> {
    Callback::from(move |event: SubmitEvent| {
        event.prevent_default();
        let base = url.trim().to_owned();
        if base.is_empty() {
            status.set(Status::Failed("Type the folder's URL first.".into()));
            return;
        }
        // The label is the URL's last path segment (`…/all-MiniLM-L6-v2/` → `all-MiniLM-L6-v2`).
        let label = base
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("model")
            .to_owned();
        let report = progress(&status);
        let read = async move { user::from_url(&base, &report).await };
        status.set(Status::Reading("Fetching".into(), 0.0));
        load(label, read, status.clone(), on_loaded.clone());
    })
}
