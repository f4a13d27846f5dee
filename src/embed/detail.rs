//! The `detail` of an embed's `attnscope-result` event (and `element.trace`): what the model
//! said, the figure the view draws (its words and maps, from the same [`Figure`] the page
//! draws and the CLI prints) and the options the result was computed from, as plain data for
//! the host page's script.

use super::options::EmbedSpec;
use crate::engine::live::Shown;
use attnscope_core::tokenizer::UnknownWords;
use attnscope_core::trace::Candidate;
use attnscope_plot::figure::{Figure, FigureFrame, Selection, ShownMap};
use serde::Serialize;

/// A forward's result as the host page sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultDetail {
    /// attnscope's version.
    pub version: &'static str,
    /// The model's name (empty for the positional-encoding view).
    pub model: &'static str,
    /// The view's name.
    pub view: &'static str,
    /// The text the result is for.
    pub text: String,
    /// The token positions masked when it was computed.
    pub masked: Vec<usize>,
    /// The heads switched off when it was computed, as `[layer, head]` from 0.
    pub heads_off: Vec<(usize, usize)>,
    /// The layer drawn (from 0).
    pub layer: usize,
    /// The head drawn (from 0).
    pub head: usize,
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
    /// The most probable next tokens after the text, best first (decoder).
    pub next_tokens: Option<Vec<Candidate>>,
    /// The model's note for the reader (empty input, truncation, a text it cannot read).
    pub notice: Option<String>,
    /// How many words the vocabulary lacks, when most of them are unknown.
    pub unknown_words: Option<UnknownWords>,
    /// The figure's caption, axis captions and row and column labels.
    pub figure: FigureFrame,
    /// The maps the view shows.
    pub maps: Vec<ShownMap>,
}

impl ResultDetail {
    /// The detail of `shown` drawn as `figure` (built for `spec`'s view at `selection`).
    pub fn new(spec: &EmbedSpec, shown: &Shown, figure: &Figure, selection: &Selection) -> Self {
        let classification = shown.classification();
        let translation = shown.translation();
        // What the result was computed with comes from `shown` (its text, masks and heads off);
        // the layer and head from `selection`, as the reader may have opened another head.
        let trace = &shown.computed.trace;
        Self {
            version: super::host::VERSION,
            model: spec.model.name,
            view: spec.view.name(),
            text: shown.text.clone(),
            masked: shown.interventions.masked_tokens.clone(),
            heads_off: shown.interventions.heads_off.clone(),
            layer: selection.layer,
            head: selection.head,
            engine: shown.computed.engine.name(),
            forward_ms: shown.computed.forward_ms,
            tokens: (*shown.tokens).clone(),
            labels: classification.map(|c| c.labels.clone()),
            probabilities: classification.map(|c| c.probabilities.clone()),
            translation: translation.map(|(_, _, text)| text.to_owned()),
            translation_tokens: translation.map(|(_, tokens, _)| tokens.to_vec()),
            next_tokens: shown
                .next_token()
                .map(|(_, candidates)| candidates.to_vec()),
            notice: trace.message.clone(),
            unknown_words: trace.unknown_words,
            figure: figure.frame(),
            maps: figure.maps(),
        }
    }

    /// The detail of the positional-encoding view (no model runs).
    pub fn positional_encoding(text: &str, figure: &Figure) -> Self {
        Self {
            version: super::host::VERSION,
            // No model runs: the figure is computed in wasm, hence `cpu` and no tokens.
            model: "",
            view: figure.view.name(),
            text: text.to_owned(),
            masked: Vec::new(),
            heads_off: Vec::new(),
            layer: 0,
            head: 0,
            engine: "cpu",
            forward_ms: 0.0,
            tokens: Vec::new(),
            labels: None,
            probabilities: None,
            translation: None,
            translation_tokens: None,
            next_tokens: None,
            notice: None,
            unknown_words: None,
            figure: figure.frame(),
            maps: figure.maps(),
        }
    }
}
