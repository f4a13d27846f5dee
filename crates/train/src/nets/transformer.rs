//! `TransformerEncoderClassifier` in candle (equations: `attnscope_core::transformer`).

use super::{dropout, key_bias, softmax, LayerNorm};
use attnscope_core::config::{Activation, Pooling, TransformerConfig};
use attnscope_core::positional_encoding::{positional_encoding, PeParams};
use candle_core::{Device, IndexOp, Module, Result, Tensor, D};
use candle_nn::{linear, Init, Linear, VarBuilder};

/// One encoder layer.
#[derive(Debug, Clone)]
struct Layer {
    in_proj_weight: Tensor, // (3d, d)
    in_proj_bias: Tensor,   // (3d)
    out_proj: Linear,
    linear1: Linear,
    linear2: Linear,
    norm1: LayerNorm,
    norm2: LayerNorm,
}

/// The classifier.
#[derive(Debug, Clone)]
pub struct Transformer {
    config: TransformerConfig,
    embedding: Tensor, // (V, d)
    pe: Tensor,        // (max_len, d)
    layers: Vec<Layer>,
    final_norm: Option<LayerNorm>,
    classifier: Linear,
    dropout: f32,
}

impl Transformer {
    /// Builds (or loads, from a safetensors-backed `vb`) the network.
    pub fn new(config: &TransformerConfig, vb: VarBuilder, dropout: f32) -> Result<Self> {
        let (d, ff) = (config.d_model, config.d_ff);
        let eps = config.layer_norm_eps as f64;
        let std = (d as f64).powf(-0.5);
        let embedding = vb.get_with_hints(
            (config.vocab_size, d),
            "embedding.weight",
            Init::Randn {
                mean: 0.0,
                stdev: if config.scale_embedding { std } else { 1.0 },
            },
        )?;
        let params = PeParams::new(config.max_len, d, config.pe_base)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        let pe_matrix = positional_encoding(&params).into_matrix();
        let pe = Tensor::from_slice(pe_matrix.as_slice(), (config.max_len, d), &Device::Cpu)?;
        let xavier = (6.0 / (4 * d) as f64).sqrt();
        let mut layers = Vec::new();
        for l in 0..config.n_layers {
            let vb = vb.pp(format!("layers.{l}"));
            layers.push(Layer {
                in_proj_weight: vb.get_with_hints(
                    (3 * d, d),
                    "self_attn.in_proj_weight",
                    Init::Uniform {
                        lo: -xavier,
                        up: xavier,
                    },
                )?,
                in_proj_bias: vb.get_with_hints(
                    3 * d,
                    "self_attn.in_proj_bias",
                    Init::Const(0.0),
                )?,
                out_proj: linear(d, d, vb.pp("self_attn.out_proj"))?,
                linear1: linear(d, ff, vb.pp("linear1"))?,
                linear2: linear(ff, d, vb.pp("linear2"))?,
                norm1: LayerNorm::new(d, eps, vb.pp("norm1"))?,
                norm2: LayerNorm::new(d, eps, vb.pp("norm2"))?,
            });
        }
        let final_norm = if config.final_norm {
            Some(LayerNorm::new(d, eps, vb.pp("final_norm"))?)
        } else {
            None
        };
        Ok(Self {
            classifier: linear(d, config.labels.len(), vb.pp("classifier"))?,
            config: config.clone(),
            embedding,
            pe,
            layers,
            final_norm,
            dropout,
        })
    }

    fn attention(&self, layer: &Layer, x: &Tensor, bias: &Tensor, train: bool) -> Result<Tensor> {
        let (b, t, d) = x.dims3()?;
        let h = self.config.n_heads;
        let dk = d / h;
        let qkv = x
            .broadcast_matmul(&layer.in_proj_weight.t()?)?
            .broadcast_add(&layer.in_proj_bias)?; // (B, T, 3d)
        let heads = |i: usize| -> Result<Tensor> {
            qkv.narrow(2, i * d, d)?
                .reshape((b, t, h, dk))?
                .transpose(1, 2)?
                .contiguous() // (B, h, T, d_k)
        };
        let (q, k, v) = (heads(0)?, heads(1)?, heads(2)?);
        let scores =
            (q.matmul(&k.t()?.contiguous()?)? / (dk as f64).sqrt())?.broadcast_add(bias)?;
        let weights = dropout(&softmax(&scores)?, self.dropout, train)?; // (B, h, T, T)
        let out = weights.matmul(&v)?.transpose(1, 2)?.reshape((b, t, d))?;
        layer.out_proj.forward(&out)
    }

    fn feed_forward(&self, layer: &Layer, x: &Tensor, train: bool) -> Result<Tensor> {
        let hidden = layer.linear1.forward(x)?;
        let hidden = match self.config.activation {
            Activation::Gelu => hidden.gelu_erf()?,
            Activation::Relu => hidden.relu()?,
        };
        layer
            .linear2
            .forward(&dropout(&hidden, self.dropout, train)?)
    }

    /// ids (B, T) u32, valid (B, T) f32 → logits (B, classes).
    pub fn forward(&self, ids: &Tensor, valid: &Tensor, train: bool) -> Result<Tensor> {
        let (b, t) = ids.dims2()?;
        let d = self.config.d_model;
        let mut x = self
            .embedding
            .embedding(&ids.flatten_all()?)?
            .reshape((b, t, d))?;
        if self.config.scale_embedding {
            x = (x * (d as f64).sqrt())?;
        }
        x = x.broadcast_add(&self.pe.narrow(0, 0, t)?)?;
        x = dropout(&x, self.dropout, train)?;
        let bias = key_bias(valid)?.reshape((b, 1, 1, t))?;
        for layer in &self.layers {
            if self.config.norm_first {
                let a = self.attention(layer, &layer.norm1.forward(&x)?, &bias, train)?;
                x = (&x + dropout(&a, self.dropout, train)?)?;
                let f = self.feed_forward(layer, &layer.norm2.forward(&x)?, train)?;
                x = (&x + dropout(&f, self.dropout, train)?)?;
            } else {
                let a = self.attention(layer, &x, &bias, train)?;
                x = layer
                    .norm1
                    .forward(&(&x + dropout(&a, self.dropout, train)?)?)?;
                let f = self.feed_forward(layer, &x, train)?;
                x = layer
                    .norm2
                    .forward(&(&x + dropout(&f, self.dropout, train)?)?)?;
            }
        }
        if let Some(norm) = &self.final_norm {
            x = norm.forward(&x)?;
        }
        let pooled = match self.config.pooling {
            Pooling::Cls => x.i((.., 0, ..))?,
            Pooling::Mean => {
                let mask = valid.unsqueeze(D::Minus1)?; // (B, T, 1)
                x.broadcast_mul(&mask)?
                    .sum(1)?
                    .broadcast_div(&mask.sum(1)?)?
            }
        };
        self.classifier
            .forward(&dropout(&pooled, self.dropout, train)?)
    }
}
