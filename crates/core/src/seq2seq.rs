//! `Seq2SeqAttention`: a BiLSTM encoder, an LSTM decoder with additive (Bahdanau) attention
//! over the encoder states, and greedy decoding.
//!
//! ```text
//! encoder:  s_j = [h→_j; h←_j] = BiLSTM(E_src[src])_j                 (S, 2H)
//! bridge:   h_0 = tanh(W_bh·[h→_S; h←_1] + b_bh),  c_0 = W_bc·[c→_S; c←_1] + b_bc
//! keys:     k_j = W_k·s_j + b_k                                          (S, a)
//! step t (y_0 = bos):
//!   e_j = vᵀ·tanh(k_j + W_q·h_{t−1}) / temperature,  α = softmax over unmasked j
//!   c_t = Σ_j α_j·s_j                                                    (2H)
//!   h_t, c_t' = LSTMCell([E_tgt[y_{t−1}]; c_t] (input feeding) or E_tgt[y_{t−1}])
//!   o_t = [h_t; c_t]                                                     (3H)
//!     or, with attentional_hidden, h̃_t = tanh(W_c·[h_t; c_t] + b_c)      (e)
//!   logits_t = W_o·o_t + b_o,  y_t = argmax_{v ≠ y_{t−1}} logits_t[v]
//!     (W_o = E_tgt with tie_output_embedding; y_0 = bos, so the first step skips bos:
//!     greedy decoding never writes the token it has just written — ARCHITECTURE.md says why)
//! stop at eos (kept) or after max_decode_len tokens
//! ```
//!
//! Weight names: `src_embedding.weight`, `tgt_embedding.weight`,
//! `encoder.{weight_ih,…}_l0[_reverse]`, `bridge_h.*`, `bridge_c.*`,
//! `decoder.{weight_ih,weight_hh,bias_ih,bias_hh}`, `attention.query.weight`,
//! `attention.key.{weight,bias}`, `attention.v.weight`, `combine.{weight,bias}` (attentional
//! hidden only), `output.{weight,bias}` (`output.bias` only when tied).

use crate::activation::{exp, tanh_in_place};
use crate::bilstm::{bidirectional, load_bidirectional};
use crate::config::Seq2SeqConfig;
use crate::ops::{argmax_skipping, dot, embed, masked_softmax, Linear, LstmCell};
use crate::trace::{Decoding, Interventions, StopReason};
use crate::weights::WeightStore;
use crate::{Matrix, ModelError};

/// How many next-token candidates each step records.
pub const TOP_K: usize = 5;

/// A loaded seq2seq translator.
#[derive(Debug, Clone, PartialEq)]
pub struct Seq2SeqAttention {
    /// Its hyper-parameters.
    pub config: Seq2SeqConfig,
    src_embedding: Matrix,              // (V_src, e)
    tgt_embedding: Matrix,              // (V_tgt, e)
    encoder: Vec<(LstmCell, LstmCell)>, // one bidirectional layer
    bridge_h: Linear,                   // (H, 2H)
    bridge_c: Linear,                   // (H, 2H)
    decoder: LstmCell,                  // input e (+ 2H)
    query: Linear,                      // (a, H), no bias
    key: Linear,                        // (a, 2H)
    v: Vec<f32>,                        // (a)
    combine: Option<Linear>,            // (e, 3H) with attentional_hidden
    output: Linear,                     // (V_tgt, 3H or e)
}

/// What one translation returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Seq2SeqOutput {
    /// The decoded tokens, attention rows and candidates.
    pub decoding: Decoding,
    /// Every step's logits, (steps, V_tgt).
    pub step_logits: Matrix,
}

impl Seq2SeqOutput {
    /// The translation of an empty source: no steps.
    pub fn empty() -> Self {
        Self {
            decoding: Decoding {
                ids: Vec::new(),
                stop: StopReason::EndToken,
                cross_attention: Matrix::zeros(0, 0),
                top_k: Vec::new(),
            },
            step_logits: Matrix::zeros(0, 0),
        }
    }
}

impl Seq2SeqAttention {
    /// Loads the weights `config` implies from a safetensors store.
    pub fn load(config: Seq2SeqConfig, store: &WeightStore<'_>) -> Result<Self, ModelError> {
        let (e, h, a) = (
            config.embedding_dim,
            config.hidden_size,
            config.attention_dim,
        );
        // Input feeding (Luong): the decoder cell reads the previous token's embedding and the
        // previous context together, so it knows what it attended to last.
        let decoder_input = if config.input_feeding { e + 2 * h } else { e };
        Ok(Self {
            src_embedding: store.matrix("src_embedding.weight", config.src_vocab_size, e)?,
            tgt_embedding: store.matrix("tgt_embedding.weight", config.tgt_vocab_size, e)?,
            encoder: load_bidirectional(store, "encoder.", 1, e, h)?,
            bridge_h: Linear::load(store, "bridge_h", 2 * h, h, true)?,
            bridge_c: Linear::load(store, "bridge_c", 2 * h, h, true)?,
            decoder: LstmCell::load(store, "decoder.", "", decoder_input, h)?,
            query: Linear::load(store, "attention.query", h, a, false)?,
            key: Linear::load(store, "attention.key", 2 * h, a, true)?,
            // v is stored as PyTorch's (1 × a) `nn.Linear` weight; a vector here.
            v: store.matrix("attention.v.weight", 1, a)?.row(0).to_vec(),
            combine: if config.attentional_hidden {
                Some(Linear::load(store, "combine", 3 * h, e, true)?)
            } else {
                None
            },
            // A tied output layer reuses the target embedding as its weight (V × e) and has
            // only its own bias: a third of the parameters of a separate V × 3H layer.
            output: if config.tie_output_embedding {
                Linear {
                    weight: store.matrix("tgt_embedding.weight", config.tgt_vocab_size, e)?,
                    bias: Some(store.vector("output.bias", config.tgt_vocab_size)?),
                }
            } else {
                let width = if config.attentional_hidden { e } else { 3 * h };
                Linear::load(store, "output", width, config.tgt_vocab_size, true)?
            },
            config,
        })
    }

    /// Translates `src` greedily (the caller truncates to `max_src_len`). An empty source
    /// decodes nothing.
    pub fn forward(
        &self,
        src: &[u32],
        interventions: &Interventions,
    ) -> Result<Seq2SeqOutput, ModelError> {
        let c = &self.config;
        let s_len = src.len();
        if s_len == 0 {
            return Ok(Seq2SeqOutput::empty());
        }
        // Encoder: both directions over the source; the final states of each direction
        // (h→ after the last token, h← after the first) seed the decoder through the bridge.
        let (states, [(hf, cf), (hb, cb)]) =
            bidirectional(&self.encoder, embed(&self.src_embedding, src)?); // (S, 2H)
        let mut h: Vec<f32> = self
            .bridge_h
            .apply(&[hf, hb].concat())
            .into_iter()
            .map(f32::tanh)
            .collect();
        let mut cell = self.bridge_c.apply(&[cf, cb].concat());
        // The keys W_k·s_j + b_k do not depend on the step: computed once, as on the GPU.
        let keys = self.key.forward(&states); // (S, a)
        let mut hidden = vec![0f32; keys.rows() * keys.cols()]; // (S, a), reused every step
        let temperature = interventions.temperature();
        let mut y = c.bos_id;
        let (mut ids, mut rows, mut logits_all, mut top_k) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut stop = StopReason::MaxLength;
        // Greedy decoding: each step attends with the current state, updates the cell on the
        // previous token (and the context, with input feeding), and takes the argmax over
        // every token but the previous one; it stops after the end token or at max_decode_len.
        for _ in 0..c.max_decode_len {
            let q = self.query.apply(&h); // (a)
            for (j, row) in hidden.chunks_exact_mut(q.len()).enumerate() {
                for ((x, k), q) in row.iter_mut().zip(keys.row(j)).zip(&q) {
                    *x = k + q;
                }
            }
            tanh_in_place(&mut hidden); // tanh(k_j + W_q·h), (S, a)
            let scores: Vec<f32> = hidden
                .chunks_exact(q.len())
                .map(|row| dot(&self.v, row) / temperature)
                .collect(); // (S)
            let alpha = masked_softmax(&scores, |j| !interventions.is_masked(j)); // (S)
            let mut context = vec![0f32; states.cols()]; // (2H)
            for (j, &a) in alpha.iter().enumerate() {
                for (x, &s) in context.iter_mut().zip(states.row(j)) {
                    *x += a * s;
                }
            }
            let embedded = embed(&self.tgt_embedding, &[y])?;
            let input = if c.input_feeding {
                [embedded.row(0), &context].concat()
            } else {
                embedded.row(0).to_vec()
            };
            (h, cell) = self.decoder.step(&input, &h, &cell);
            let mut features = [h.as_slice(), &context].concat(); // (3H)
            if let Some(combine) = &self.combine {
                features = combine.apply(&features); // (e)
                tanh_in_place(&mut features);
            }
            let logits = self.output.apply(&features); // (V_tgt)
            y = argmax_skipping(&logits, y as usize) as u32;
            // Keep what the views replay: the attention row, the top-5 candidates, the logits.
            top_k.push(top_k_probabilities(&logits, TOP_K));
            rows.extend(alpha);
            logits_all.extend_from_slice(&logits);
            ids.push(y);
            if y == c.eos_id {
                stop = StopReason::EndToken;
                break;
            }
        }
        let steps = ids.len();
        Ok(Seq2SeqOutput {
            decoding: Decoding {
                ids,
                stop,
                cross_attention: Matrix::from_vec(steps, s_len, rows).expect("steps·S"),
                top_k,
            },
            step_logits: Matrix::from_vec(steps, c.tgt_vocab_size, logits_all).expect("steps·V"),
        })
    }
}

/// The `k` most probable ids with their softmax probabilities, best first (ties: the
/// smaller id first). One pass keeps the best `k` logits (softmax is monotone), then only
/// those `k` are turned into probabilities; sorting every logit would cost more than the
/// decoder step itself.
pub fn top_k_probabilities(logits: &[f32], k: usize) -> Vec<(u32, f32)> {
    let mut ranked: Vec<(u32, f32)> = Vec::with_capacity(k + 1);
    for (i, &l) in logits.iter().enumerate() {
        if ranked.len() == k && ranked.last().is_none_or(|&(_, worst)| l <= worst) {
            continue;
        }
        let at = ranked.partition_point(|&(_, better)| better >= l);
        ranked.insert(at, (i as u32, l));
        ranked.truncate(k);
    }
    let max = ranked.first().map_or(0.0, |&(_, l)| l);
    let sum = sum_exp_shifted(logits, max);
    ranked
        .into_iter()
        .map(|(i, l)| (i, exp(l - max) / sum))
        .collect()
}

/// Σ exp(l − max) over the logits in eight running sums, so the loop vectorises (a serial sum
/// cannot): the translator's 5,000 logits a step made this a tenth of its forward.
fn sum_exp_shifted(logits: &[f32], max: f32) -> f32 {
    let chunks = logits.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().map(|&l| exp(l - max)).sum();
    sum_exp_chunks(chunks, max) + tail
}

/// The eight running sums over whole chunks of eight.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn sum_exp_chunks(chunks: std::slice::ChunksExact<'_, f32>, max: f32) -> f32 {
    let mut lanes = [0f32; 8];
    for chunk in chunks {
        for (lane, &l) in lanes.iter_mut().zip(chunk) {
            *lane += exp(l - max);
        }
    }
    lanes.iter().sum::<f32>()
}

/// In the browser the same sums in hand-written SIMD: the release wasm's pipeline does not
/// vectorise loops.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::sum_exp_chunks;

#[cfg(test)]
mod tests {
    use super::top_k_probabilities;

    /// The k best ids, best first, with their softmax probabilities: as a full softmax in f64
    /// would give them, over a vocabulary-sized row whose length is not a multiple of the sum's
    /// eight lanes.
    #[test]
    fn top_k_equals_a_full_softmax() {
        let logits: Vec<f32> = (0..5003)
            .map(|i| ((i * 7919) % 1000) as f32 / 97.0 - 5.0)
            .collect();
        let max = logits.iter().copied().fold(f32::MIN, f32::max) as f64;
        let sum: f64 = logits.iter().map(|&l| (l as f64 - max).exp()).sum();
        let mut order: Vec<usize> = (0..logits.len()).collect();
        order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]).then(a.cmp(&b)));
        let top = top_k_probabilities(&logits, 5);
        assert_eq!(top.len(), 5);
        for (&(id, p), &want) in top.iter().zip(&order) {
            assert_eq!(id as usize, want);
            let exact = (logits[want] as f64 - max).exp() / sum;
            assert!((p as f64 - exact).abs() < 1e-6, "{p} vs {exact}");
        }
        assert!(top_k_probabilities(&[], 5).is_empty());
        assert_eq!(top_k_probabilities(&[0.5], 5), vec![(0, 1.0)]);
    }
}
