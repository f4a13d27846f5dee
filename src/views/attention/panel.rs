//! One model's column of the live page: its load state, class probabilities and attention
//! views (Transformer: model view, one-head heatmap, head view, rollout, data table;
//!
//! The panel only reads a [`Shown`] result. The Transformer's heatmap, head view and rollout
//! are built as `Figure`s (`attnscope_plot::figure`), the model the `<attn-scope>` element
//! and the CLI draw too, so those views cannot drift from their embeds. Nothing here runs a
//! model.
//! BiLSTM: pooling view).

use crate::components::pooling_view::PoolingView;
use crate::components::probability_bars::ProbabilityBars;
use crate::components::transformer_views::{steps_href, TransformerViews};
use crate::engine::catalog::ModelInfo;
use crate::engine::live::{LoadState, Shown};
use attnscope_core::trace::Attention;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ModelPanel`].
#[derive(Properties, PartialEq)]
pub struct ModelPanelProps {
    /// The model.
    pub info: &'static ModelInfo,
    /// Its load state.
    ///
    /// The page passes `Loading("Waiting for the backend", 0)` until the model has a slot.
    pub load: LoadState,
    /// Its latest result.
    ///
    /// May be older than the text in the box (a forward is still running); never older than
    /// a result shown before. `None` until the first forward ends.
    pub shown: Option<Rc<Shown>>,
    /// Heads switched off.
    ///
    /// From the page's settings, not from the result, so the model view's buttons answer at
    /// once while the forward that applies them is still running.
    pub heads_off: Vec<(usize, usize)>,
    /// The opened head.
    ///
    /// As asked; clamped to the model's layers and heads before it is drawn.
    pub head: (usize, usize),
    /// The highlighted token.
    ///
    /// A token position, shared by every panel and the token chips, so hovering a token in
    /// one view marks it in all of them.
    pub highlight: Option<usize>,
    /// Open a head.
    pub on_open: Callback<(usize, usize)>,
    /// Switch a head off or on.
    pub on_toggle_head: Callback<(usize, usize)>,
    /// Highlight a token.
    pub on_highlight: Callback<Option<usize>>,
}

/// A cheap fingerprint of a map for the hidden summary: each value weighted by its index
/// modulo 97, so the tests see a map change (and a moved weight) without reading it all.
fn digest(values: &[f32]) -> f64 {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| f64::from(*v) * ((i % 97) as f64 + 1.0))
        .sum()
}

/// A model's column.
#[component]
pub fn ModelPanel(props: &ModelPanelProps) -> Html {
    let info = props.info;
    let status = match &props.load {
        LoadState::Loading(stage, fraction) => html! {
            <div class="load-state">
                <label for={format!("{}-progress", info.name)}>{ format!("{stage}…") }</label>
                <progress id={format!("{}-progress", info.name)} max="1" value={fraction.to_string()}></progress>
            </div>
        },
        LoadState::Failed(why) => html! { <p class="field-message error" role="alert">{ why }</p> },
        LoadState::Ready => html! {},
    };
    let body = props
        .shown
        .as_ref()
        .map(|shown| panel_body(props, shown))
        .unwrap_or_default();
    html! {
        <section class="model-panel" aria-labelledby={format!("{}-title", info.name)} data-model={info.name}>
            <h2 id={format!("{}-title", info.name)}>{ info.label }</h2>
            { status }
            { body }
        </section>
    }
}

/// The hidden element the end-to-end tests and benchmarks read: job number, text, engine,
/// probabilities, tokens, a digest of the maps and the forward's cost (submits, dispatches).
fn summary(props: &ModelPanelProps, shown: &Shown) -> Html {
    let probabilities = shown
        .classification()
        .map(|c| {
            c.probabilities
                .iter()
                // Six decimals, finer than the engines' 1e-4 parity tolerance.
                .map(|v| format!("{v:.6}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let map_digest = match &shown.computed.trace.attention {
        Attention::SelfAttention(maps) => digest(&maps.weights),
        Attention::Pooling { weights } => digest(weights),
        _ => 0.0,
    };
    html! {
        <div class="trace-summary" hidden=true id={format!("summary-{}", props.info.name)}
            data-seq={shown.seq.to_string()} data-text={shown.text.clone()}
            data-engine={shown.computed.engine.name()}
            data-engine-why={shown.computed.why.clone().unwrap_or_default()}
            data-probabilities={probabilities}
            data-tokens={shown.tokens.join(" ")}
            data-t={shown.tokens.len().to_string()}
            data-map-digest={format!("{map_digest:.6}")}
            data-forward-ms={format!("{:.3}", shown.computed.forward_ms)}
                data-submits={shown.computed.submits.to_string()} data-dispatches={shown.computed.dispatches.to_string()}></div>
    }
}

/// Everything under the heading once a result exists: the summary, core's message (such as
/// a truncation), the class bars and the architecture's views.
fn panel_body(props: &ModelPanelProps, shown: &Rc<Shown>) -> Html {
    let trace = &shown.computed.trace;
    let bars = match shown.classification() {
        Some(c) => html! {
            <ProbabilityBars labels={c.labels.clone()} probabilities={c.probabilities.clone()} />
        },
        None => html! {},
    };
    let message = trace
        .message
        .as_ref()
        .map(|m| html! { <p class="notice trace-message" role="status">{ m }</p> });
    let views = match &trace.attention {
        Attention::SelfAttention(_) => html! {
            <TransformerViews info={props.info} shown={shown.clone()} heads_off={props.heads_off.clone()}
                head={props.head} highlight={props.highlight} on_open={props.on_open.clone()}
                on_toggle_head={props.on_toggle_head.clone()} on_highlight={props.on_highlight.clone()} />
        },
        Attention::Pooling { weights } => html! {
            <>
                <PoolingView tokens={(*shown.tokens).clone()} weights={weights.clone()}
                    highlight={props.highlight} on_highlight={props.on_highlight.clone()} />
                <p><a class="steps-link" href={steps_href(props.info.name, &shown.text, (0, 0), 0)}>{ "How was this computed? The pooling step by step" }</a></p>
            </>
        },
        // A translator's cross-attention never reaches this page (it lists only classifiers).
        _ => html! {},
    };
    html! {
        <>
            { summary(props, shown) }
            { for message }
            { bars }
            { views }
        </>
    }
}
