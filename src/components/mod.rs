//! Reusable yew components: controls and plot widgets that views compose.

pub mod curves_plot;
pub mod embed_dialog;
pub mod export_buttons;
pub mod figure_plot;
pub mod head_grid;
pub mod head_lines;
pub mod heatmap_plot;
pub mod live_text;
pub mod model_loader;
pub mod notices;
pub mod number_field;
pub mod pooling_view;
pub mod probability_bars;
pub mod token_chips;

use yew::prelude::*;

/// What every plot needs from the page: the theme and a counter bumped on resize.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UiContext {
    /// Whether the dark theme is active.
    pub dark: bool,
    /// Bumped when the window is resized, so canvases re-measure.
    pub layout_generation: u32,
    /// Presenter mode: plots draw their text and lines larger.
    pub present: bool,
}

impl UiContext {
    /// The plot style on screen: the theme's colours at `device_scale` device pixels per CSS
    /// pixel, and half as large again in presenter mode (labels readable on a projector).
    pub fn plot_style(&self, device_scale: f64) -> crate::plot::PlotStyle {
        let factor = if self.present { 1.5 } else { 1.0 };
        crate::plot::PlotStyle::for_theme(self.dark, device_scale * factor)
    }
}

/// The page's [`UiContext`] (a light, un-resized page outside a provider).
#[hook]
pub fn use_ui() -> UiContext {
    use_context::<UiContext>().unwrap_or(UiContext {
        dark: false,
        layout_generation: 0,
        present: false,
    })
}

/// A keyboard cursor step from a key: (row delta, column delta), `None` for other keys.
/// Shift moves ten cells at a time.
pub fn arrow_step(event: &KeyboardEvent) -> Option<(i64, i64)> {
    let big = if event.shift_key() { 10 } else { 1 };
    match event.key().as_str() {
        "ArrowUp" => Some((-big, 0)),
        "ArrowDown" => Some((big, 0)),
        "ArrowLeft" => Some((0, -big)),
        "ArrowRight" => Some((0, big)),
        _ => None,
    }
}

/// `value + delta`, kept inside `0..len`.
pub fn clamp_step(value: usize, delta: i64, len: usize) -> usize {
    (value as i64 + delta).clamp(0, len.saturating_sub(1) as i64) as usize
}

/// A node ref whose subtree gets its `data-css` styles applied after every render
/// ([`crate::dom::apply_data_css`]): inline styles that a strict host CSP allows.
#[hook]
pub fn use_data_css() -> NodeRef {
    let root = use_node_ref();
    {
        let root = root.clone();
        use_effect(move || {
            if let Some(element) = root.cast::<web_sys::Element>() {
                crate::dom::apply_data_css(&element);
            }
        });
    }
    root
}

/// The content width of `node`'s element in CSS pixels, rounded, from a ResizeObserver: `None`
/// until it first reports (and where ResizeObserver is missing). A plot puts it in its draw
/// effect's dependencies and sizes its canvas from it: it redraws when its width changes, and
/// a keystroke's redraw never reads `clientWidth`, which would force a layout of everything
/// the keystroke's render changed. An embed in a hidden tab or a collapsed section measures
/// 0 px wide at first, and re-measures once it is shown.
#[hook]
pub fn use_css_width(node: NodeRef) -> Option<u32> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    // `use_state_eq`: a report of the same width renders nothing.
    let width = use_state_eq(|| None::<u32>);
    {
        let width = width.clone();
        use_effect_with((), move |()| {
            let callback =
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>()
                    else {
                        return;
                    };
                    width.set(Some(entry.content_rect().width().round().max(0.0) as u32));
                });
            let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(observer), Some(element)) = (&observer, node.cast::<web_sys::Element>()) {
                observer.observe(&element);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop(callback);
            }
        });
    }
    *width
}

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
/// everything), and where IntersectionObserver is missing.
#[hook]
pub fn use_on_screen(node: NodeRef) -> bool {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let on_screen = use_state(|| true);
    {
        let on_screen = on_screen.clone();
        use_effect_with((), move |()| {
            let callback =
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
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
            let observer = web_sys::IntersectionObserver::new_with_options(
                callback.as_ref().unchecked_ref(),
                &init,
            )
            .ok();
            if let (Some(observer), Some(element)) = (&observer, node.cast::<web_sys::Element>()) {
                observer.observe(&element);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop(callback);
            }
        });
    }
    *on_screen
}
