//! The `#/embed` route: one view alone, no navigation, for an `<iframe>` in a page that
//! forbids scripts. It tells its parent its height with `postMessage` (the Embedly message
//! `{context: "iframe.resize", height}`), so one line of script on the host can size the frame.

use super::mount::EmbedRoot;
use super::options::EmbedOptions;
use crate::route::Query;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// Props of [`EmbedPage`].
#[derive(Properties, PartialEq)]
pub struct EmbedPageProps {
    /// The URL query: the same parameters as the element's attributes.
    pub query: Query,
}

/// Posts the document's height to the parent window (nothing when not in a frame).
fn post_height() {
    let window = crate::dom::window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    // The view's own height: the document's scroll height is never less than the frame's.
    let Some(main) = crate::dom::document().get_element_by_id("main") else {
        return;
    };
    // Rounded up with 2 px to spare, against fractional layout heights.
    let height = (main.get_bounding_client_rect().bottom() + 2.0).ceil();
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"context".into(), &"iframe.resize".into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &JsValue::from(height));
    // Any origin: the host is not known here, and the message carries only a height.
    let _ = parent.post_message(&message, "*");
}

/// The view named by the URL, alone.
#[component]
pub fn EmbedPage(props: &EmbedPageProps) -> Html {
    let (mut options, unknown) = use_memo(props.query.clone(), EmbedOptions::from_query)
        .as_ref()
        .clone();
    // The route resolves `auto` itself, against the reader's system setting.
    if matches!(options.theme.as_deref(), None | Some("auto")) {
        let dark = crate::dom::prefers_dark();
        options.theme = Some(if dark { "dark" } else { "light" }.to_owned());
    }
    let dark = options.theme.as_deref() == Some("dark");
    // Re-runs only when the theme flips; it goes on the frame's own document.
    use_effect_with(dark, |dark| {
        let theme = if *dark {
            crate::theme::Theme::Dark
        } else {
            crate::theme::Theme::Light
        };
        theme.apply();
    });
    // After each result or error, the height once the new view has been laid out. Made once,
    // so `EmbedRoot`'s props compare equal when nothing else changed.
    let on_event = use_callback((), |_, ()| crate::dom::after_ms(50, post_height));
    // Later size changes (a canvas re-measured, the reader typed a longer text): the page's
    // root element watched for the life of the route.
    use_effect_with((), |()| {
        use crate::hooks::observer::{Entries, Watching};
        let callback = Entries::new(move |_| post_height());
        let root = crate::dom::document().document_element();
        let watching = Watching::start_on(root, callback, |f| web_sys::ResizeObserver::new(f).ok());
        move || drop(watching)
    });
    html! {
        <main id="main" class="embed-page">
            if !unknown.is_empty() {
                <ul class="embed-problems notice" role="alert">{ for unknown.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
            }
            <EmbedRoot {options} {on_event} base="" />
        </main>
    }
}
