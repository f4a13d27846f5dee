//! Draws a [`Figure`] (what a view of a trace shows, decided once in `attnscope-plot`) with
//! the page's interactive widgets: a heatmap figure becomes a [`HeatmapPlot`], the head view
//! a [`HeadLines`], the model view a [`HeadGrid`], the pooling a [`PoolingView`]. The page,
//! the `<attn-scope>` element and the CLI all start from the same figure.

use crate::components::head_grid::HeadGrid;
use crate::components::head_lines::HeadLines;
use crate::components::heatmap_plot::HeatmapPlot;
use crate::components::pooling_view::PoolingView;
use crate::components::probability_bars::ProbabilityBars;
use attnscope_plot::figure::{Figure, FigureBody};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`FigurePlot`].
#[derive(Properties, PartialEq)]
pub struct FigurePlotProps {
    /// The canvas's id (an id prefix for the model view).
    pub id: AttrValue,
    /// The figure.
    pub figure: Rc<Figure>,
    /// Put before the figure's file stem in export names (the model's name), if anything.
    #[prop_or_default]
    pub export_prefix: Option<AttrValue>,
    /// The token outlined (rows and columns of a token heatmap, lines of the head view).
    #[prop_or_default]
    pub highlight: Option<usize>,
    /// A heatmap's row and column outlined apart, in place of `highlight` (the alignment's
    /// rows are generated tokens and its columns source tokens).
    #[prop_or_default]
    pub highlight_cell: Option<(Option<usize>, Option<usize>)>,
    /// Called with the token under the pointer or focus.
    #[prop_or_default]
    pub on_highlight: Callback<Option<usize>>,
    /// Called with the head opened in the model view.
    #[prop_or_default]
    pub on_open: Callback<(usize, usize)>,
    /// Called with the head switched off or on in the model view.
    #[prop_or_default]
    pub on_toggle: Callback<(usize, usize)>,
    /// Whether a heatmap offers zoom buttons.
    #[prop_or_default]
    pub zoomable: bool,
    /// Whether a heatmap offers a CSV export.
    #[prop_or_default]
    pub csv: bool,
}

/// One figure, drawn interactively.
#[component]
pub fn FigurePlot(props: &FigurePlotProps) -> Html {
    let figure = &props.figure;
    let id = props.id.clone();
    match &figure.body {
        FigureBody::Heatmap(h) => {
            let export_name = match &props.export_prefix {
                Some(prefix) => format!("{prefix}-{}", figure.file_stem),
                None => figure.file_stem.clone(),
            };
            // A token map picks a token by its row; a numbered one has no token to pick.
            let tokens = h.labels.is_some();
            let on_pick = tokens.then(|| {
                let on_highlight = props.on_highlight.clone();
                Callback::from(move |(row, _): (usize, usize)| on_highlight.emit(Some(row)))
            });
            // A numbered map's rows are no tokens, so a token highlight outlines nothing there; a
            // token map outlines one index as row and column, unless `highlight_cell` parts them.
            let highlight = props.highlight.filter(|_| tokens);
            let (highlight_row, highlight_col) =
                props.highlight_cell.unwrap_or((highlight, highlight));
            html! {
                <HeatmapPlot {id} caption={figure.caption.clone()} matrix={h.matrix.clone()}
                    range={h.range} x_label={h.x_label} y_label={h.y_label} row_name={h.row_name}
                    col_name={h.col_name} css_height={figure.css_height()} {export_name}
                    labels={h.labels.clone()} {highlight_row} {highlight_col}
                    {on_pick} zoomable={props.zoomable} csv={props.csv} mask={h.mask} />
            }
        }
        FigureBody::HeadLines {
            attention,
            layer,
            tokens,
        } => html! {
            <HeadLines {id} attention={attention.clone()} layer={*layer} tokens={tokens.clone()}
                highlight={props.highlight} on_highlight={props.on_highlight.clone()} />
        },
        FigureBody::HeadGrid {
            attention,
            heads_off,
            open,
        } => html! {
            <HeadGrid {id} attention={attention.clone()} heads_off={heads_off.clone()} open={*open}
                on_open={props.on_open.clone()} on_toggle={props.on_toggle.clone()} />
        },
        FigureBody::NextToken {
            tokens,
            probabilities,
            ..
        } => html! {
            <div {id} class="next-token-figure">
                <ProbabilityBars labels={tokens.clone()} probabilities={probabilities.clone()}
                    label={figure.caption.clone()} />
            </div>
        },
        // PoolingView takes its own copies: it keeps the last ones it showed while off screen.
        FigureBody::Pooling { tokens, weights } => html! {
            <PoolingView tokens={(**tokens).clone()} weights={weights.clone()}
                highlight={props.highlight} on_highlight={props.on_highlight.clone()} />
        },
    }
}
