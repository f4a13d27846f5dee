//! `BiLstmAttentionClassifier`: a bidirectional LSTM with additive attention pooling.
//!
//! ```text
//! x_t = E[ids_t]                                                     (T, e)
//! per layer: h→_t = LSTM→(x_t, h→_{t−1}),  h←_t = LSTM←(x_t, h←_{t+1}),  h_t = [h→_t; h←_t]
//!            (PyTorch gate order i, f, g, o; both bias vectors); layer ℓ+1 reads layer ℓ's h
//! e_t = vᵀ·tanh(W·h_t + b) / temperature                              (T)
//! a = softmax of e over the unmasked positions (masked ones get exactly 0)
//! context = Σ_t a_t·h_t                                              (2H)
//! logits = W_c·context + b_c,  probabilities = softmax(logits)
//! ```
//!
//! Weight names: `embedding.weight`, `lstm.{weight_ih,weight_hh,bias_ih,bias_hh}_l{ℓ}[_reverse]`,
//! `attention.proj.{weight,bias}`, `attention.v.weight`, `classifier.{weight,bias}`.

use crate::activation::tanh_in_place;
use crate::config::BiLstmConfig;
use crate::ops::{dot, embed, masked_softmax, softmax, Linear, LstmCell};
use crate::trace::{Classification, Interventions, PoolingDetail};
use crate::weights::WeightStore;
use crate::{Matrix, ModelError};

/// A loaded BiLSTM classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct BiLstmAttentionClassifier {
    /// Its hyper-parameters.
    pub config: BiLstmConfig,
    embedding: Matrix,                 // (V, e)
    layers: Vec<(LstmCell, LstmCell)>, // (forward, backward)
    proj: Linear,                      // (a, 2H)
    v: Vec<f32>,                       // (a)
    classifier: Linear,                // (C, 2H)
}

/// What one forward returns.
#[derive(Debug, Clone, PartialEq)]
pub struct BiLstmOutput {
    /// Class scores and probabilities.
    pub classification: Classification,
    /// Attention pooling weight per token (T).
    pub pooling: Vec<f32>,
    /// The top layer's states [h→; h←], (T, 2H).
    pub states: Matrix,
    /// The pooling step by step, when `Interventions::inspect` is set.
    pub detail: Option<PoolingDetail>,
}

/// The final (h, c) of one LSTM direction.
pub(crate) type FinalState = (Vec<f32>, Vec<f32>);

/// Runs a stack of bidirectional LSTM layers over `x`: (T, in) → (T, 2H), plus the final
/// (h, c) of the top layer's forward and backward directions.
pub(crate) fn bidirectional(
    layers: &[(LstmCell, LstmCell)],
    x: Matrix,
) -> (Matrix, [FinalState; 2]) {
    // Each layer runs both directions over the previous layer's output and concatenates
    // them per token, [h→_t; h←_t] (T × 2H): the next layer's input, and the top layer's is
    // what the attention pools. The final states of the last layer are kept for a bridge.
    let mut input = x;
    let mut last = [(Vec::new(), Vec::new()), (Vec::new(), Vec::new())];
    for (forward, backward) in layers {
        let (fwd, hf, cf) = forward.run(&input, false);
        let (bwd, hb, cb) = backward.run(&input, true);
        let mut data = Vec::with_capacity(input.rows() * (fwd.cols() + bwd.cols()));
        for t in 0..input.rows() {
            data.extend_from_slice(fwd.row(t));
            data.extend_from_slice(bwd.row(t));
        }
        input = Matrix::from_vec(fwd.rows(), fwd.cols() + bwd.cols(), data).expect("T·2H");
        last = [(hf, cf), (hb, cb)];
    }
    (input, last)
}

/// Loads `{prefix}` bidirectional LSTM layers as PyTorch's `nn.LSTM` names them.
pub(crate) fn load_bidirectional(
    store: &WeightStore<'_>,
    prefix: &str,
    layers: usize,
    input: usize,
    hidden: usize,
) -> Result<Vec<(LstmCell, LstmCell)>, ModelError> {
    (0..layers)
        .map(|l| {
            // Layer 0 reads the embeddings; later layers the 2H concatenation below them.
            let width = if l == 0 { input } else { 2 * hidden };
            Ok((
                LstmCell::load(store, prefix, &format!("_l{l}"), width, hidden)?,
                LstmCell::load(store, prefix, &format!("_l{l}_reverse"), width, hidden)?,
            ))
        })
        .collect()
}

impl BiLstmAttentionClassifier {
    /// Loads the weights `config` implies from a safetensors store.
    pub fn load(config: BiLstmConfig, store: &WeightStore<'_>) -> Result<Self, ModelError> {
        let (e, h, a) = (
            config.embedding_dim,
            config.hidden_size,
            config.attention_dim,
        );
        Ok(Self {
            embedding: store.matrix("embedding.weight", config.vocab_size, e)?,
            layers: load_bidirectional(store, "lstm.", config.num_layers, e, h)?,
            proj: Linear::load(store, "attention.proj", 2 * h, a, true)?,
            v: store.matrix("attention.v.weight", 1, a)?.row(0).to_vec(),
            classifier: Linear::load(store, "classifier", 2 * h, config.labels.len(), true)?,
            config,
        })
    }

    /// Runs the classifier on `ids` (the caller truncates to `max_len`).
    pub fn forward(
        &self,
        ids: &[u32],
        interventions: &Interventions,
    ) -> Result<BiLstmOutput, ModelError> {
        // Every layer reads the whole sequence both ways; the top layer's [h→; h←] per token
        // is what the attention pools. (GPU twin: `lstm.wgsl`, one workgroup per direction.)
        let (states, _) = bidirectional(&self.layers, embed(&self.embedding, ids)?); // (T, 2H)
        let temperature = interventions.temperature();
        let mut hidden = self.proj.forward(&states); // W·h_t + b, (T, a)
        tanh_in_place(hidden.as_mut_slice());
        let scores: Vec<f32> = (0..states.rows())
            .map(|t| dot(&self.v, hidden.row(t)) / temperature)
            .collect(); // (T)
                        // The pooling weights the page shades tokens by: a masked token gets exactly 0 and
                        // the rest renormalise, so masking a word moves its weight onto the others.
                        // (GPU twin: `additive_pool.wgsl`.)
        let pooling = masked_softmax(&scores, |t| !interventions.is_masked(t));
        let mut context = vec![0f32; states.cols()]; // (2H)
        for (t, &a) in pooling.iter().enumerate() {
            for (c, &s) in context.iter_mut().zip(states.row(t)) {
                *c += a * s;
            }
        }
        // The classifier sees only the pooled context: the attention is the model's only
        // route from tokens to prediction, which is why its weights are worth showing.
        let logits = self.classifier.apply(&context);
        let detail = interventions.inspect.map(|_| PoolingDetail {
            states: states.clone(),
            hidden,
            scores,
            query: self.v.clone(),
            context,
            logits: logits.clone(),
        });
        Ok(BiLstmOutput {
            classification: Classification {
                labels: self.config.labels.clone(),
                probabilities: softmax(&logits),
                logits,
            },
            pooling,
            states,
            detail,
        })
    }
}
