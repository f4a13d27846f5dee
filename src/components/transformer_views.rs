//! A Transformer's views of one live result, shared by every page that runs one (the live
//! attention page's panels, the decoder's page): the model view (every head's map, heads
//! switched off and opened there), the one-head heatmap, the head view and the rollout —
//! each built as a `Figure` (`attnscope_plot::figure`), the same the `<attn-scope>` element
//! and the CLI draw — and a data table of what the opened head attends to.

use crate::components::figure_plot::FigurePlot;
use crate::components::head_grid::HeadGrid;
use crate::components::pooling_view::top_positions;
use crate::engine::catalog::ModelInfo;
use crate::engine::live::Shown;
use attnscope_core::Matrix;
use attnscope_plot::figure::{self, Figure, Selection, ViewKind};
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// Props of [`TransformerViews`].
#[derive(Properties, PartialEq)]
pub struct TransformerViewsProps {
    /// The model (its name prefixes ids and export names).
    pub info: &'static ModelInfo,
    /// The result to draw; nothing is drawn unless it holds self-attention maps.
    pub shown: Rc<Shown>,
    /// Heads switched off, from the page's settings (the model view's buttons answer at once).
    pub heads_off: Vec<(usize, usize)>,
    /// The (layer, head) opened in the one-head heatmap and the head view.
    pub head: (usize, usize),
    /// The token under the pointer or focus, outlined in every view.
    pub highlight: Option<usize>,
    /// Opens a head (a click in the model view).
    pub on_open: Callback<(usize, usize)>,
    /// Switches a head off or on.
    pub on_toggle_head: Callback<(usize, usize)>,
    /// Reports the token under the pointer or focus.
    pub on_highlight: Callback<Option<usize>>,
    /// Whether to link the step-through (`#/steps` teaches the shipped classifiers).
    #[prop_or(true)]
    pub steps_link: bool,
}

/// The Transformer's views of one result: the model view, and the one-head heatmap, head
/// view and rollout built as figures (the same ones the element and the CLI draw).
#[component]
pub fn TransformerViews(props: &TransformerViewsProps) -> Html {
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
            if props.steps_link {
                <p><a class="steps-link" href={steps_href(name, &props.shown.text, head, props.highlight.unwrap_or(0))}>
                    { format!("How was this computed? Step through layer {} head {}", head.0 + 1, head.1 + 1) }</a></p>
            }
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
