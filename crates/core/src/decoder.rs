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
use crate::kv_cache::KvMemory;
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
    /// The last forward's keys, values and maps: typing at the end of the text computes only
    /// the new positions ([`crate::kv_cache`]).
    memory: KvMemory,
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
    /// How many leading positions came from the previous forward rather than being computed
    /// (0 for a full forward).
    pub reused: usize,
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
        Ok(Self {
            stack,
            head,
            memory: KvMemory::default(),
        })
    }

    /// Its hyper-parameters (always causal).
    pub fn config(&self) -> &TransformerConfig {
        &self.stack.config
    }

    /// Runs the decoder on `ids` (at most `max_len`; the caller truncates): the causal maps
    /// and the next-token candidates after the last position. The positions the last
    /// forward already computed (the common prefix, under the same interventions) are
    /// reused, not recomputed: the result equals a full forward's.
    pub fn forward(&self, ids: &[u32], iv: &Interventions) -> Result<DecoderOutput, ModelError> {
        let kept = self.memory.take();
        let (out, cache, reused) = self.stack.forward_from(ids, iv, kept.as_ref())?;
        if let Some(cache) = cache {
            self.memory.keep(cache);
        }
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
            reused,
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

/// How the next token is chosen from the candidates (what the page's controls set).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sampling {
    /// p ∝ p_model^(1/τ): below 1 sharpens, above 1 flattens (clamped to 0.05–5).
    pub temperature: f32,
    /// Only the k most probable candidates stay (1 is greedy; at most the candidates there are).
    pub top_k: usize,
    /// Then only the most probable candidates whose mass reaches p stay (nucleus sampling,
    /// Holtzman et al. 2020; 1 keeps them all).
    pub top_p: f32,
}

impl Default for Sampling {
    fn default() -> Self {
        Self {
            temperature: 1.0,
            top_k: NEXT_TOKEN_CANDIDATES,
            top_p: 1.0,
        }
    }
}

impl Sampling {
    /// The distribution the next token is drawn from, over `candidates`' probabilities (best
    /// first, as a forward returns them): reshaped by the temperature, cut to the top k, then
    /// to the top-p nucleus, renormalised. Cut candidates get exactly 0; the first always
    /// stays, so the result sums to 1 whatever the settings.
    ///
    /// ```
    /// use attnscope_core::decoder::Sampling;
    /// let greedy = Sampling { top_k: 1, ..Sampling::default() };
    /// assert_eq!(greedy.reshape(&[0.5, 0.3, 0.2]), vec![1.0, 0.0, 0.0]);
    /// let sharp = Sampling { temperature: 0.5, ..Sampling::default() };
    /// // (0.5², 0.3², 0.2²) / 0.38
    /// let p = sharp.reshape(&[0.5, 0.3, 0.2]);
    /// assert!((p[0] - 0.25 / 0.38).abs() < 1e-6 && (p[2] - 0.04 / 0.38).abs() < 1e-6);
    /// // 0.5 + 0.3 reaches 0.75: the third is cut, (0.5, 0.3) / 0.8.
    /// let nucleus = Sampling { top_p: 0.75, ..Sampling::default() };
    /// let p = nucleus.reshape(&[0.5, 0.3, 0.2]);
    /// assert!((p[0] - 0.625).abs() < 1e-6 && (p[1] - 0.375).abs() < 1e-6 && p[2] == 0.0);
    /// ```
    pub fn reshape(&self, candidates: &[f32]) -> Vec<f32> {
        let tau = if self.temperature.is_finite() {
            self.temperature.clamp(0.05, 5.0)
        } else {
            1.0
        };
        let k = self.top_k.clamp(1, candidates.len().max(1));
        // softmax(log p / τ) over the kept candidates; the largest first keeps exp in range.
        let logs: Vec<f32> = candidates.iter().map(|p| p.max(1e-30).ln() / tau).collect();
        let top = logs
            .iter()
            .take(k)
            .copied()
            .fold(f32::NEG_INFINITY, f32::max);
        let mut weights: Vec<f32> = logs
            .iter()
            .enumerate()
            .map(|(i, l)| if i < k { (l - top).exp() } else { 0.0 })
            .collect();
        let total: f32 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
        // The nucleus: candidates in order until their mass reaches p.
        let p = if self.top_p.is_finite() {
            self.top_p.clamp(0.0, 1.0)
        } else {
            1.0
        };
        if p < 1.0 {
            let mut mass = 0.0;
            for (i, w) in weights.iter_mut().enumerate() {
                if mass >= p && i > 0 {
                    *w = 0.0;
                } else {
                    mass += *w;
                }
            }
            let kept: f32 = weights.iter().sum();
            weights.iter_mut().for_each(|w| *w /= kept);
        }
        weights
    }
}

/// The index drawn from `weights` (summing to 1) by `u` uniform in [0, 1): the first whose
/// cumulative weight passes `u`, so a seeded `u` makes every draw reproducible.
pub fn draw(weights: &[f32], u: f64) -> usize {
    let mut cumulative = 0.0f64;
    let last = weights.iter().rposition(|&w| w > 0.0).unwrap_or(0);
    for (i, &w) in weights.iter().enumerate() {
        cumulative += f64::from(w);
        if u < cumulative {
            return i;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reshaping_keeps_a_distribution_and_draws_follow_it() {
        let candidates = [0.4, 0.25, 0.2, 0.1, 0.05];
        for (temperature, top_k, top_p) in [
            (1.0, 50, 1.0),
            (0.3, 3, 1.0),
            (2.0, 5, 0.6),
            (f32::NAN, 0, -1.0),
        ] {
            let w = Sampling {
                temperature,
                top_k,
                top_p,
            }
            .reshape(&candidates);
            let sum: f32 = w.iter().sum();
            assert!((sum - 1.0).abs() < 1e-6, "{w:?}");
            assert!(w[0] > 0.0 && w.windows(2).all(|p| p[0] >= p[1]), "{w:?}");
        }
        let w = Sampling {
            top_k: 2,
            ..Sampling::default()
        }
        .reshape(&candidates);
        assert_eq!(&w[2..], &[0.0, 0.0, 0.0]);
        assert_eq!(draw(&w, 0.0), 0);
        assert_eq!(draw(&w, 0.99), 1);
        assert_eq!(draw(&[1.0, 0.0], 0.999_999_9), 0);
    }

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
