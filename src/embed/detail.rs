//! The `detail` of an embed's `attnscope-result` event (and `element.trace`): what the model
//! said and the maps the view shows, as plain data for the host page's script.

use super::options::{EmbedSpec, ViewKind};
use crate::engine::live::Shown;
use attnscope_core::rollout::rollout;
use attnscope_core::Matrix;
use serde::Serialize;

/// One matrix the view shows, row-major.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownMap {
    /// What it is: `layer 1 head 2`, `rollout`, `pooling`, `alignment`.
    pub name: String,
    /// Rows (queries, generated tokens, 1 for pooling).
    pub rows: usize,
    /// Columns (keys, source tokens).
    pub cols: usize,
    /// `rows × cols` values.
    pub values: Vec<f32>,
}

impl ShownMap {
    fn of(name: String, matrix: &Matrix) -> Self {
        Self {
            name,
            rows: matrix.rows(),
            cols: matrix.cols(),
            values: matrix.as_slice().to_vec(),
        }
    }
}

/// A forward's result as the host page sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultDetail {
    /// The model's name.
    pub model: &'static str,
    /// The view's name.
    pub view: &'static str,
    /// The text the result is for.
    pub text: String,
    /// `gpu` or `cpu`.
    pub engine: &'static str,
    /// The forward's wall time in milliseconds.
    pub forward_ms: f64,
    /// The input's tokens.
    pub tokens: Vec<String>,
    /// Class names (classifiers).
    pub labels: Option<Vec<String>>,
    /// Class probabilities (classifiers).
    pub probabilities: Option<Vec<f32>>,
    /// The translation (translator).
    pub translation: Option<String>,
    /// The generated tokens (translator).
    pub translation_tokens: Option<Vec<String>>,
    /// The maps the view shows.
    pub maps: Vec<ShownMap>,
}

/// The maps `view` draws from `shown`, at the layer and head shown.
pub fn shown_maps(
    view: ViewKind,
    shown: &Shown,
    (layer, head): (usize, usize),
    heads_off: &[(usize, usize)],
) -> Vec<ShownMap> {
    let name = |l: usize, h: usize| format!("layer {} head {}", l + 1, h + 1);
    let one = |maps: &attnscope_core::trace::SelfAttention, l: usize, h: usize| {
        let matrix = Matrix::from_vec(maps.len, maps.len, maps.map(l, h).to_vec())
            .unwrap_or_else(|| Matrix::zeros(0, 0));
        ShownMap::of(name(l, h), &matrix)
    };
    match (view, shown.maps()) {
        (ViewKind::Heatmap, Some(maps)) => vec![one(&maps, layer, head)],
        (ViewKind::Head, Some(maps)) => (0..maps.heads).map(|h| one(&maps, layer, h)).collect(),
        (ViewKind::Model, Some(maps)) => (0..maps.layers)
            .flat_map(|l| (0..maps.heads).map(move |h| (l, h)))
            .map(|(l, h)| one(&maps, l, h))
            .collect(),
        (ViewKind::Rollout, Some(maps)) => {
            let rolled = rollout(&maps, |l, h| heads_off.contains(&(l, h)));
            vec![ShownMap::of("rollout".into(), &rolled)]
        }
        _ => match &shown.computed.trace.attention {
            attnscope_core::trace::Attention::Pooling { weights } => vec![ShownMap {
                name: "pooling".into(),
                rows: 1,
                cols: weights.len(),
                values: weights.clone(),
            }],
            attnscope_core::trace::Attention::Cross { weights } => {
                vec![ShownMap::of("alignment".into(), weights)]
            }
            _ => Vec::new(),
        },
    }
}

impl ResultDetail {
    /// The detail of `shown` as `spec`'s view draws it.
    pub fn new(
        spec: &EmbedSpec,
        shown: &Shown,
        at: (usize, usize),
        heads_off: &[(usize, usize)],
    ) -> Self {
        let classification = shown.classification();
        let translation = shown.translation();
        Self {
            model: spec.model.name,
            view: spec.view.name(),
            text: shown.text.clone(),
            engine: shown.computed.engine.name(),
            forward_ms: shown.computed.forward_ms,
            tokens: (*shown.tokens).clone(),
            labels: classification.map(|c| c.labels.clone()),
            probabilities: classification.map(|c| c.probabilities.clone()),
            translation: translation.map(|(_, _, text)| text.to_owned()),
            translation_tokens: translation.map(|(_, tokens, _)| tokens.to_vec()),
            maps: shown_maps(spec.view, shown, at, heads_off),
        }
    }
}

impl ResultDetail {
    /// The detail of the positional-encoding view (no model runs).
    pub fn positional_encoding(text: &str, pe: &Matrix) -> Self {
        Self {
            model: "",
            view: ViewKind::Pe.name(),
            text: text.to_owned(),
            engine: "cpu",
            forward_ms: 0.0,
            tokens: Vec::new(),
            labels: None,
            probabilities: None,
            translation: None,
            translation_tokens: None,
            maps: vec![ShownMap::of("positional encoding".into(), pe)],
        }
    }
}
