//! `TransformerDecoderLm`: a GPT-style decoder-only Transformer, a language model that
//! predicts the next token under the look-ahead mask.
//!
//! ```text
//! X⁰ = E[ids]·(√d if scale_embedding) + PE[0..T]                       (T, d)
//!   (ids[0] is the start token, [CLS] of the vocabulary; learned positions as in the encoder)
//! per layer ℓ, the encoder's layer (crate::transformer) under the look-ahead mask:
//!   S_j = Q_j·K_jᵀ / √d_k / temperature                                (T, T) per head j
//!   A_j[i][k] = softmax over the keys k ≤ i (and not masked) of S_j[i]; A_j[i][k > i] = 0
//!   pre-norm (GPT-2): X = X + MHA(LN₁(X));  X = X + FF(LN₂(X))
//! X = LN_f(X)                                                           (final_norm)
//! logits = W·X[T−1] + b         W = E (tied: `embedding.weight`, no bias) or
//!                               `lm_head.weight` (V, d) with an optional `lm_head.bias`
//! P(next token = v | ids) = softmax(logits)_v                            (V)
//! ```
//!
//! Because every query sees only the keys before it, the forward of a prefix ids[..=p]
//! computes exactly the first p + 1 rows of the full forward: the distribution after any
//! position p is the last one of the prefix's forward (`tests/decoder.rs` holds it). That is
//! also what lets an engine keep each layer's keys and values while the reader types at
//! the end of the text.
//!
//! The trace keeps the [`NEXT_TOKEN_CANDIDATES`] most probable next tokens (with their
//! probabilities under the full softmax): temperature, top-k and top-p reshape that list
//! exactly (softmax(log p / τ) over a subset equals softmax(logit / τ) over it: the
//! normaliser cancels).
//!
//! PyTorch holds this file to account: `tests/golden.rs` (`decoder_lm`, within 1e-5).

use crate::config::TransformerConfig;
use crate::ops::{softmax, Linear};
use crate::trace::{HeadDetail, Interventions, SelfAttention};
use crate::transformer::TransformerEncoderClassifier;
use crate::weights::WeightStore;
use crate::{Matrix, ModelError};

/// How many next-token candidates a forward returns: enough for top-k sampling up to 50 (the
/// usual default) and for the page's bars.
pub const NEXT_TOKEN_CANDIDATES: usize = 50;

/// A loaded decoder-only language model.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformerDecoderLm {
    /// The layer stack: the encoder's, with `causal` set and no classifier.
    stack: TransformerEncoderClassifier,
    /// The output layer.
    head: LmHead,
}

/// A language model's output layer: the embedding itself (tied, as GPT-2 and our models) or
/// its own `lm_head` (V, d), read when the weights file holds `lm_head.weight`. Both engines
/// turn a final hidden state into next-token candidates through it.
#[derive(Debug, Clone, PartialEq)]
pub enum LmHead {
    /// logits = E·h.
    Tied,
    /// logits = W·h (+ b).
    Own(Linear),
}

impl LmHead {
    /// `lm_head.weight` (and `lm_head.bias`) when the store has them, else tied.
    pub fn load(store: &WeightStore<'_>, d: usize, vocab: usize) -> Result<Self, ModelError> {
        if store.shape("lm_head.weight").is_none() {
            return Ok(LmHead::Tied);
        }
        let bias = store.shape("lm_head.bias").is_some();
        Ok(LmHead::Own(Linear::load(store, "lm_head", d, vocab, bias)?))
    }

    /// The next-token logits (V) from one final hidden state (d); `embedding` is E (V, d).
    pub fn logits(&self, embedding: &Matrix, hidden: &[f32]) -> Vec<f32> {
        match self {
            LmHead::Own(head) => head.apply(hidden),
            // One dot product with each embedding row.
            LmHead::Tied => (0..embedding.rows())
                .map(|v| {
                    embedding
                        .row(v)
                        .iter()
                        .zip(hidden)
                        .map(|(e, h)| e * h)
                        .sum()
                })
                .collect(),
        }
    }

    /// The most probable next tokens after a final hidden state (see [`top_candidates`]).
    pub fn next_tokens(&self, embedding: &Matrix, hidden: &[f32]) -> Vec<(u32, f32)> {
        top_candidates(&softmax(&self.logits(embedding, hidden)))
    }
}

/// What one forward returns.
#[derive(Debug, Clone, PartialEq)]
pub struct DecoderOutput {
    /// Every layer's and head's causal attention (exactly 0 above the diagonal).
    pub attention: SelfAttention,
    /// The inspected head's intermediate steps, if one was asked for.
    pub detail: Option<Box<HeadDetail>>,
    /// The most probable next tokens after the last position, (id, probability), most
    /// probable first (ties: the lower id first); at most [`NEXT_TOKEN_CANDIDATES`].
    pub next: Vec<(u32, f32)>,
    /// The last hidden state (T, d), after the final norm: row p gives the logits after
    /// position p through [`TransformerDecoderLm::logits`].
    pub hidden: Matrix,
}

impl TransformerDecoderLm {
    /// Loads the stack (`config.causal` is forced on, labels off) and the output layer: tied
    /// to `embedding.weight` unless the store holds `lm_head.weight`.
    pub fn load(
        mut config: TransformerConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, ModelError> {
        config.causal = true;
        config.labels.clear();
        let head = LmHead::load(store, config.d_model, config.vocab_size)?;
        let stack = TransformerEncoderClassifier::load(config, store)?;
        Ok(Self { stack, head })
    }

    /// Its hyper-parameters (always causal).
    pub fn config(&self) -> &TransformerConfig {
        &self.stack.config
    }

    /// Runs the decoder on `ids` (at most `max_len`; the caller truncates): the causal maps
    /// and the next-token candidates after the last position.
    pub fn forward(&self, ids: &[u32], iv: &Interventions) -> Result<DecoderOutput, ModelError> {
        let out = self.stack.forward(ids, iv)?;
        let next = match out.hidden.rows() {
            0 => Vec::new(),
            t => self
                .head
                .next_tokens(self.stack.embedding(), out.hidden.row(t - 1)),
        };
        Ok(DecoderOutput {
            attention: out.attention,
            detail: out.detail,
            next,
            hidden: out.hidden,
        })
    }

    /// The next-token logits from one final hidden state (d): W·h + b.
    pub fn logits(&self, hidden: &[f32]) -> Vec<f32> {
        self.head.logits(self.stack.embedding(), hidden)
    }
}

/// The [`NEXT_TOKEN_CANDIDATES`] largest of `probabilities` as (id, probability), largest
/// first, equal values by the lower id (the order the GPU's top-k kernel returns).
pub fn top_candidates(probabilities: &[f32]) -> Vec<(u32, f32)> {
    let mut order: Vec<u32> = (0..probabilities.len() as u32).collect();
    let k = NEXT_TOKEN_CANDIDATES.min(order.len());
    let by_probability = |a: &u32, b: &u32| {
        let (pa, pb) = (probabilities[*a as usize], probabilities[*b as usize]);
        pb.total_cmp(&pa).then(a.cmp(b))
    };
    if k < order.len() {
        // Partition first: the k largest in front (V is thousands), then sort only those.
        order.select_nth_unstable_by(k - 1, by_probability);
        order.truncate(k);
    }
    order.sort_by(by_probability);
    order
        .into_iter()
        .map(|id| (id, probabilities[id as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_candidates_are_the_largest_in_order_with_ties_by_id() {
        let mut p = vec![0.0f32; 80];
        p[7] = 0.5;
        p[3] = 0.2;
        p[9] = 0.2;
        p[60] = 0.1;
        let top = top_candidates(&p);
        assert_eq!(top.len(), NEXT_TOKEN_CANDIDATES);
        assert_eq!(&top[..4], &[(7, 0.5), (3, 0.2), (9, 0.2), (60, 0.1)]);
        // The zeros that fill the list come by id.
        assert_eq!(top[4], (0, 0.0));
        assert_eq!(top[5], (1, 0.0));
        assert_eq!(top_candidates(&[0.25, 0.75]), vec![(1, 0.75), (0, 0.25)]);
    }
}
