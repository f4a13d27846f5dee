//! Keys pressed anywhere in the page (a lesson's ← / →, the step-through's steps, presenter
//! mode's F and Esc), never while the reader types in a field.

use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use yew::prelude::*;

/// When a window key listener hears a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPhase {
    /// Before the page's other listeners (the step-through decides before a lesson).
    First,
    /// After them, and only for a key no other listener used (`defaultPrevented`).
    Last,
}

/// Calls `on_key(deps, key)` for every `keydown` on the window outside a text field; when it
/// returns `true` the key was used and its default action is prevented. The listener is made
/// again whenever `deps` change.
#[hook]
pub fn use_window_keys<D, F>(deps: D, phase: KeyPhase, on_key: F)
where
    D: PartialEq + Clone + 'static,
    F: Fn(&D, &web_sys::KeyboardEvent) -> bool + 'static,
{
    use_effect_with(deps, move |deps| {
        let deps = deps.clone();
        let options = EventListenerOptions {
            phase: match phase {
                KeyPhase::First => EventListenerPhase::Capture,
                KeyPhase::Last => EventListenerPhase::Bubble,
            },
            passive: false,
        };
        let listener = EventListener::new_with_options(
            &crate::dom::window(),
            "keydown",
            options,
            move |event| {
                let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::KeyboardEvent>(event)
                else {
                    return;
                };
                let used_elsewhere = phase == KeyPhase::Last && event.default_prevented();
                if crate::dom::typing_in_a_field(event) || used_elsewhere {
                    return;
                }
                if on_key(&deps, event) {
                    event.prevent_default();
                }
            },
        );
        move || drop(listener)
    });
}
