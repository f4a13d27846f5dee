//! The `<attn-scope>` element's wasm side: `www/embed.js` defines the element and calls
//! [`mount_embed`] with its shadow root's container, its options and an event callback; the
//! returned [`EmbedHandle`] takes option changes and is destroyed with the element.

use super::options::{EmbedOptions, EmbedSpec};
use super::snippet::app_link;
use super::view::{EmbedEvent, EmbedView};
use crate::components::{use_width_generation, UiContext};
use crate::engine::fetch;
use wasm_bindgen::prelude::*;
use yew::prelude::*;
use yew::AppHandle;

/// Props of [`EmbedRoot`].
#[derive(Properties, PartialEq)]
pub struct EmbedRootProps {
    /// The options as given.
    pub options: EmbedOptions,
    /// Results and errors for the host.
    pub on_event: Callback<EmbedEvent>,
    /// The folder attnscope is served from (for the "Open in attnscope" link).
    pub base: AttrValue,
}

/// An embed: its theme, its size tracking and its one view.
#[component]
pub fn EmbedRoot(props: &EmbedRootProps) -> Html {
    let resolved = use_memo(props.options.clone(), EmbedSpec::resolve);
    let (spec, problems) = &*resolved;
    let root = use_node_ref();
    let generation = use_width_generation(root.clone());
    let ui = UiContext {
        present: crate::dom::document()
            .document_element()
            .is_some_and(|root| root.class_list().contains("present")),
        dark: spec.dark,
        layout_generation: generation,
    };
    // A new model or engine is a new view (its own load); everything else updates in place.
    let key = format!("{}|{:?}", spec.model.name, spec.engine);
    let link = app_link(&props.base, &props.options);
    html! {
        <ContextProvider<UiContext> context={ui}>
            <div class="attnscope-embed" data-theme={if spec.dark { "dark" } else { "light" }} ref={root}>
                <EmbedView {key} spec={spec.clone()} problems={problems.clone()}
                    on_event={props.on_event.clone()} app_link={Some(AttrValue::from(link))} />
            </div>
        </ContextProvider<UiContext>>
    }
}

/// A mounted embed, owned by its element.
#[wasm_bindgen]
pub struct EmbedHandle {
    app: Option<AppHandle<EmbedRoot>>,
    on_event: Callback<EmbedEvent>,
    base: AttrValue,
}

/// The options from the element, or the defaults and an error event if they cannot be read.
fn read_options(options: JsValue, on_event: &Callback<EmbedEvent>) -> EmbedOptions {
    serde_wasm_bindgen::from_value(options).unwrap_or_else(|why| {
        on_event.emit(EmbedEvent::Error(format!(
            "attnscope could not read the element's options ({why}); showing the defaults."
        )));
        EmbedOptions::default()
    })
}

#[wasm_bindgen]
impl EmbedHandle {
    /// Shows new options (an attribute changed).
    pub fn update(&mut self, options: JsValue) {
        let options = read_options(options, &self.on_event);
        if let Some(app) = &mut self.app {
            app.update(EmbedRootProps {
                options,
                on_event: self.on_event.clone(),
                base: self.base.clone(),
            });
        }
    }

    /// Unmounts the view (the element left the page).
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts an embed into `container` (inside the element's shadow root). `base` is the folder
/// of `embed.js`, which every model file is fetched relative to; `on_event(kind, detail)` is
/// called with `"result"` and the result detail, or `"error"` and a message.
#[wasm_bindgen(js_name = mountEmbed)]
pub fn mount_embed(
    container: web_sys::Element,
    options: JsValue,
    base: String,
    on_event: js_sys::Function,
) -> EmbedHandle {
    console_error_panic_hook::set_once();
    crate::diagnostics::install();
    fetch::set_asset_base(&base);
    let on_event = Callback::from(move |event: EmbedEvent| {
        let (kind, detail) = match event {
            EmbedEvent::Result(detail) => (
                "result",
                serde_wasm_bindgen::to_value(&*detail).unwrap_or(JsValue::NULL),
            ),
            EmbedEvent::Error(message) => ("error", JsValue::from_str(&message)),
        };
        let _ = on_event.call2(&JsValue::NULL, &JsValue::from_str(kind), &detail);
    });
    let options = read_options(options, &on_event);
    let base = AttrValue::from(base);
    let props = EmbedRootProps {
        options,
        on_event: on_event.clone(),
        base: base.clone(),
    };
    let app = yew::Renderer::<EmbedRoot>::with_root_and_props(container, props).render();
    EmbedHandle {
        app: Some(app),
        on_event,
        base,
    }
}
