//! Whether an element is on screen, and values frozen while it is not: plots below the fold
//! skip their work on a keystroke and catch up when scrolled in — or when the page is
//! printed, where every plot must show the current result.

use super::observer::{Entries, Watching};
use yew::prelude::*;

/// `value` while `node`'s element is on screen ([`use_on_screen`]), else the value it last
/// showed, and whether that is stale. A DOM view below the fold renders from it: its props
/// stay equal while it is off screen, so a keystroke does not rebuild, restyle and lay out
/// elements nobody sees (the BiLSTM's 128 shaded tokens and 128 bars cost ~8 ms a key), and
/// scrolling it in shows the latest values.
#[hook]
pub fn use_frozen_off_screen<T: Clone + PartialEq + 'static>(node: NodeRef, value: T) -> (T, bool) {
    let on_screen = use_on_screen(node);
    let shown = use_mut_ref(|| value.clone());
    let stale = *shown.borrow() != value;
    if on_screen && stale {
        *shown.borrow_mut() = value;
    }
    let current = shown.borrow().clone();
    (current, stale && !on_screen)
}

/// Marks a plot's element as drawn (`stale` false) or as holding an older picture because it
/// was off screen when its values changed (`data-stale`): tests and tools that read pixels
/// scroll it in and wait for the mark to go.
pub fn mark_stale(element: &web_sys::Element, stale: bool) {
    let _ = if stale {
        element.set_attribute("data-stale", "true")
    } else {
        element.remove_attribute("data-stale")
    };
}

/// How far outside the viewport a plot still counts as on screen (CSS margin syntax): none.
/// With 300 px, the eight head maps and the BiLSTM's shaded text just below the fold of a
/// 1280 × 900 window were redrawn on every keystroke: keystroke → paint p95 21–25 → 19–21 ms
/// (Transformer) and 18–21 → 13–14 ms (BiLSTM) at T ≈ 128 without them (docs/perf.md). A plot
/// scrolled in shows its previous picture for about one frame, until the observer reports.
const ON_SCREEN_MARGIN: &str = "0px";

/// Whether `node`'s element is on screen (at least partly in the viewport, see
/// [`ON_SCREEN_MARGIN`]), from an IntersectionObserver. Plots put it in their draw effect's
/// dependencies and skip drawing while off screen: a keystroke then pays only for the plots a
/// reader can see, and a plot scrolled into view draws the latest values as soon as the
/// observer reports. `true` until the observer first reports (the first paint draws
/// everything), where IntersectionObserver is missing, and while the page is printed
/// ([`use_printing`]: a printed page or a PDF shows every plot with the current result).
#[hook]
pub fn use_on_screen(node: NodeRef) -> bool {
    use wasm_bindgen::JsCast;
    let on_screen = use_state(|| true);
    let printing = use_printing();
    {
        let on_screen = on_screen.clone();
        use_effect_with((), move |()| {
            let callback = Entries::new(move |entries: js_sys::Array| {
                // The latest entry is the element's current state.
                let latest = entries.iter().last();
                if let Some(entry) =
                    latest.and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                {
                    on_screen.set(entry.is_intersecting());
                }
            });
            let init = web_sys::IntersectionObserverInit::new();
            init.set_root_margin(ON_SCREEN_MARGIN);
            let watching = Watching::start(&node, callback, |f| {
                web_sys::IntersectionObserver::new_with_options(f, &init).ok()
            });
            move || drop(watching)
        });
    }
    *on_screen || printing
}

/// Whether the page is being printed: `true` from the window's `beforeprint` to its
/// `afterprint`. The state is set inside `beforeprint`, and yew renders (and plots draw) in
/// the microtask after it, before the browser lays out the printed page.
#[hook]
pub fn use_printing() -> bool {
    use gloo_events::EventListener;
    let printing = use_state_eq(|| false);
    {
        let printing = printing.clone();
        use_effect_with((), move |()| {
            let window = crate::dom::window();
            let before = {
                let printing = printing.clone();
                EventListener::new(&window, "beforeprint", move |_| printing.set(true))
            };
            let after = EventListener::new(&window, "afterprint", move |_| printing.set(false));
            move || drop((before, after))
        });
    }
    *printing
}
