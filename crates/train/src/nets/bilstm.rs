//! `BiLstmAttentionClassifier` in candle (equations: `attnscope_core::bilstm`).

use super::{additive_scores, dropout, key_bias, softmax, BiLstmLayer};
use attnscope_core::config::BiLstmConfig;
use candle_core::{Module, Result, Tensor, D};
use candle_nn::{linear, Init, Linear, VarBuilder};

/// The classifier.
#[derive(Debug, Clone)]
pub struct BiLstm {
    embedding: Tensor, // (V, e)
    layers: Vec<BiLstmLayer>,
    proj: Linear,
    v: Tensor, // (1, a)
    classifier: Linear,
    dropout: f32,
}

impl BiLstm {
    /// Builds (or loads, from a safetensors-backed `vb`) the network.
    pub fn new(config: &BiLstmConfig, vb: VarBuilder, dropout: f32) -> Result<Self> {
        let (e, h, a) = (
            config.embedding_dim,
            config.hidden_size,
            config.attention_dim,
        );
        let lstm = vb.pp("lstm");
        let lstm_vb = lstm.clone();
        let mut layers = Vec::new();
        for l in 0..config.num_layers {
            let input = if l == 0 { e } else { 2 * h };
            layers.push(BiLstmLayer::new(&lstm_vb, l, input, h)?);
        }
        let k = 1.0 / (a as f64).sqrt();
        Ok(Self {
            embedding: vb.get_with_hints(
                (config.vocab_size, e),
                "embedding.weight",
                Init::Randn {
                    mean: 0.0,
                    stdev: 0.3,
                },
            )?,
            layers,
            proj: linear(2 * h, a, vb.pp("attention.proj"))?,
            v: vb.get_with_hints(
                (1, a),
                "attention.v.weight",
                Init::Uniform { lo: -k, up: k },
            )?,
            classifier: linear(2 * h, config.labels.len(), vb.pp("classifier"))?,
            dropout,
        })
    }

    /// ids (B, T) u32, valid (B, T) f32 → (logits (B, classes), pooling weights (B, T)).
    pub fn forward(&self, ids: &Tensor, valid: &Tensor, train: bool) -> Result<(Tensor, Tensor)> {
        let (b, t) = ids.dims2()?;
        let e = self.embedding.dim(1)?;
        let mut x = self
            .embedding
            .embedding(&ids.flatten_all()?)?
            .reshape((b, t, e))?;
        for layer in &self.layers {
            x = dropout(&x, self.dropout, train)?;
            x = layer.run(&x, valid)?.0; // (B, T, 2H)
        }
        let scores = additive_scores(&self.proj.forward(&x)?, &self.v)?; // (B, T)
        let weights = softmax(&(scores + key_bias(valid)?)?)?; // (B, T)
        let context = x.broadcast_mul(&weights.unsqueeze(D::Minus1)?)?.sum(1)?; // (B, 2H)
        let logits = self
            .classifier
            .forward(&dropout(&context, self.dropout, train)?)?;
        Ok((logits, weights))
    }
}
