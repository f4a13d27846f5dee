//! `Seq2SeqAttention` in candle (equations: `attnscope_core::seq2seq`), with Luong's
//! attentional hidden state and the output layer tied to the target embedding, as shipped.

use super::{additive_scores, dropout, key_bias, softmax, BiLstmLayer, LstmDirection};
use attnscope_core::config::Seq2SeqConfig;
use candle_core::{IndexOp, Module, Result, Tensor};
use candle_nn::{linear, linear_no_bias, Init, Linear, VarBuilder};

/// The translator.
#[derive(Debug, Clone)]
pub struct Seq2Seq {
    config: Seq2SeqConfig,
    src_embedding: Tensor, // (V_src, e)
    tgt_embedding: Tensor, // (V_tgt, e)
    encoder: BiLstmLayer,
    bridge_h: Linear,
    bridge_c: Linear,
    decoder: LstmDirection,
    query: Linear,
    key: Linear,
    v: Tensor, // (1, a)
    combine: Linear,
    output_bias: Tensor, // (V_tgt)
    dropout: f32,
}

/// The encoder's results one decoding needs.
pub struct Encoded {
    states: Tensor,   // (B, S, 2H)
    keys: Tensor,     // (B, S, a)
    src_bias: Tensor, // (B, S)
    h: Tensor,        // (B, H)
    c: Tensor,        // (B, H)
}

impl Seq2Seq {
    /// Builds (or loads) the network; needs `attentional_hidden` and `tie_output_embedding`.
    pub fn new(config: &Seq2SeqConfig, vb: VarBuilder, dropout: f32) -> Result<Self> {
        if !(config.attentional_hidden && config.tie_output_embedding && config.input_feeding) {
            candle_core::bail!("the trainer builds the attentional, tied, input-feeding variant");
        }
        let (e, h, a) = (
            config.embedding_dim,
            config.hidden_size,
            config.attention_dim,
        );
        let embedding = |name: &str, vocab: usize| {
            vb.get_with_hints(
                (vocab, e),
                name,
                Init::Randn {
                    mean: 0.0,
                    stdev: 0.1,
                },
            )
        };
        let k = 1.0 / (a as f64).sqrt();
        Ok(Self {
            src_embedding: embedding("src_embedding.weight", config.src_vocab_size)?,
            tgt_embedding: embedding("tgt_embedding.weight", config.tgt_vocab_size)?,
            encoder: BiLstmLayer::new(&vb.pp("encoder"), 0, e, h)?,
            bridge_h: linear(2 * h, h, vb.pp("bridge_h"))?,
            bridge_c: linear(2 * h, h, vb.pp("bridge_c"))?,
            decoder: LstmDirection::new(&vb.pp("decoder"), "", e + 2 * h, h)?,
            query: linear_no_bias(h, a, vb.pp("attention.query"))?,
            key: linear(2 * h, a, vb.pp("attention.key"))?,
            v: vb.get_with_hints(
                (1, a),
                "attention.v.weight",
                Init::Uniform { lo: -k, up: k },
            )?,
            combine: linear(3 * h, e, vb.pp("combine"))?,
            output_bias: vb.get_with_hints(
                config.tgt_vocab_size,
                "output.bias",
                Init::Const(0.0),
            )?,
            config: config.clone(),
            dropout,
        })
    }

    /// Encodes src (B, S) with valid (B, S).
    pub fn encode(&self, src: &Tensor, valid: &Tensor, train: bool) -> Result<Encoded> {
        let (b, s) = src.dims2()?;
        let e = self.config.embedding_dim;
        let x = self
            .src_embedding
            .embedding(&src.flatten_all()?)?
            .reshape((b, s, e))?;
        let x = dropout(&x, self.dropout, train)?;
        let (states, [(hf, cf), (hb, cb)]) = self.encoder.run(&x, valid)?;
        let h = self.bridge_h.forward(&Tensor::cat(&[hf, hb], 1)?)?.tanh()?;
        let c = self.bridge_c.forward(&Tensor::cat(&[cf, cb], 1)?)?;
        Ok(Encoded {
            keys: self.key.forward(&states)?,
            states,
            src_bias: key_bias(valid)?,
            h,
            c,
        })
    }

    /// One decoder step from the previous tokens `y` (B) u32: returns the attentional hidden
    /// state h̃ (B, e) and the attention weights (B, S), and advances `enc.h`, `enc.c`.
    pub fn step(&self, enc: &mut Encoded, y: &Tensor, train: bool) -> Result<(Tensor, Tensor)> {
        let q = self.query.forward(&enc.h)?.unsqueeze(1)?; // (B, 1, a)
        let scores = additive_scores(&enc.keys.broadcast_add(&q)?, &self.v)?; // (B, S)
        let alpha = softmax(&(scores + &enc.src_bias)?)?;
        let context = alpha.unsqueeze(1)?.matmul(&enc.states)?.squeeze(1)?; // (B, 2H)
        let embedded = dropout(&self.tgt_embedding.embedding(y)?, self.dropout, train)?;
        let input = Tensor::cat(&[&embedded, &context], 1)?;
        let projected = self.decoder.project(&input)?;
        (enc.h, enc.c) = self.decoder.step(&projected, &enc.h, &enc.c)?;
        let features = self
            .combine
            .forward(&Tensor::cat(&[&enc.h, &context], 1)?)?
            .tanh()?; // (B, e)
        Ok((features, alpha))
    }

    /// Logits from attentional hidden states (…, e): h̃·E_tgtᵀ + b.
    pub fn logits(&self, features: &Tensor) -> Result<Tensor> {
        features
            .broadcast_matmul(&self.tgt_embedding.t()?)?
            .broadcast_add(&self.output_bias)
    }

    /// Teacher-forced logits (B, L, V_tgt) for decoder inputs `tgt_in` (B, L).
    pub fn forward(
        &self,
        src: &Tensor,
        src_valid: &Tensor,
        tgt_in: &Tensor,
        train: bool,
    ) -> Result<Tensor> {
        let mut enc = self.encode(src, src_valid, train)?;
        let steps = tgt_in.dim(1)?;
        let mut features = Vec::with_capacity(steps);
        for t in 0..steps {
            let (f, _) = self.step(&mut enc, &tgt_in.i((.., t))?.contiguous()?, train)?;
            features.push(f);
        }
        let features = dropout(&Tensor::stack(&features, 1)?, self.dropout, train)?;
        self.logits(&features)
    }

    /// Greedy decoding of one source (1, S): the ids and every step's logits (steps, V).
    /// As attnscope-core decodes, each step takes the best token other than the one just
    /// written.
    pub fn greedy(&self, src: &Tensor) -> Result<(Vec<u32>, Tensor)> {
        let valid = Tensor::ones(src.dims(), candle_core::DType::F32, src.device())?;
        let mut enc = self.encode(src, &valid, false)?;
        let (mut y, mut ids, mut all) = (self.config.bos_id, Vec::new(), Vec::new());
        for _ in 0..self.config.max_decode_len {
            let (features, _) = self.step(&mut enc, &Tensor::new(&[y], src.device())?, false)?;
            let logits = self.logits(&features)?.squeeze(0)?;
            y = attnscope_core::ops::argmax_skipping(&logits.to_vec1::<f32>()?, y as usize) as u32;
            all.push(logits);
            ids.push(y);
            if y == self.config.eos_id {
                break;
            }
        }
        Ok((ids, Tensor::stack(&all, 0)?))
    }
}
