//! One translation result: the translated text and why decoding stopped, the source and
//! generated tokens as chips that light up by their alignment weight, the cross-attention
//! heatmap (value on hover, PNG/SVG/CSV export), and the step-through below.

use super::step_through::StepThrough;
use crate::components::figure_plot::FigurePlot;
use crate::components::notices::trace_message;
use crate::engine::live::Shown;
use attnscope_core::trace::StopReason;
use attnscope_plot::figure::{Figure, Selection, ViewKind};
use std::rc::Rc;
use yew::prelude::*;

/// Which token the pointer or focus is on.
///
/// The two sides light each other up: a Spanish token shades the English chips by its
/// alignment row, an English token shades the Spanish chips by its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hover {
    /// An English (source) token.
    Source(usize),
    /// A Spanish (generated) token.
    Target(usize),
}

/// Props of [`ResultViews`].
#[derive(Properties, PartialEq)]
pub struct ResultViewsProps {
    /// The result to draw.
    ///
    /// The latest translation, possibly for an older text than the box holds.
    pub shown: Rc<Shown>,
    /// The step-through's step (the page resets it when the text changes).
    ///
    /// Owned by the page so it survives new results; the step-through clamps it to the
    /// result's steps.
    pub step: UseStateHandle<usize>,
}

/// The translation, token chips, alignment and step-through of one result.
#[component]
pub fn ResultViews(props: &ResultViewsProps) -> Html {
    let hover = use_state(|| None::<Hover>);
    // The chips' shades are `data-css` custom properties applied through the CSSOM: a
    // `style` attribute would be refused by a strict style-src.
    let chips_root = crate::hooks::data_css::use_data_css();
    // The step-through (below the alignment) follows the typing only while on screen: off
    // screen it keeps the result it last showed, marked stale, and catches up when scrolled in.
    let steps_ref = use_node_ref();
    let (steps_shown, steps_stale) =
        crate::hooks::screen::use_frozen_off_screen(steps_ref.clone(), props.shown.clone());
    let shown = &props.shown;
    // Built once per result; hovering chips re-renders this view without rebuilding it.
    let figure = use_memo(shown.clone(), |shown| {
        let trace = &shown.computed.trace;
        // The alignment has no layer or head to select: the default selection is ignored.
        let figure = Figure::build(trace, ViewKind::Alignment, &Selection::default());
        figure.ok().map(Rc::new)
    });
    let summary = summary(shown);
    let message = trace_message(shown.computed.trace.message.as_ref());
    // An empty or unusable text gives a trace without a translation: only its message is
    // shown, with the hidden summary the tests wait for.
    let (Some((decoding, target, text)), Some(alignment), Some(figure)) =
        (shown.translation(), shown.alignment(), (*figure).clone())
    else {
        return html! { <>{ summary }{ message }</> };
    };
    let steps = decoding.ids.len();
    let stop = match decoding.stop {
        StopReason::EndToken => format!(
            "Stopped at the end token after {steps} step{}.",
            if steps == 1 { "" } else { "s" }
        ),
        StopReason::MaxLength => format!(
            "Stopped at the model's maximum length ({} tokens) without an end token.",
            alignment.rows()
        ),
    };
    // The alignment is (generated × source): row i is what Spanish token i looked at.
    let source_weight = |j: usize| match *hover {
        Some(Hover::Target(i)) => alignment.get(i, j),
        _ => None,
    };
    let target_weight = |i: usize| match *hover {
        Some(Hover::Source(j)) => alignment.get(i, j),
        _ => None,
    };
    // The heatmap marks the hovered token's row or column, so the chips and the plot point
    // at the same cells.
    let (row, col) = match *hover {
        Some(Hover::Target(i)) => (Some(i), None),
        Some(Hover::Source(j)) => (None, Some(j)),
        None => (None, None),
    };
    html! {
        <>
            { summary }
            { message }
            <div class="translation-out">
                <p class="translation" id="translation" lang="es" aria-live="polite">{ text }</p>
                <p class="muted" id="stop-reason">{ stop }</p>
            </div>
            <h2 class="sub">{ "Alignment" }</h2>
            <p class="muted">{ "Hover a Spanish token to see which English tokens it attended to, or an English token to see which Spanish tokens looked at it." }</p>
            <div class="align-chip-rows" ref={chips_root}>
                { chips("English", &shown.tokens, &source_weight, Hover::Source, &hover) }
                { chips("Spanish", target, &target_weight, Hover::Target, &hover) }
            </div>
            <div class="plots">
                <FigurePlot id="alignment" {figure} highlight_cell={Some((row, col))} csv=true zoomable=true />
            </div>
            // `data-stale` marks the frozen step-through (the end-to-end tests read it);
            // `aria-busy` tells assistive technology it is not current.
            <div ref={steps_ref} data-stale={steps_stale.then_some("true")} aria-busy={steps_stale.then_some("true")}>
                <StepThrough shown={steps_shown} step={props.step.clone()} />
            </div>
        </>
    }
}

/// The hidden element the end-to-end tests read: what was decoded, by which engine, how fast.
fn summary(shown: &Shown) -> Html {
    let (ids, stop, steps, target, text) = match shown.translation() {
        Some((d, target, text)) => (
            d.ids
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            match d.stop {
                StopReason::EndToken => "end",
                StopReason::MaxLength => "max",
            },
            d.ids.len(),
            target.join(" "),
            text,
        ),
        None => (String::new(), "", 0, String::new(), ""),
    };
    let computed = &shown.computed;
    html! {
        <div class="trace-summary" hidden=true id="summary-translate"
            data-seq={shown.seq.to_string()} data-text={shown.text.clone()}
            data-engine={computed.engine.name()} data-ids={ids}
            data-tokens={target} data-source={shown.tokens.join(" ")}
            data-translation={text.to_owned()}
            data-stop={stop} data-steps={steps.to_string()}
            data-forward-ms={format!("{:.3}", computed.forward_ms)}
            data-submits={computed.submits.to_string()} data-dispatches={computed.dispatches.to_string()}></div>
    }
}

/// A chip's shade: its alignment weight with the hovered token of the other language.
///
/// Empty (no shade) when nothing on the other side is hovered. Clamped to [0, 1]: the CSS
/// uses it as the opacity of the chip's background.
fn chip_style(weight: Option<f32>) -> String {
    weight.map_or(String::new(), |w| {
        format!("--weight:{:.3}", w.clamp(0.0, 1.0))
    })
}

/// One language's tokens as focusable chips; hovering or focusing one lights the other side.
fn chips(
    side: &str,
    tokens: &[String],
    weight: &dyn Fn(usize) -> Option<f32>,
    make: fn(usize) -> Hover,
    hover: &UseStateHandle<Option<Hover>>,
) -> Html {
    // Leaving the whole row clears the hover, not leaving one chip, so moving from chip to
    // chip does not flicker through "nothing hovered".
    let leave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    html! {
        <div class="token-chips align-chips" role="list" aria-label={format!("{side} tokens")} onmouseleave={leave}>
            { for tokens.iter().enumerate().map(|(i, token)| {
                let enter = { let hover = hover.clone(); Callback::from(move |_: MouseEvent| hover.set(Some(make(i)))) };
                let focus = { let hover = hover.clone(); Callback::from(move |_: FocusEvent| hover.set(Some(make(i)))) };
                // The hovered chip itself is marked, on its own side only.
                let active = **hover == Some(make(i));
                html! {
                    <span role="listitem" tabindex="0" class={classes!("token-chip", "align-chip", active.then_some("highlight"))}
                        data-index={i.to_string()} data-css={chip_style(weight(i))}
                        onmouseenter={enter} onfocus={focus}>{ token }</span>
                }
            }) }
        </div>
    }
}
