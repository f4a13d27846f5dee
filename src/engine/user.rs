//! Models the visitor brings: a Hugging Face BERT-family folder picked, dropped, or named by
//! a same-origin URL. Its files stay in this tab (nothing is uploaded); once registered it is
//! one more entry of the catalogue, and the live-engine hook loads it as it loads ours.

use super::catalog::ModelInfo;
use super::fetch::{self, SharedBytes};
use attnscope_core::config::ModelConfig;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The files of a brought folder, read into memory.
#[derive(Debug)]
pub struct UserFolder {
    /// config.json (a Hugging Face config).
    pub config: String,
    /// tokenizer.json, or one made from vocab.txt.
    pub tokenizer: String,
    /// model.safetensors.
    pub weights: SharedBytes,
}

thread_local! {
    /// The brought models in the order brought: each catalogue entry and its files.
    static USER: RefCell<Vec<(&'static ModelInfo, Rc<UserFolder>)>> = const { RefCell::new(Vec::new()) };
}

/// Sentences offered as chips for a brought model (it may be about anything).
const EXAMPLES: &[&str] = &[
    "the cat sat on the mat because it was tired",
    "not bad at all",
    "attention lets every word look at every other word",
];

/// The name a brought model has in the catalogue and the URL (`model=user-1`).
fn user_name(index: usize) -> String {
    format!("user-{}", index + 1)
}

/// Registers `folder` under the label `label` (the folder's name) and returns its catalogue
/// entry. The config is checked here, so a folder attnscope cannot run is refused with its
/// reason before anything is loaded. Each registration keeps one small `ModelInfo` for the
/// page's life (the catalogue hands out `'static` entries); the folder's bytes are dropped
/// when the same label is brought again.
pub fn register(label: &str, folder: UserFolder) -> Result<&'static ModelInfo, String> {
    match ModelConfig::from_json(&folder.config) {
        Ok(ModelConfig::TransformerEncoderClassifier(_)) => {}
        Ok(_) => return Err("config.json: only Transformer encoders can be brought".into()),
        Err(e) => return Err(e.to_string()),
    }
    USER.with(|user| {
        let mut user = user.borrow_mut();
        // The same label brought again replaces that entry in place: it keeps its `user-N` name
        // and its place in the picker, with the new files.
        let shown = format!("Yours · {label}");
        let index = user
            .iter()
            .position(|(info, _)| info.label == shown)
            .unwrap_or(user.len());
        // Leaked on purpose (a few strings per registration): the catalogue's entries are
        // `'static`, and the replaced entry may still be held by a page.
        let info: &'static ModelInfo = Box::leak(Box::new(ModelInfo {
            name: Box::leak(user_name(index).into_boxed_str()),
            label: Box::leak(shown.into_boxed_str()),
            task: "your model",
            transformer: true,
            partner: "",
            examples: EXAMPLES,
        }));
        let entry = (info, Rc::new(folder));
        if index < user.len() {
            user[index] = entry;
        } else {
            user.push(entry);
        }
        Ok(info)
    })
}

/// The brought folder of the catalogue entry `name`, if it is one.
pub fn folder(name: &str) -> Option<Rc<UserFolder>> {
    USER.with(|u| {
        u.borrow()
            .iter()
            .find(|(info, _)| info.name == name)
            .map(|(_, f)| f.clone())
    })
}

/// Every brought model, in the order brought.
pub fn models() -> Vec<&'static ModelInfo> {
    USER.with(|u| u.borrow().iter().map(|(info, _)| *info).collect())
}

/// The tokenizer of a folder: its tokenizer.json, else one made from vocab.txt.
fn tokenizer_of(
    tokenizer: Option<String>,
    vocab: Option<String>,
    tokenizer_config: Option<String>,
) -> Result<String, String> {
    if let Some(json) = tokenizer {
        return Ok(json);
    }
    let Some(vocab) = vocab else {
        return Err("the folder has neither tokenizer.json nor vocab.txt".into());
    };
    attnscope_core::hf::tokenizer_json_from_folder(&vocab, tokenizer_config.as_deref())
        .map_err(|e| e.to_string())
}

/// Reads a picked or dropped set of files (a folder's contents; other files are ignored).
pub async fn from_files(
    files: Vec<web_sys::File>,
    progress: &dyn Fn(&str, f64),
) -> Result<UserFolder, String> {
    // Files are found by name alone: a picked folder's subfolders are not told apart.
    let find = |name: &str| files.iter().find(|f| f.name() == name).cloned();
    let read = |file: web_sys::File| async move {
        let buffer = JsFuture::from(file.array_buffer())
            .await
            .map_err(|_| format!("could not read {}", file.name()))?;
        Ok::<Vec<u8>, String>(js_sys::Uint8Array::new(&buffer).to_vec())
    };
    let text = |file: Option<web_sys::File>| async move {
        match file {
            None => Ok(None),
            Some(file) => {
                let name = file.name();
                String::from_utf8(read(file).await?)
                    .map(Some)
                    .map_err(|_| format!("{name} is not UTF-8 text"))
            }
        }
    };
    let config = find("config.json").ok_or("the folder has no config.json")?;
    let weights = find("model.safetensors").ok_or(
        "the folder has no model.safetensors (pytorch_model.bin is not read: convert it \
         with safetensors first)",
    )?;
    progress("Reading config.json", 0.02);
    let config = text(Some(config)).await?.unwrap_or_default();
    progress("Reading the tokenizer", 0.05);
    let tokenizer = tokenizer_of(
        text(find("tokenizer.json")).await?,
        text(find("vocab.txt")).await?,
        text(find("tokenizer_config.json")).await?,
    )?;
    progress("Reading model.safetensors", 0.1);
    let weights = Rc::new(read(weights).await?);
    Ok(UserFolder {
        config,
        tokenizer,
        weights,
    })
}

/// Fetches a folder from a URL of this page's origin (`…/config.json` and its siblings);
/// another origin is refused before any request, as the page's promise is that no request
/// leaves it.
pub async fn from_url(base: &str, progress: &dyn Fn(&str, f64)) -> Result<UserFolder, String> {
    let window = crate::dom::window();
    let page = window.location().href().unwrap_or_default();
    // A trailing slash, so the file names below append to the folder.
    let base = if base.ends_with('/') {
        base.to_owned()
    } else {
        format!("{base}/")
    };
    let url =
        web_sys::Url::new_with_base(&base, &page).map_err(|_| format!("“{base}” is not a URL"))?;
    if url.origin() != window.location().origin().unwrap_or_default() {
        return Err(format!(
            "{} is on another origin: attnscope only loads models from this page's origin",
            url.origin()
        ));
    }
    let base = url.href();
    let file = |name: &str| format!("{base}{name}");
    let optional = |name: &'static str| {
        let url = file(name);
        async move { fetch::fetch_text(&url, &|_, _| {}).await.ok() }
    };
    progress("Fetching config.json", 0.02);
    let config = fetch::fetch_text(&file("config.json"), &|_, _| {}).await?;
    progress("Fetching the tokenizer", 0.05);
    // A missing optional file is a failed fetch turned into `None`; `tokenizer_of` says what
    // is missing if neither kind of tokenizer came.
    let tokenizer = optional("tokenizer.json").await;
    let (vocab, tokenizer_config) = if tokenizer.is_some() {
        (None, None)
    } else {
        (
            optional("vocab.txt").await,
            optional("tokenizer_config.json").await,
        )
    };
    let tokenizer = tokenizer_of(tokenizer, vocab, tokenizer_config)?;
    // Fetched like a shipped model's weights, so the same URL is downloaded once per page.
    let weights = fetch::fetch_shared(&file("model.safetensors"), &|got, expected| {
        let fraction = if expected > 0 {
            got as f64 / expected as f64
        } else {
            0.5
        };
        progress("Fetching model.safetensors", 0.1 + 0.8 * fraction.min(1.0));
    })
    .await?;
    Ok(UserFolder {
        config,
        tokenizer,
        weights,
    })
}

/// The files of a `DataTransfer` (a drop) or an `<input type=file>`'s list.
pub fn file_list(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The folder name of picked files (`webkitRelativePath`'s first part), for the label.
pub fn folder_label(files: &[web_sys::File]) -> String {
    files
        .iter()
        .find_map(|f| {
            js_sys::Reflect::get(f.unchecked_ref(), &"webkitRelativePath".into())
                .ok()
                .and_then(|p| p.as_string())
                .and_then(|p| p.split('/').next().map(str::to_owned))
                .filter(|p| !p.is_empty())
        })
        .unwrap_or_else(|| "model".to_owned())
}
