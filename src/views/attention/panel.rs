//! One model's column of the live page: its load state, class probabilities and attention
//! views (Transformer: model view, one-head heatmap, head view, rollout, data table;
//!
//! The panel only reads a [`Shown`] result. The Transformer's heatmap, head view and rollout
//! are built as `Figure`s (`attnscope_plot::figure`), the model the `<attn-scope>` element
//! and the CLI draw too, so those views cannot drift from their embeds. Nothing here runs a
//! model.
//! BiLSTM: pooling view).

use crate::components::figure_plot::FigurePlot;
use crate::components::head_grid::HeadGrid;
use crate::components::pooling_view::{top_positions, PoolingView};
use crate::components::probability_bars::ProbabilityBars;
use crate::engine::catalog::ModelInfo;
use crate::engine::live::{LoadState, Shown};
use attnscope_core::trace::Attention;
use attnscope_core::Matrix;
use attnscope_plot::figure::{self, Figure, Selection, ViewKind};
use std::rc::Rc;
use std::sync::Arc;
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

/// Props of [`TransformerViews`].
///
/// The same fields, with the same meanings, as [`ModelPanelProps`], for a result that holds
/// attention maps.
#[derive(Properties, PartialEq)]
struct TransformerViewsProps {
    info: &'static ModelInfo,
    shown: Rc<Shown>,
    heads_off: Vec<(usize, usize)>,
    head: (usize, usize),
    highlight: Option<usize>,
    on_open: Callback<(usize, usize)>,
    on_toggle_head: Callback<(usize, usize)>,
    on_highlight: Callback<Option<usize>>,
}

/// The Transformer's views of one result: the model view, and the one-head heatmap, head
/// view and rollout built as figures (the same ones the element and the CLI draw).
#[component]
fn TransformerViews(props: &TransformerViewsProps) -> Html {
    let Some(maps) = props.shown.maps() else {
        return html! {};
    };
    let selection = Selection {
        layer: props.head.0,
        head: props.head.1,
        heads_off: props.heads_off.clone(),
    }
    // A head asked for by the URL or by another model in compare mode may not exist here:
    // `clamped` brings it inside this model's layers and heads.
    .clamped(&maps);
    let head = (selection.layer, selection.head);
    // Rebuilt only for a new result or a new selection; a hover (highlight) re-renders the
    // view without building the figures again.
    let figures = use_memo(
        (props.shown.clone(), selection.clone()),
        |(shown, selection)| {
            let trace = &shown.computed.trace;
            let build = |view| Figure::build(trace, view, selection).ok().map(Rc::new);
            (build(ViewKind::Heatmap), build(ViewKind::Head))
        },
    );
    // The rollout (a product over the layers, 0.5 ms a keystroke at T = 128) is computed only
    // while its plot is on screen: off screen it keeps the result and heads it last showed,
    // marked stale, and catches up when scrolled in.
    let rollout_ref = use_node_ref();
    let (rollout_input, rollout_stale) = crate::hooks::screen::use_frozen_off_screen(
        rollout_ref.clone(),
        (props.shown.clone(), selection.clone()),
    );
    let rolled = use_memo(rollout_input, |(shown, selection)| {
        let trace = &shown.computed.trace;
        Figure::build(trace, ViewKind::Rollout, selection)
            .ok()
            .map(Rc::new)
    });
    let name = props.info.name;
    // `Figure::build` fails only for another architecture or a head the model lacks (the
    // selection is clamped above); then the panel shows nothing rather than half its views.
    let (Some(one_head), Some(lines)) = (*figures).clone() else {
        return html! {};
    };
    // The table reads the same matrix the one-head heatmap draws (an `Arc`, not a copy).
    let head_map = one_head.heatmap().map(|h| h.matrix.clone());
    let head_name = figure::head_name(head.0, head.1);
    let prefix = Some(AttrValue::from(name));
    html! {
        <div class="transformer-views">
            <h3>{ "Model view" }</h3>
            <HeadGrid id={format!("{name}-grid")} attention={maps.clone()} heads_off={props.heads_off.clone()}
                open={head} on_open={props.on_open.clone()} on_toggle={props.on_toggle_head.clone()} />
            <div class="plots">
                <FigurePlot id={format!("{name}-head")} figure={one_head} export_prefix={prefix.clone()}
                    highlight={props.highlight} on_highlight={props.on_highlight.clone()} zoomable=true />
                <FigurePlot id={format!("{name}-lines")} figure={lines}
                    highlight={props.highlight} on_highlight={props.on_highlight.clone()} />
                <div ref={rollout_ref} data-stale={rollout_stale.then_some("true")} aria-busy={rollout_stale.then_some("true")}>
                    if let Some(rolled) = (*rolled).clone() {
                        <FigurePlot id={format!("{name}-rollout")} figure={rolled} export_prefix={prefix}
                            highlight={props.highlight} on_highlight={props.on_highlight.clone()} zoomable=true />
                    }
                </div>
            </div>
            if let Some(map) = head_map {
                <HeadTable tokens={props.shown.tokens.clone()} {map} head_name={head_name} />
            }
            <p><a class="steps-link" href={steps_href(name, &props.shown.text, head, props.highlight.unwrap_or(0))}>
                { format!("How was this computed? Step through layer {} head {}", head.0 + 1, head.1 + 1) }</a></p>
        </div>
    }
}

/// The step-through of one head for `text`, from `query`.
///
/// The text is cut to 2000 characters, as every URL the app writes. Masks and heads off
/// are not carried: the step-through starts from the plain sentence.
pub fn steps_href(model: &str, text: &str, (layer, head): (usize, usize), query: usize) -> String {
    let query = vec![
        ("model".to_owned(), model.to_owned()),
        ("text".to_owned(), text.chars().take(2000).collect()),
        ("layer".to_owned(), layer.to_string()),
        ("head".to_owned(), head.to_string()),
        ("query".to_owned(), query.to_string()),
    ];
    crate::route::Location {
        route: crate::route::Route::Steps,
        query,
    }
    .to_hash()
}

/// Props of [`HeadTable`].
#[derive(Properties, PartialEq)]
struct HeadTableProps {
    /// The tokens, labelling each row and its top keys.
    tokens: Rc<Vec<String>>,
    /// The opened head's weights, (queries × keys).
    map: Arc<Matrix>,
    /// The head's name in the summary ("layer 1 head 2").
    head_name: String,
}

/// The data-table alternative: for each query token, the three keys the opened head weighs
/// most. Its rows are built only while it is open (a closed table of 128 rows cost 1.4 ms a
/// keystroke).
#[component]
fn HeadTable(props: &HeadTableProps) -> Html {
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |event: Event| {
            // `toggle` fires after the `<details>` opened or closed, so its `open` attribute is the
            // new state.
            if let Some(details) = event.target_dyn_into::<web_sys::Element>() {
                open.set(details.has_attribute("open"));
            }
        })
    };
    let rows = if *open {
        // The map and the tokens come from the same result and agree; the `min` only keeps a
        // mismatch from indexing past the tokens.
        props.map.rows().min(props.tokens.len())
    } else {
        0
    };
    html! {
        <details class="head-table" {ontoggle}>
            <summary>{ format!("Table: what {} attends to, token by token", props.head_name) }</summary>
            <table>
                <thead><tr><th scope="col">{ "query token" }</th><th scope="col">{ "top attended tokens (weight)" }</th></tr></thead>
                <tbody>
                    { for (0..rows).map(|i| {
                        let row = props.map.row(i);
                        let top = top_positions(row, 3)
                            .into_iter()
                            .map(|j| format!("{} ({:.2})", props.tokens.get(j).map_or("?", |s| s.as_str()), row[j]))
                            .collect::<Vec<_>>()
                            .join(", ");
                        html! { <tr><th scope="row">{ format!("{i}: {}", props.tokens[i]) }</th><td>{ top }</td></tr> }
                    }) }
                </tbody>
            </table>
        </details>
    }
}
