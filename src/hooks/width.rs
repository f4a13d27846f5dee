//! The width of an element, for plots that size their canvas from it.

use super::observer::{Entries, Watching};
use yew::prelude::*;

/// The content width of `node`'s element in CSS pixels, rounded, from a ResizeObserver: `None`
/// until it first reports (and where ResizeObserver is missing). A plot puts it in its draw
/// effect's dependencies and sizes its canvas from it: it redraws when its width changes, and
/// a keystroke's redraw never reads `clientWidth`, which would force a layout of everything
/// the keystroke's render changed. An embed in a hidden tab or a collapsed section measures
/// 0 px wide at first, and re-measures once it is shown.
#[hook]
pub fn use_css_width(node: NodeRef) -> Option<u32> {
    use wasm_bindgen::JsCast;
    // `use_state_eq`: a report of the same width renders nothing.
    let width = use_state_eq(|| None::<u32>);
    {
        let width = width.clone();
        use_effect_with((), move |()| {
            let callback = Entries::new(move |entries: js_sys::Array| {
                let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() else {
                    return;
                };
                width.set(Some(entry.content_rect().width().round().max(0.0) as u32));
            });
            let watching =
                Watching::start(&node, callback, |f| web_sys::ResizeObserver::new(f).ok());
            move || drop(watching)
        });
    }
    *width
}
