//! The `<attn-scope>` element's wasm side: `www/embed.js` defines the element and calls
//! [`mount_embed`] with its shadow root's container, its options and an event callback; the
//! returned [`EmbedHandle`] takes option changes and is destroyed with the element.
//!
//! An unmounted embed's yew app is parked, not destroyed, and the next element reuses it.
//! yew registers an app's event listeners on its root element and never removes them (their
//! closures hold the app's subtree), so every destroyed app stayed in memory for good: a
//! page that mounts embeds again and again (the home page on each visit) grew without end.
//! With parking, the apps alive are at most the most elements ever on the page at once.

use super::options::{EmbedOptions, EmbedSpec};
use super::snippet::app_link;
use super::view::{EmbedEvent, EmbedView};
use crate::components::UiContext;
use crate::engine::fetch;
use crate::hooks::width::use_css_width;
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
    /// False while the app is parked: nothing is shown and no model is held.
    #[prop_or(true)]
    pub active: bool,
}

/// An embed: its theme, its size tracking and its one view.
#[component]
pub fn EmbedRoot(props: &EmbedRootProps) -> Html {
    // Resolved again only when the options change, not on each re-render (a width change).
    let resolved = use_memo(props.options.clone(), EmbedSpec::resolve);
    let (spec, problems) = &*resolved;
    let root = use_node_ref();
    // Every plot re-measures when the embed's width changes (a tab or section shown).
    let generation = use_css_width(root.clone()).unwrap_or(0);
    let ui = UiContext {
        // Presentation mode is the app's `present` class on the root element (`present` in
        // the app's URL); a host page's document normally lacks it.
        present: crate::dom::document()
            .document_element()
            .is_some_and(|root| root.class_list().contains("present")),
        dark: spec.dark,
        layout_generation: generation,
    };
    // A new model or engine is a new view (its own load); everything else updates in place.
    let key = format!("{}|{:?}", spec.model.name, spec.engine);
    // The notebook widget's files have no address: no app to open from there.
    let link = (!props.base.starts_with("attnscope-widget:"))
        .then(|| AttrValue::from(app_link(&props.base, &props.options)));
    html! {
        <ContextProvider<UiContext> context={ui}>
            <div class="attnscope-embed" data-theme={if spec.dark { "dark" } else { "light" }} ref={root}>
                if props.active {
                    <EmbedView {key} spec={spec.clone()} problems={problems.clone()}
                        on_event={props.on_event.clone()} app_link={link} />
                }
            </div>
        </ContextProvider<UiContext>>
    }
}

/// A mounted embed, owned by its element.
#[wasm_bindgen]
pub struct EmbedHandle {
    /// The app while mounted; `None` after `destroy`, or when it could not start.
    app: Option<ParkedApp>,
    /// The host's event callback, passed again with every option change.
    on_event: Callback<EmbedEvent>,
    /// The folder of `embed.js`, for the "Open in attnscope" link.
    base: AttrValue,
}

/// A yew app and the element it is rooted at (inside an element's container while mounted).
struct ParkedApp {
    /// The `div` the app renders into, moved from one element's container to the next.
    host: web_sys::Element,
    /// The app itself, shown or idled through `update`.
    app: AppHandle<EmbedRoot>,
}

thread_local! {
    /// Apps of embeds that left the page, waiting for the next element.
    static PARKED: std::cell::RefCell<Vec<ParkedApp>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A parked app (or a new one) moved into `container`, showing `props`.
fn unpark_into(container: &web_sys::Element, props: EmbedRootProps) -> Result<ParkedApp, JsValue> {
    let mut parked = match PARKED.with(|p| p.borrow_mut().pop()) {
        Some(parked) => parked,
        None => {
            let host = crate::dom::document().create_element("div")?;
            host.set_class_name("attnscope-host");
            // A new app starts idle and gets its props through `update`, as a reused one does.
            let app = yew::Renderer::<EmbedRoot>::with_root_and_props(host.clone(), props.idle())
                .render();
            ParkedApp { host, app }
        }
    };
    container.append_child(&parked.host)?;
    parked.app.update(props);
    Ok(parked)
}

impl EmbedRootProps {
    /// The same options and base, for an app that shows nothing.
    fn idle(&self) -> Self {
        Self {
            options: self.options.clone(),
            on_event: Callback::noop(),
            base: self.base.clone(),
            active: false,
        }
    }
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
        if let Some(parked) = &mut self.app {
            parked.app.update(EmbedRootProps {
                options,
                on_event: self.on_event.clone(),
                base: self.base.clone(),
                active: true,
            });
        }
    }

    /// Unmounts the view (the element left the page): its model is dropped and its app
    /// parked for the next element.
    pub fn destroy(&mut self) {
        if let Some(mut parked) = self.app.take() {
            // Out of the page, then idle: the view unmounts and drops its model (and GPU buffers).
            // Default options and a no-op callback, so the parked app keeps nothing of this element
            // and no event reaches a host that has gone.
            parked.host.remove();
            parked.app.update(EmbedRootProps {
                options: EmbedOptions::default(),
                on_event: Callback::noop(),
                base: self.base.clone(),
                active: false,
            });
            PARKED.with(|p| p.borrow_mut().push(parked));
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
    // Every element calls this; both hooks install once per page.
    console_error_panic_hook::set_once();
    crate::diagnostics::install();
    // Page-wide: this assumes every element of a page comes from the same `embed.js`.
    fetch::set_asset_base(&base);
    let on_event = Callback::from(move |event: EmbedEvent| {
        let (kind, detail) = match event {
            EmbedEvent::Result(detail) => (
                "result",
                // A detail that cannot be converted still sends the event, with `null`.
                serde_wasm_bindgen::to_value(&*detail).unwrap_or(JsValue::NULL),
            ),
            EmbedEvent::Error(message) => ("error", JsValue::from_str(&message)),
        };
        // An exception thrown by the host's callback is ignored: it must not break the embed.
        let _ = on_event.call2(&JsValue::NULL, &JsValue::from_str(kind), &detail);
    });
    let options = read_options(options, &on_event);
    let base = AttrValue::from(base);
    let props = EmbedRootProps {
        options,
        on_event: on_event.clone(),
        base: base.clone(),
        active: true,
    };
    let app = match unpark_into(&container, props) {
        Ok(app) => Some(app),
        Err(why) => {
            on_event.emit(EmbedEvent::Error(format!(
                "attnscope could not start here: {}",
                why.as_string().unwrap_or_else(|| format!("{why:?}"))
            )));
            None
        }
    };
    EmbedHandle {
        app,
        on_event,
        base,
    }
}
