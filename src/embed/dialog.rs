//! The Embed button every view of the app has: a dialog with the `<attn-scope>` snippet and
//! the iframe snippet for what is on screen, each with a copy button.

use super::options::{EmbedOptions, ViewKind};
use super::snippet::{element_snippet, iframe_snippet};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Props of [`EmbedButton`].
#[derive(Properties, PartialEq)]
pub struct EmbedButtonProps {
    /// The options that show what is on screen (its `view` is the first of `views`).
    pub options: EmbedOptions,
    /// The views of this page an author may pick, the main one first.
    pub views: Vec<ViewKind>,
}

/// The folder the app is served from, as an absolute URL ending in `/`.
///
/// The page's URL without its hash, query and file name, so the snippets point at
/// `embed.js` and `index.html` beside the page wherever the app is hosted.
fn app_folder() -> String {
    let href = crate::dom::window().location().href().unwrap_or_default();
    let page = href.split('#').next().unwrap_or_default();
    let page = page.split('?').next().unwrap_or_default();
    match page.rfind('/') {
        Some(i) => page[..=i].to_owned(),
        None => page.to_owned(),
    }
}

/// Copies `text` to the clipboard; says how it went.
fn copy(text: String, said: UseStateHandle<String>) {
    let clipboard = crate::dom::window().navigator().clipboard();
    wasm_bindgen_futures::spawn_local(async move {
        let done = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await;
        said.set(match done {
            Ok(_) => "Copied.".to_owned(),
            Err(_) => {
                "The browser refused the clipboard: select the text and press Ctrl+C.".to_owned()
            }
        });
    });
}

/// "Embed": opens a dialog with both snippets.
#[component]
pub fn EmbedButton(props: &EmbedButtonProps) -> Html {
    let dialog = use_node_ref();
    // The reader's pick, kept while the page's views change; a pick the current model does
    // not offer (a Transformer's heatmap after switching to a BiLSTM) falls back to the
    // first view offered, so the snippet never asks for a view the model cannot show.
    let picked = use_state(|| props.views.first().copied().unwrap_or(ViewKind::Heatmap));
    let first = props.views.first().copied().unwrap_or(ViewKind::Heatmap);
    let view = if props.views.contains(&*picked) {
        *picked
    } else {
        first
    };
    let said = use_state(String::new);
    // The snippets carry the whole text: built only while the dialog is open, so a keystroke
    // on the page behind it builds and writes nothing here.
    let is_open = use_state_eq(|| false);
    let (element, iframe) = if *is_open {
        let mut options = props.options.clone();
        options.view = Some(view.name().to_owned());
        let folder = app_folder();
        (
            element_snippet(&folder, &options),
            iframe_snippet(&folder, &options),
        )
    } else {
        Default::default()
    };
    let open = {
        let (dialog, is_open) = (dialog.clone(), is_open.clone());
        Callback::from(move |_: MouseEvent| {
            is_open.set(true);
            if let Some(dialog) = dialog.cast::<web_sys::HtmlDialogElement>() {
                // Modal: focus moves into the dialog and Escape closes it (the `close` event
                // below).
                let _ = dialog.show_modal();
            }
        })
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(dialog) = dialog.cast::<web_sys::HtmlDialogElement>() {
                dialog.close();
            }
        })
    };
    // Closed by the button or by Escape: the `close` event says both.
    let on_closed = {
        let is_open = is_open.clone();
        Callback::from(move |_: Event| is_open.set(false))
    };
    let pick = {
        let picked = picked.clone();
        Callback::from(move |event: Event| {
            let select = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok());
            if let Some(choice) = select.and_then(|s| ViewKind::parse(&s.value())) {
                picked.set(choice);
            }
        })
    };
    let copier = |text: &String| {
        let (text, said) = (text.clone(), said.clone());
        Callback::from(move |_: MouseEvent| copy(text.clone(), said.clone()))
    };
    html! {
        <>
            <button type="button" class="embed-open" id="embed-open" onclick={open}
                aria-haspopup="dialog">{ "Embed" }</button>
            <dialog class="embed-dialog" id="embed-dialog" ref={dialog} aria-labelledby="embed-dialog-title" onclose={on_closed}>
                <h2 id="embed-dialog-title">{ "Embed this view in your page" }</h2>
                if props.views.len() > 1 {
                    <div class="field">
                        <label for="embed-view">{ "View" }</label>
                        <select id="embed-view" onchange={pick}>
                            { for props.views.iter().map(|v| html! {
                                <option value={v.name()} selected={*v == view}>{ v.name() }</option>
                            }) }
                        </select>
                    </div>
                }
                <label for="embed-element">{ "Element: a module script and the element (live; works on any site)" }</label>
                <textarea id="embed-element" readonly=true rows="4" value={element.clone()} />
                <button type="button" id="embed-copy-element" onclick={copier(&element)}>{ "Copy the element" }</button>
                <label for="embed-iframe">{ "Iframe: for pages that forbid scripts (the second line only sizes the frame)" }</label>
                <textarea id="embed-iframe" readonly=true rows="5" value={iframe.clone()} />
                <button type="button" id="embed-copy-iframe" onclick={copier(&iframe)}>{ "Copy the iframe" }</button>
                <p class="muted" role="status" aria-live="polite">{ (*said).clone() }</p>
                <div class="dialog-actions"><button type="button" id="embed-close" onclick={close}>{ "Close" }</button></div>
            </dialog>
        </>
    }
}
