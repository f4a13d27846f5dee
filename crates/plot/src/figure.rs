//! What a view of a trace shows, decided once for every surface: the app's panels, the
//! `<attn-scope>` element and `#/embed`, the element's `attnscope-result` detail and the
//! command line's figures all build a [`Figure`] here and only draw it their own way, so a
//! figure printed by the CLI and the same view on a page cannot drift apart.
//!
//! ```text
//! Trace ──Figure::build(view, Selection)──▶ Figure ──▶ canvas (app) | SVG/PNG (CLI)
//!                                              └──▶ FigureFrame + maps() (events, JSON)
//! ```
//!
//! A [`Figure`] holds the matrix (or the maps) a view draws, its row and column labels, the
//! axis captions, the value range, the caption and the export file's stem. The list of view
//! kinds lives here once ([`VIEWS`]).

use crate::cells::draw_cells;
use crate::grid::draw_head_grid;
use crate::head_lines::{draw_head_lines, view_height};
use crate::heatmap::{draw_heatmap_frame, AxisLabels, HeatmapSpec};
use crate::mask::{draw_mask_hatch, CellMask};
use crate::pooling::{draw_bars, draw_pooling, figure_height};
use crate::{PlotResult, PlotStyle};
use attnscope_core::positional_encoding::{positional_encoding, PeParams};
use attnscope_core::rollout::rollout;
use attnscope_core::trace::{Attention, Candidate, Output, SelfAttention, Trace};
use attnscope_core::Matrix;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

/// One view of a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewKind {
    /// One head's map with token labels (Transformer).
    Heatmap,
    /// BertViz-style lines between tokens for one layer's heads (Transformer).
    Head,
    /// The layer × head grid of every map (Transformer).
    Model,
    /// Attention rollout across layers (Transformer).
    Rollout,
    /// The BiLSTM's attention pooling over the tokens.
    Pooling,
    /// The translator's cross-attention alignment.
    Alignment,
    /// The sinusoidal positional-encoding matrix (no model runs).
    Pe,
    /// A decoder's most probable next tokens after the text, with their probabilities.
    NextToken,
}

/// Every view, in the order the docs list them.
pub const VIEWS: [ViewKind; 8] = [
    ViewKind::Heatmap,
    ViewKind::Head,
    ViewKind::Model,
    ViewKind::Rollout,
    ViewKind::Pooling,
    ViewKind::Alignment,
    ViewKind::Pe,
    ViewKind::NextToken,
];

/// What a view needs the model to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// A Transformer's self-attention maps.
    Transformer,
    /// A BiLSTM's pooling weights.
    BiLstm,
    /// A translator's cross-attention.
    Translator,
    /// No model at all.
    Nothing,
    /// A decoder's next-token distribution.
    Decoder,
}

impl ViewKind {
    /// The name used by `view=`, `--view` and the result's `view` field.
    pub fn name(self) -> &'static str {
        match self {
            ViewKind::Heatmap => "heatmap",
            ViewKind::Head => "head",
            ViewKind::Model => "model",
            ViewKind::Rollout => "rollout",
            ViewKind::Pooling => "pooling",
            ViewKind::Alignment => "alignment",
            ViewKind::Pe => "pe",
            ViewKind::NextToken => "next-token",
        }
    }

    /// The view named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        VIEWS.into_iter().find(|v| v.name() == name)
    }

    /// Every view's name, comma-separated (for messages).
    pub fn names() -> String {
        VIEWS.map(ViewKind::name).join(", ")
    }

    /// What the view needs the model to be.
    pub fn needs(self) -> Needs {
        match self {
            ViewKind::Heatmap | ViewKind::Head | ViewKind::Model | ViewKind::Rollout => {
                Needs::Transformer
            }
            ViewKind::Pooling => Needs::BiLstm,
            ViewKind::Alignment => Needs::Translator,
            ViewKind::Pe => Needs::Nothing,
            ViewKind::NextToken => Needs::Decoder,
        }
    }
}

/// How many of a decoder's next-token candidates the next-token view shows.
pub const NEXT_TOKEN_BARS: usize = 10;

/// Positions and dimensions of the positional-encoding view.
pub const PE_SIZE: (usize, usize) = (64, 128);

/// The head `(layer, head)` brought inside `maps`' layers and heads (a head asked for by the
/// URL, or by another model, may not exist in this one).
pub fn clamp_head((layer, head): (usize, usize), maps: &SelfAttention) -> (usize, usize) {
    (
        layer.min(maps.layers.saturating_sub(1)),
        head.min(maps.heads.saturating_sub(1)),
    )
}

/// What the reader picked: the layer and head drawn, and the heads switched off (they are
/// left out of the rollout and marked in the model view).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Selection {
    /// The layer of the one-head heatmap and of the head view (from 0).
    pub layer: usize,
    /// The head of the one-head heatmap (from 0).
    pub head: usize,
    /// Heads switched off, as (layer, head).
    pub heads_off: Vec<(usize, usize)>,
}

impl Selection {
    /// The same selection with its layer and head kept inside `maps` (a surface that must
    /// always draw something clamps; the CLI refuses instead).
    pub fn clamped(&self, maps: &SelfAttention) -> Self {
        let (layer, head) = clamp_head((self.layer, self.head), maps);
        Self {
            layer,
            head,
            heads_off: self.heads_off.clone(),
        }
    }

    /// Whether (`layer`, `head`) is switched off.
    pub fn is_off(&self, layer: usize, head: usize) -> bool {
        self.heads_off.contains(&(layer, head))
    }
}

/// Why a view cannot be drawn from a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureError {
    /// The view needs another kind of model.
    WrongModel {
        /// The view asked for.
        view: ViewKind,
        /// The architecture that ran.
        architecture: String,
    },
    /// The selection names a head the model does not have.
    NoSuchHead {
        /// The layer asked for.
        layer: usize,
        /// The head asked for.
        head: usize,
        /// The model's layers.
        layers: usize,
        /// The model's heads per layer.
        heads: usize,
    },
}

impl fmt::Display for FigureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FigureError::WrongModel { view, architecture } => {
                let needs = match view.needs() {
                    Needs::Transformer => "a Transformer",
                    Needs::BiLstm => "a BiLSTM",
                    Needs::Translator => "the translator",
                    Needs::Nothing => "no model",
                    Needs::Decoder => "a decoder",
                };
                write!(
                    f,
                    "the {} view needs {needs}; this model is a {architecture}",
                    view.name()
                )
            }
            FigureError::NoSuchHead {
                layer,
                head,
                layers,
                heads,
            } => write!(
                f,
                "there is no layer {layer} head {head}: the model has {layers} layers and {heads} heads (from 0)"
            ),
        }
    }
}

impl std::error::Error for FigureError {}

/// A heatmap figure: one matrix with its labels and captions.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapFigure {
    /// The matrix's name in a result ("layer 1 head 2", "rollout", "alignment").
    pub name: String,
    /// The values (row r drawn r cells from the top).
    pub matrix: Arc<Matrix>,
    /// Names of the rows and columns (tokens), if the axes are named.
    pub labels: Option<Rc<AxisLabels>>,
    /// Caption of the column axis.
    pub x_label: &'static str,
    /// Caption of the row axis.
    pub y_label: &'static str,
    /// How a row index is named in a readout ("query").
    pub row_name: &'static str,
    /// How a column index is named in a readout ("key").
    pub col_name: &'static str,
    /// The values at the two ends of the colour scale.
    pub range: (f32, f32),
    /// The cells a mask hides (the look-ahead mask of a decoder's maps and rollout).
    pub mask: CellMask,
}

/// What one view of one trace shows, ready for any surface to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The view it is.
    pub view: ViewKind,
    /// The figure's caption ("Layer 1 head 2", "Attention rollout across layers …").
    pub caption: String,
    /// The export file's name without extension or model prefix ("l1h2", "rollout").
    pub file_stem: String,
    /// What is drawn.
    pub body: FigureBody,
}

/// The drawn part of a [`Figure`].
#[derive(Debug, Clone, PartialEq)]
pub enum FigureBody {
    /// A matrix heatmap (one head, rollout, alignment, positional encoding).
    Heatmap(HeatmapFigure),
    /// The head view of one layer: lines between the tokens for every head.
    HeadLines {
        /// Every map (the layer's are drawn).
        attention: Arc<SelfAttention>,
        /// The layer drawn.
        layer: usize,
        /// The token names.
        tokens: Rc<Vec<String>>,
    },
    /// The model view: a thumbnail of every map.
    HeadGrid {
        /// Every map.
        attention: Arc<SelfAttention>,
        /// Heads switched off (marked).
        heads_off: Vec<(usize, usize)>,
        /// The head opened in the one-head heatmap.
        open: (usize, usize),
    },
    /// A decoder's most probable next tokens, best first.
    NextToken {
        /// The position whose continuation they are (0-based; the start token is 0).
        position: usize,
        /// The candidates' tokens as the vocabulary writes them.
        tokens: Vec<String>,
        /// Their probabilities under the full softmax.
        probabilities: Vec<f32>,
    },
    /// The BiLSTM's pooling weight of each token.
    Pooling {
        /// The token names.
        tokens: Rc<Vec<String>>,
        /// One weight per token.
        weights: Vec<f32>,
    },
}

/// The named matrices a figure shows, row-major: what the element's result event carries
/// and what the CLI's JSON prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownMap {
    /// What it is: `layer 1 head 2`, `rollout`, `pooling`, `alignment`, `positional encoding`.
    pub name: String,
    /// Rows (queries, generated tokens, 1 for pooling).
    pub rows: usize,
    /// Columns (keys, source tokens).
    pub cols: usize,
    /// `rows × cols` values.
    pub values: Vec<f32>,
}

impl ShownMap {
    /// A matrix under a name.
    pub fn of(name: impl Into<String>, matrix: &Matrix) -> Self {
        Self {
            name: name.into(),
            rows: matrix.rows(),
            cols: matrix.cols(),
            values: matrix.as_slice().to_vec(),
        }
    }
}

/// A figure's words, as plain data: caption, axis captions and the row and column labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FigureFrame {
    /// The view's name.
    pub view: &'static str,
    /// The caption.
    pub caption: String,
    /// Caption of the column axis (empty where the view has none).
    pub x_label: &'static str,
    /// Caption of the row axis (empty where the view has none).
    pub y_label: &'static str,
    /// Row labels (empty where rows are numbered).
    pub row_labels: Vec<String>,
    /// Column labels (empty where columns are numbered).
    pub col_labels: Vec<String>,
}

/// "layer 1 head 2": how a head is named to a reader (numbered from 1).
pub fn head_name(layer: usize, head: usize) -> String {
    format!("layer {} head {}", layer + 1, head + 1)
}

/// One head's map as a matrix.
pub fn head_map(maps: &SelfAttention, layer: usize, head: usize) -> Matrix {
    Matrix::from_vec(maps.len, maps.len, maps.map(layer, head).to_vec())
        .unwrap_or_else(|| Matrix::zeros(0, 0))
}

/// The height of a Transformer map's heatmap in CSS pixels: it grows with T within bounds.
fn map_height(t: usize) -> f64 {
    (220.0 + t as f64 * 6.0).clamp(320.0, 640.0)
}

/// The height of the alignment's heatmap in CSS pixels: it grows with the generated tokens.
fn alignment_height(steps: usize) -> f64 {
    (200.0 + steps.max(1) as f64 * 22.0).clamp(300.0, 720.0)
}

impl Figure {
    /// The figure of `view` for `trace`, at `selection`. The positional-encoding view reads
    /// nothing from the trace.
    pub fn build(
        trace: &Trace,
        view: ViewKind,
        selection: &Selection,
    ) -> Result<Figure, FigureError> {
        let wrong = || FigureError::WrongModel {
            view,
            architecture: trace.architecture.clone(),
        };
        let tokens = || Rc::new(trace.tokens.iter().map(|t| t.text.clone()).collect());
        match (view.needs(), &trace.attention) {
            (Needs::Nothing, _) => Ok(Self::positional_encoding()),
            (Needs::Transformer, Attention::SelfAttention(maps)) => {
                Self::of_maps(maps, tokens(), view, selection)
            }
            (Needs::BiLstm, Attention::Pooling { weights }) => Ok(Figure {
                view,
                caption: "Attention pooling: the weight of each token in the sentence's summary"
                    .to_owned(),
                file_stem: "pooling".to_owned(),
                body: FigureBody::Pooling {
                    tokens: tokens(),
                    weights: weights.clone(),
                },
            }),
            (Needs::Decoder, _) => match &trace.output {
                Output::NextToken {
                    position,
                    candidates,
                } => Ok(Self::next_token(*position, candidates)),
                _ => Err(wrong()),
            },
            (Needs::Translator, Attention::Cross { weights }) => {
                let Output::Translation { tokens: target, .. } = &trace.output else {
                    return Err(wrong());
                };
                Ok(Self::alignment(weights.clone(), target.clone(), tokens()))
            }
            _ => Err(wrong()),
        }
    }

    /// The figure of a Transformer view over its maps.
    fn of_maps(
        maps: &Arc<SelfAttention>,
        tokens: Rc<Vec<String>>,
        view: ViewKind,
        selection: &Selection,
    ) -> Result<Figure, FigureError> {
        let (layer, head) = (selection.layer, selection.head);
        if layer >= maps.layers || head >= maps.heads {
            return Err(FigureError::NoSuchHead {
                layer,
                head,
                layers: maps.layers,
                heads: maps.heads,
            });
        }
        let labels = || {
            Some(Rc::new(AxisLabels {
                rows: (*tokens).clone(),
                cols: (*tokens).clone(),
            }))
        };
        // A decoder's maps: the cells after each query are the look-ahead mask, not weights.
        let mask = CellMask::of(maps.causal);
        let masked = if maps.causal {
            " · grey: the look-ahead mask (a token sees only itself and earlier tokens)"
        } else {
            ""
        };
        let (caption, file_stem, body) = match view {
            ViewKind::Heatmap => (
                format!(
                    "One head · {}{}{masked}",
                    head_name(layer, head),
                    if selection.is_off(layer, head) {
                        " (switched off)"
                    } else {
                        ""
                    }
                ),
                format!("l{}h{}", layer + 1, head + 1),
                FigureBody::Heatmap(HeatmapFigure {
                    name: head_name(layer, head),
                    matrix: Arc::new(head_map(maps, layer, head)),
                    labels: labels(),
                    x_label: "key (attended to)",
                    y_label: "query",
                    row_name: "query",
                    col_name: "key",
                    range: (0.0, 1.0),
                    mask,
                }),
            ),
            ViewKind::Rollout => (
                format!("Attention rollout across layers (Abnar & Zuidema 2020){masked}"),
                "rollout".to_owned(),
                FigureBody::Heatmap(HeatmapFigure {
                    name: "rollout".to_owned(),
                    matrix: Arc::new(rollout(maps, |l, h| selection.is_off(l, h))),
                    labels: labels(),
                    x_label: "input token",
                    y_label: "position",
                    row_name: "position",
                    col_name: "token",
                    range: (0.0, 1.0),
                    mask,
                }),
            ),
            ViewKind::Head => (
                format!("Head view · layer {}, every head", layer + 1),
                format!("l{}-heads", layer + 1),
                FigureBody::HeadLines {
                    attention: maps.clone(),
                    layer,
                    tokens,
                },
            ),
            _ => (
                format!("Model view: {} layers × {} heads", maps.layers, maps.heads),
                "model".to_owned(),
                FigureBody::HeadGrid {
                    attention: maps.clone(),
                    heads_off: selection.heads_off.clone(),
                    open: (layer, head),
                },
            ),
        };
        Ok(Figure {
            view,
            caption,
            file_stem,
            body,
        })
    }

    /// The next-token view: the [`NEXT_TOKEN_BARS`] most probable of `candidates`.
    pub fn next_token(position: usize, candidates: &[Candidate]) -> Self {
        let shown = &candidates[..candidates.len().min(NEXT_TOKEN_BARS)];
        Figure {
            view: ViewKind::NextToken,
            caption: format!(
                "Next token after position {position}: the {} most probable",
                shown.len()
            ),
            file_stem: "next-token".to_owned(),
            body: FigureBody::NextToken {
                position,
                tokens: shown.iter().map(|c| c.token.clone()).collect(),
                probabilities: shown.iter().map(|c| c.probability).collect(),
            },
        }
    }

    /// The translator's cross-attention: generated tokens × source tokens.
    pub fn alignment(weights: Arc<Matrix>, target: Vec<String>, source: Rc<Vec<String>>) -> Self {
        Figure {
            view: ViewKind::Alignment,
            caption: "Cross-attention: generated Spanish token × English source token".to_owned(),
            file_stem: "alignment".to_owned(),
            body: FigureBody::Heatmap(HeatmapFigure {
                name: "alignment".to_owned(),
                matrix: weights,
                labels: Some(Rc::new(AxisLabels {
                    rows: target,
                    cols: (*source).clone(),
                })),
                x_label: "English (source)",
                y_label: "Spanish (generated)",
                row_name: "step",
                col_name: "source",
                range: (0.0, 1.0),
                mask: CellMask::None,
            }),
        }
    }

    /// The positional-encoding view: [`PE_SIZE`] with base 10,000.
    pub fn positional_encoding() -> Self {
        let (n, d) = PE_SIZE;
        let params = PeParams::new(n, d, 10_000.0).expect("PE_SIZE is a valid encoding");
        Figure {
            view: ViewKind::Pe,
            caption: format!("Sinusoidal positional encoding: {n} positions × {d} dimensions"),
            file_stem: "positional-encoding".to_owned(),
            body: FigureBody::Heatmap(HeatmapFigure {
                name: "positional encoding".to_owned(),
                matrix: Arc::new(positional_encoding(&params).into_matrix()),
                labels: None,
                x_label: "dimension",
                y_label: "position",
                row_name: "pos",
                col_name: "dim",
                range: (-1.0, 1.0),
                mask: CellMask::None,
            }),
        }
    }

    /// The heatmap, if the figure is one.
    pub fn heatmap(&self) -> Option<&HeatmapFigure> {
        match &self.body {
            FigureBody::Heatmap(heatmap) => Some(heatmap),
            _ => None,
        }
    }

    /// The figure's words: caption, axis captions, row and column labels.
    pub fn frame(&self) -> FigureFrame {
        let (x_label, y_label, rows, cols) = match &self.body {
            FigureBody::Heatmap(h) => {
                let labels = h.labels.as_deref().cloned().unwrap_or_default();
                (h.x_label, h.y_label, labels.rows, labels.cols)
            }
            FigureBody::HeadLines { tokens, .. } => {
                ("", "", (**tokens).clone(), (**tokens).clone())
            }
            FigureBody::HeadGrid { attention, .. } => (
                "head",
                "layer",
                (1..=attention.layers)
                    .map(|l| format!("layer {l}"))
                    .collect(),
                (1..=attention.heads).map(|h| format!("head {h}")).collect(),
            ),
            FigureBody::NextToken { tokens, .. } => (
                "next token",
                "",
                vec!["probability".to_owned()],
                tokens.clone(),
            ),
            FigureBody::Pooling { tokens, .. } => (
                "token",
                "",
                vec!["pooling weight".to_owned()],
                (**tokens).clone(),
            ),
        };
        FigureFrame {
            view: self.view.name(),
            caption: self.caption.clone(),
            x_label,
            y_label,
            row_labels: rows,
            col_labels: cols,
        }
    }

    /// The matrices the figure shows, named: one for a heatmap, the layer's heads for the
    /// head view, every map for the model view, one row of weights for the pooling.
    pub fn maps(&self) -> Vec<ShownMap> {
        let one = |maps: &SelfAttention, l: usize, h: usize| {
            ShownMap::of(head_name(l, h), &head_map(maps, l, h))
        };
        match &self.body {
            FigureBody::Heatmap(h) => vec![ShownMap::of(h.name.clone(), &h.matrix)],
            FigureBody::HeadLines {
                attention, layer, ..
            } => (0..attention.heads)
                .map(|h| one(attention, *layer, h))
                .collect(),
            FigureBody::HeadGrid { attention, .. } => (0..attention.layers)
                .flat_map(|l| (0..attention.heads).map(move |h| (l, h)))
                .map(|(l, h)| one(attention, l, h))
                .collect(),
            FigureBody::NextToken { probabilities, .. } => vec![ShownMap {
                name: "next token".into(),
                rows: 1,
                cols: probabilities.len(),
                values: probabilities.clone(),
            }],
            FigureBody::Pooling { weights, .. } => vec![ShownMap {
                name: "pooling".into(),
                rows: 1,
                cols: weights.len(),
                values: weights.clone(),
            }],
        }
    }

    /// The figure's height in CSS pixels, as the app draws it (a static figure uses it too).
    pub fn css_height(&self) -> f64 {
        match &self.body {
            FigureBody::Heatmap(h) => match self.view {
                ViewKind::Alignment => alignment_height(h.matrix.rows()),
                ViewKind::Pe => 360.0,
                _ => map_height(h.matrix.rows()),
            },
            FigureBody::HeadLines { attention, .. } => view_height(attention.len),
            FigureBody::HeadGrid { attention, .. } => 180.0 * attention.layers as f64,
            FigureBody::NextToken { tokens, .. } => figure_height(tokens.len()),
            FigureBody::Pooling { tokens, .. } => figure_height(tokens.len()),
        }
    }

    /// The size of a static figure (SVG, PNG) in CSS pixels.
    pub fn css_size(&self) -> (u32, u32) {
        let width = match &self.body {
            FigureBody::Heatmap(_) => 760,
            FigureBody::HeadLines { .. } => 560,
            FigureBody::HeadGrid { attention, .. } => 170 * attention.heads as u32,
            FigureBody::NextToken { .. } | FigureBody::Pooling { .. } => 640,
        };
        (width, self.css_height().round() as u32)
    }

    /// Draws the whole figure on any plotters backend (a static figure: cells as rectangles).
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: &PlotStyle,
    ) -> PlotResult<()> {
        match &self.body {
            FigureBody::Heatmap(h) => {
                let spec = HeatmapSpec {
                    matrix: &h.matrix,
                    range: h.range,
                    x_label: h.x_label,
                    y_label: h.y_label,
                    labels: h.labels.as_deref(),
                    mask: h.mask,
                };
                let rect = draw_heatmap_frame(root, &spec, style)?;
                draw_cells(root, &h.matrix, h.range, rect, h.mask)?;
                let size = (h.matrix.rows(), h.matrix.cols());
                draw_mask_hatch(root, rect, size, h.mask, style)
            }
            FigureBody::HeadLines {
                attention,
                layer,
                tokens,
            } => draw_head_lines(root, attention, *layer, tokens, style),
            FigureBody::HeadGrid {
                attention,
                heads_off,
                ..
            } => draw_head_grid(root, attention, heads_off, style),
            FigureBody::Pooling { tokens, weights } => draw_pooling(root, tokens, weights, style),
            FigureBody::NextToken {
                tokens,
                probabilities,
                ..
            } => draw_bars(root, "Next-token probability", tokens, probabilities, style),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use attnscope_core::tokenizer::Token;

    /// A trace of 2 layers × 2 heads over 3 tokens whose map (l, h) has row i = one-hot at
    /// (i + l + h) mod 3, so every head is told apart by its values.
    fn transformer_trace() -> Trace {
        let (layers, heads, len) = (2, 2, 3);
        let mut weights = vec![0.0; layers * heads * len * len];
        for l in 0..layers {
            for h in 0..heads {
                for i in 0..len {
                    let j = (i + l + h) % len;
                    weights[((l * heads + h) * len + i) * len + j] = 1.0;
                }
            }
        }
        let mut trace = Trace::empty("TransformerClassifier");
        trace.tokens = ["[CLS]", "red", "[SEP]"]
            .iter()
            .map(|t| Token {
                text: (*t).to_owned(),
                id: 0,
                start: 0,
                end: 0,
                special: t.starts_with('['),
            })
            .collect();
        trace.attention = Attention::SelfAttention(Arc::new(SelfAttention {
            layers,
            heads,
            len,
            weights,
            causal: false,
        }));
        trace
    }

    fn at(layer: usize, head: usize) -> Selection {
        Selection {
            layer,
            head,
            heads_off: vec![],
        }
    }

    #[test]
    fn the_one_head_figure_is_that_head_with_token_axes() {
        let figure = Figure::build(&transformer_trace(), ViewKind::Heatmap, &at(1, 0)).unwrap();
        let maps = figure.maps();
        assert_eq!(maps.len(), 1);
        assert_eq!(maps[0].name, "layer 2 head 1");
        // Row 0 of (1, 0) is one-hot at column 1.
        assert_eq!(&maps[0].values[..3], &[0.0, 1.0, 0.0]);
        let frame = figure.frame();
        assert_eq!(frame.row_labels, ["[CLS]", "red", "[SEP]"]);
        assert_eq!(frame.x_label, "key (attended to)");
        assert_eq!(figure.file_stem, "l2h1");
    }

    #[test]
    fn the_head_and_model_views_carry_the_layer_and_every_map() {
        let trace = transformer_trace();
        let head = Figure::build(&trace, ViewKind::Head, &at(1, 1)).unwrap();
        let names: Vec<_> = head.maps().into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["layer 2 head 1", "layer 2 head 2"]);
        let model = Figure::build(&trace, ViewKind::Model, &at(0, 0)).unwrap();
        assert_eq!(model.maps().len(), 4);
        assert_eq!(model.frame().row_labels, ["layer 1", "layer 2"]);
    }

    #[test]
    fn heads_switched_off_leave_the_rollout_and_mark_the_caption() {
        let trace = transformer_trace();
        let all = Figure::build(&trace, ViewKind::Rollout, &at(0, 0)).unwrap();
        let off = Selection {
            heads_off: vec![(0, 0)],
            ..at(0, 0)
        };
        let without = Figure::build(&trace, ViewKind::Rollout, &off).unwrap();
        assert_ne!(all.maps()[0].values, without.maps()[0].values);
        let one = Figure::build(&trace, ViewKind::Heatmap, &off).unwrap();
        assert!(one.caption.ends_with("(switched off)"), "{}", one.caption);
    }

    #[test]
    fn a_view_of_another_model_or_a_missing_head_is_refused_by_name() {
        let trace = transformer_trace();
        let wrong = Figure::build(&trace, ViewKind::Pooling, &at(0, 0)).unwrap_err();
        assert!(wrong.to_string().contains("needs a BiLSTM"), "{wrong}");
        let missing = Figure::build(&trace, ViewKind::Heatmap, &at(2, 0)).unwrap_err();
        assert_eq!(
            missing,
            FigureError::NoSuchHead {
                layer: 2,
                head: 0,
                layers: 2,
                heads: 2
            }
        );
        let Attention::SelfAttention(maps) = &trace.attention else {
            unreachable!("the trace has maps");
        };
        let clamped = at(5, 9).clamped(maps);
        assert_eq!((clamped.layer, clamped.head), (1, 1));
    }

    #[test]
    fn the_positional_encoding_needs_no_model_and_every_view_name_parses_back() {
        let pe = Figure::build(&Trace::empty("none"), ViewKind::Pe, &at(0, 0)).unwrap();
        let map = &pe.maps()[0];
        assert_eq!((map.rows, map.cols), PE_SIZE);
        // PE(0, 2i) = sin 0 = 0 and PE(0, 2i + 1) = cos 0 = 1.
        assert_eq!(&map.values[..4], &[0.0, 1.0, 0.0, 1.0]);
        for view in VIEWS {
            assert_eq!(ViewKind::parse(view.name()), Some(view));
        }
        assert_eq!(ViewKind::parse("heat"), None);
    }
}
