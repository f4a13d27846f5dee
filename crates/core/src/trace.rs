//! `Trace`: the one result type every view reads.

use crate::Matrix;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What a forward may change, all optional ("interactive attention").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interventions {
    /// Token positions masked as keys: they receive exactly zero attention (and are left out
    /// of mean pooling).
    pub masked_tokens: Vec<usize>,
    /// (layer, head) pairs switched off: the head's output is zeroed before the output
    /// projection.
    pub heads_off: Vec<(usize, usize)>,
    /// Attention logits are divided by this (1.0 = the model as trained).
    pub temperature: f32,
    /// The (layer, head) whose Q, K, V and pre-softmax scores the trace keeps.
    pub inspect: Option<(usize, usize)>,
    /// The reader's own attention weights, applied in order after each head's softmax.
    #[serde(default)]
    pub edits: Vec<AttentionEdit>,
}

/// A reader's edit of one attention weight (source document 000: attention that changes with
/// the user's feedback): in head (`layer`, `head`), query `query` gives `weight` to key `key`,
/// and the row's other weights are rescaled to share 1 − `weight` in their proportions, so the
/// row still sums to 1. A weight of 1 pins the query to that key. An edit of a key the query
/// cannot see (masked, or after it under the look-ahead mask) is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AttentionEdit {
    /// The layer (from 0).
    pub layer: usize,
    /// The head (from 0).
    pub head: usize,
    /// The query token's position.
    pub query: usize,
    /// The key token's position.
    pub key: usize,
    /// The weight given to the key, clamped to 0..=1.
    pub weight: f32,
}

impl AttentionEdit {
    /// Applies the edit to one softmax row whose key `key` is visible: row[key] = w and every
    /// other entry scaled by (1 − w) / (their sum). A row whose other entries are all 0 (the
    /// key held everything) cannot give weight away and is left as it is.
    ///
    /// ```
    /// use attnscope_core::trace::AttentionEdit;
    /// let edit = AttentionEdit { layer: 0, head: 0, query: 2, key: 0, weight: 0.5 };
    /// let mut row = [0.2, 0.2, 0.6];
    /// edit.apply(&mut row);
    /// assert_eq!(row, [0.5, 0.125, 0.375]);
    /// ```
    pub fn apply(&self, row: &mut [f32]) {
        let Some(&old) = row.get(self.key) else {
            return;
        };
        let w = if self.weight.is_finite() {
            self.weight.clamp(0.0, 1.0)
        } else {
            old
        };
        // Summed apart, in f64: `sum − old` cancels to 0 (or to rounding noise, a huge scale)
        // when the key already holds nearly everything.
        let others: f64 = row
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != self.key)
            .map(|(_, &v)| f64::from(v))
            .sum();
        if others <= 0.0 {
            return;
        }
        let scale = f64::from(1.0 - w) / others;
        for (j, value) in row.iter_mut().enumerate() {
            *value = if j == self.key {
                w
            } else {
                (f64::from(*value) * scale) as f32
            };
        }
    }
}

impl Default for Interventions {
    fn default() -> Self {
        Self {
            masked_tokens: Vec::new(),
            heads_off: Vec::new(),
            temperature: 1.0,
            inspect: None,
            edits: Vec::new(),
        }
    }
}

impl Interventions {
    /// Whether position `t` is masked.
    pub fn is_masked(&self, t: usize) -> bool {
        self.masked_tokens.contains(&t)
    }

    /// Whether (layer, head) is switched off.
    pub fn is_off(&self, layer: usize, head: usize) -> bool {
        self.heads_off.contains(&(layer, head))
    }

    /// The temperature, with non-finite or non-positive values replaced by 1.
    pub fn temperature(&self) -> f32 {
        if self.temperature.is_finite() && self.temperature > 0.0 {
            self.temperature
        } else {
            1.0
        }
    }
}

/// Every attention map of a Transformer: `layers × heads` matrices of `len × len`
/// (row = query, column = key; rows sum to 1 unless every key is masked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfAttention {
    /// Number of layers.
    pub layers: usize,
    /// Heads per layer.
    pub heads: usize,
    /// Sequence length T.
    pub len: usize,
    /// (layers, heads, T, T), row-major.
    pub weights: Vec<f32>,
    /// Whether the maps were computed under the look-ahead mask (a decoder): every weight
    /// of a key after its query is exactly 0, and views draw those cells as masked.
    #[serde(default)]
    pub causal: bool,
}

impl SelfAttention {
    /// The T × T map of one (layer, head).
    pub fn map(&self, layer: usize, head: usize) -> &[f32] {
        let size = self.len * self.len;
        let start = (layer * self.heads + head) * size;
        &self.weights[start..start + size]
    }
}

/// One head's intermediate steps, for teaching views: the layer's input and where it came
/// from, Q, K, V (T × d_k), the scores before and after scaling (T × T), the head's output
/// A·V, the heads concatenated and the output projection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadDetail {
    /// The layer.
    pub layer: usize,
    /// The head.
    pub head: usize,
    /// Queries, (T, d_k).
    pub q: Matrix,
    /// Keys, (T, d_k).
    pub k: Matrix,
    /// Values, (T, d_k).
    pub v: Matrix,
    /// Pre-softmax scores QKᵀ/sqrt(d_k)/temperature, (T, T).
    pub scores: Matrix,
    /// The raw dot products q_i·k_j, (T, T).
    pub raw_scores: Matrix,
    /// The factor the raw scores were multiplied by: 1/(sqrt(d_k)·temperature).
    pub scale: f32,
    /// The token embeddings E[ids] (times sqrt(d) where the model scales them), (T, d).
    pub embedded: Matrix,
    /// The positional encoding added to them, (T, d).
    pub positions: Matrix,
    /// What this layer's attention read (layer 0: embedded + positions; after LayerNorm in a
    /// pre-norm model), (T, d).
    pub input: Matrix,
    /// The head's output A·V (zeros if the head is switched off), (T, d_k).
    pub output: Matrix,
    /// Every head's output side by side, (T, d).
    pub concat: Matrix,
    /// The output projection W_O·concat + b_O, (T, d).
    pub projected: Matrix,
    /// Whether the positions are a learned table (BERT) rather than the sinusoidal encoding.
    pub learned_positions: bool,
    /// Whether a LayerNorm follows embedding + positions (BERT), so layer 1 reads LN(E + P).
    pub embedding_norm: bool,
}

/// The BiLSTM's attention pooling step by step, for teaching views (kept when
/// `Interventions::inspect` is set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolingDetail {
    /// The top layer's states h_t = [h→_t; h←_t], (T, 2H): the first H columns run forwards.
    pub states: Matrix,
    /// u_t = tanh(W·h_t + b), (T, a).
    pub hidden: Matrix,
    /// score_t = v·u_t / temperature, (T).
    pub scores: Vec<f32>,
    /// The learned query vector v, (a).
    pub query: Vec<f32>,
    /// s = Σ α_t·h_t, (2H).
    pub context: Vec<f32>,
    /// The classifier's scores on s.
    pub logits: Vec<f32>,
}

/// A classifier's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// Class names.
    pub labels: Vec<String>,
    /// Raw scores, one per label.
    pub logits: Vec<f32>,
    /// softmax(logits).
    pub probabilities: Vec<f32>,
}

/// Why greedy decoding stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    /// The end token was produced.
    EndToken,
    /// The maximum length was reached.
    MaxLength,
}

/// A translator network's greedy decoding, step by step, as an engine computes it (ids only:
/// [`crate::Model::finish`] names the tokens and moves the attention into the [`Trace`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decoding {
    /// Generated token ids (the end token included when produced).
    pub ids: Vec<u32>,
    /// Why decoding stopped.
    pub stop: StopReason,
    /// Cross-attention: (steps, source length), one row per generated token.
    pub cross_attention: Matrix,
    /// The five most likely next tokens at each step: (id, probability), best first.
    pub top_k: Vec<Vec<(u32, f32)>>,
}

/// One of the most likely next tokens at a decoding step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The target token id.
    pub id: u32,
    /// Its text in the target vocabulary (`[?]` if the vocabulary has no such id).
    pub token: String,
    /// Its probability at that step.
    pub probability: f32,
}

/// A translation as the trace keeps it: the steps and their named candidates. The
/// cross-attention is kept once, in [`Attention::Cross`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decoded {
    /// Generated token ids (the end token included when produced).
    pub ids: Vec<u32>,
    /// Why decoding stopped.
    pub stop: StopReason,
    /// The five most likely next tokens at each step, best first.
    pub candidates: Vec<Vec<Candidate>>,
}

/// The model's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Output {
    /// Nothing was run (empty input).
    None,
    /// Class probabilities.
    Classification(Classification),
    /// A greedy translation.
    Translation {
        /// Decoding steps and candidates.
        decoding: Decoded,
        /// The generated token strings, one per step.
        tokens: Vec<String>,
        /// The translation as text (special tokens left out, pieces joined).
        text: String,
    },
    /// A decoder's next token after the last position.
    NextToken {
        /// The position (0-based; the start token is 0) whose continuation this is.
        position: usize,
        /// The most probable next tokens, best first, with their probabilities under the
        /// full softmax (`crate::decoder::NEXT_TOKEN_CANDIDATES` of them).
        candidates: Vec<Candidate>,
    },
}

/// The attention a view draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Attention {
    /// Nothing was run.
    None,
    /// A Transformer's maps (shared, not copied, by every view that draws them).
    SelfAttention(Arc<SelfAttention>),
    /// A BiLSTM's pooling weight per token (T).
    Pooling {
        /// The weights.
        weights: Vec<f32>,
    },
    /// A translator's cross-attention, (steps, source length), one row per generated token.
    Cross {
        /// The matrix (shared by the views that draw it).
        weights: Arc<Matrix>,
    },
}

/// Everything one forward produced: the one result type every view reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The architecture that ran.
    pub architecture: String,
    /// The input's tokens with their byte spans in the original text (specials marked).
    pub tokens: Vec<crate::tokenizer::Token>,
    /// Whether the input was cut to the model's maximum length.
    pub truncated: bool,
    /// How many tokens the whole input had (specials included).
    pub original_token_count: usize,
    /// The model's answer.
    pub output: Output,
    /// The attention to draw.
    pub attention: Attention,
    /// The inspected head's Q, K, V and scores (Transformers, when asked for).
    pub detail: Option<HeadDetail>,
    /// The pooling's steps (BiLSTMs, when asked for).
    #[serde(default)]
    pub pooling_detail: Option<PoolingDetail>,
    /// How long the forward took, set by the caller's clock (none in wasm's core).
    pub elapsed_ms: Option<f64>,
    /// A note for the user (empty input, truncation, a text the model cannot read).
    pub message: Option<String>,
    /// How many of the text's words the model's vocabulary lacks, when most of them are
    /// unknown (the answer is then a guess, and `message` says so).
    #[serde(default)]
    pub unknown_words: Option<crate::tokenizer::UnknownWords>,
}

impl Trace {
    /// A trace of `architecture` before anything ran: no tokens, no output, no attention.
    /// `Model::encode` fills in the tokens; an engine's output fills in the rest.
    pub fn empty(architecture: &str) -> Self {
        Self {
            architecture: architecture.to_owned(),
            tokens: Vec::new(),
            truncated: false,
            original_token_count: 0,
            output: Output::None,
            attention: Attention::None,
            detail: None,
            pooling_detail: None,
            elapsed_ms: None,
            message: None,
            unknown_words: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AttentionEdit;

    /// A key holding nearly the whole row still gives weight away, and the row sums to 1.
    #[test]
    fn an_edit_of_a_nearly_saturated_row_rescales_the_tiny_rest() {
        let edit = AttentionEdit {
            layer: 0,
            head: 0,
            query: 2,
            key: 0,
            weight: 0.5,
        };
        let mut row = [1.0, 2e-9, 2e-9];
        edit.apply(&mut row);
        assert_eq!(row[0], 0.5);
        assert!(
            (row[1] - 0.25).abs() < 1e-6 && (row[2] - 0.25).abs() < 1e-6,
            "{row:?}"
        );
        // Nothing else to give weight to: the row is left as it is.
        let mut alone = [1.0, 0.0, 0.0];
        edit.apply(&mut alone);
        assert_eq!(alone, [1.0, 0.0, 0.0]);
    }
}
