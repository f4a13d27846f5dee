//! The tensors (names and shapes) each architecture's config implies: what a trainer must
//! export, and what tests fill with random weights. `tests/model.rs` checks that every
//! loader accepts exactly its manifest.

use crate::config::{BiLstmConfig, ModelConfig, Seq2SeqConfig, TransformerConfig};

/// (name, shape) of every tensor a model of this config reads.
pub fn tensors(config: &ModelConfig) -> Vec<(String, Vec<usize>)> {
    match config {
        ModelConfig::TransformerEncoderClassifier(c) => transformer(c),
        ModelConfig::BiLstmAttentionClassifier(c) => bilstm(c),
        ModelConfig::Seq2SeqAttention(c) => seq2seq(c),
    }
}

fn linear(
    out: &mut Vec<(String, Vec<usize>)>,
    prefix: &str,
    input: usize,
    output: usize,
    bias: bool,
) {
    out.push((format!("{prefix}.weight"), vec![output, input]));
    if bias {
        out.push((format!("{prefix}.bias"), vec![output]));
    }
}

fn lstm(
    out: &mut Vec<(String, Vec<usize>)>,
    prefix: &str,
    suffix: &str,
    input: usize,
    hidden: usize,
) {
    out.push((
        format!("{prefix}weight_ih{suffix}"),
        vec![4 * hidden, input],
    ));
    out.push((
        format!("{prefix}weight_hh{suffix}"),
        vec![4 * hidden, hidden],
    ));
    out.push((format!("{prefix}bias_ih{suffix}"), vec![4 * hidden]));
    out.push((format!("{prefix}bias_hh{suffix}"), vec![4 * hidden]));
}

fn transformer(c: &TransformerConfig) -> Vec<(String, Vec<usize>)> {
    let (d, ff) = (c.d_model, c.d_ff);
    let mut out = vec![("embedding.weight".to_owned(), vec![c.vocab_size, d])];
    for l in 0..c.n_layers {
        let p = format!("layers.{l}");
        out.push((format!("{p}.self_attn.in_proj_weight"), vec![3 * d, d]));
        out.push((format!("{p}.self_attn.in_proj_bias"), vec![3 * d]));
        linear(&mut out, &format!("{p}.self_attn.out_proj"), d, d, true);
        linear(&mut out, &format!("{p}.linear1"), d, ff, true);
        linear(&mut out, &format!("{p}.linear2"), ff, d, true);
        for norm in ["norm1", "norm2"] {
            out.push((format!("{p}.{norm}.weight"), vec![d]));
            out.push((format!("{p}.{norm}.bias"), vec![d]));
        }
    }
    if c.final_norm {
        out.push(("final_norm.weight".to_owned(), vec![d]));
        out.push(("final_norm.bias".to_owned(), vec![d]));
    }
    linear(&mut out, "classifier", d, c.labels.len(), true);
    out
}

fn bilstm(c: &BiLstmConfig) -> Vec<(String, Vec<usize>)> {
    let (e, h, a) = (c.embedding_dim, c.hidden_size, c.attention_dim);
    let mut out = vec![("embedding.weight".to_owned(), vec![c.vocab_size, e])];
    for l in 0..c.num_layers {
        let input = if l == 0 { e } else { 2 * h };
        lstm(&mut out, "lstm.", &format!("_l{l}"), input, h);
        lstm(&mut out, "lstm.", &format!("_l{l}_reverse"), input, h);
    }
    linear(&mut out, "attention.proj", 2 * h, a, true);
    out.push(("attention.v.weight".to_owned(), vec![1, a]));
    linear(&mut out, "classifier", 2 * h, c.labels.len(), true);
    out
}

fn seq2seq(c: &Seq2SeqConfig) -> Vec<(String, Vec<usize>)> {
    let (e, h, a) = (c.embedding_dim, c.hidden_size, c.attention_dim);
    let mut out = vec![
        ("src_embedding.weight".to_owned(), vec![c.src_vocab_size, e]),
        ("tgt_embedding.weight".to_owned(), vec![c.tgt_vocab_size, e]),
    ];
    lstm(&mut out, "encoder.", "_l0", e, h);
    lstm(&mut out, "encoder.", "_l0_reverse", e, h);
    linear(&mut out, "bridge_h", 2 * h, h, true);
    linear(&mut out, "bridge_c", 2 * h, h, true);
    lstm(
        &mut out,
        "decoder.",
        "",
        if c.input_feeding { e + 2 * h } else { e },
        h,
    );
    linear(&mut out, "attention.query", h, a, false);
    linear(&mut out, "attention.key", 2 * h, a, true);
    out.push(("attention.v.weight".to_owned(), vec![1, a]));
    if c.attentional_hidden {
        linear(&mut out, "combine", 3 * h, e, true);
    }
    if c.tie_output_embedding {
        out.push(("output.bias".to_owned(), vec![c.tgt_vocab_size]));
    } else {
        let width = if c.attentional_hidden { e } else { 3 * h };
        linear(&mut out, "output", width, c.tgt_vocab_size, true);
    }
    out
}

/// A deterministic generator (SplitMix64), for random weights and test inputs.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [−scale, scale).
    pub fn uniform(&mut self, scale: f32) -> f32 {
        ((self.next_u64() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The default model sizes the benchmarks measure (and the engines are compared at):
/// Transformer d = 128, 4 heads, 2 layers, d_ff = 512; BiLSTM embedding and hidden 128,
/// 2 layers; seq2seq embedding and hidden 128, 12 decoding steps; `vocab` entries everywhere.
pub fn reference_configs(vocab: usize) -> [ModelConfig; 3] {
    let labels = vec!["negative".to_owned(), "positive".to_owned()];
    [
        ModelConfig::TransformerEncoderClassifier(TransformerConfig {
            vocab_size: vocab,
            d_model: 128,
            n_heads: 4,
            n_layers: 2,
            d_ff: 512,
            max_len: 512,
            layer_norm_eps: 1e-5,
            pe_base: 10_000.0,
            scale_embedding: true,
            activation: crate::config::Activation::Gelu,
            norm_first: false,
            final_norm: false,
            pooling: crate::config::Pooling::Cls,
            labels: labels.clone(),
            pad_id: 0,
        }),
        ModelConfig::BiLstmAttentionClassifier(BiLstmConfig {
            vocab_size: vocab,
            embedding_dim: 128,
            hidden_size: 128,
            num_layers: 2,
            attention_dim: 128,
            max_len: 512,
            labels,
            pad_id: 0,
        }),
        ModelConfig::Seq2SeqAttention(Seq2SeqConfig {
            src_vocab_size: vocab,
            tgt_vocab_size: vocab,
            embedding_dim: 128,
            hidden_size: 128,
            attention_dim: 128,
            input_feeding: true,
            attentional_hidden: true,
            tie_output_embedding: true,
            max_src_len: 512,
            max_decode_len: 12,
            pad_id: 0,
            bos_id: 2,
            eos_id: 3,
        }),
    ]
}

/// Uniform random values in [−scale, scale) for every tensor `config` implies, from `seed`:
/// (name, shape, values). For tests, benchmarks and engine parity checks.
pub fn random_tensors(
    config: &ModelConfig,
    seed: u64,
    scale: f32,
) -> Vec<(String, Vec<usize>, Vec<f32>)> {
    let mut rng = SplitMix(seed);
    tensors(config)
        .into_iter()
        .map(|(name, shape)| {
            let values = (0..shape.iter().product::<usize>())
                .map(|_| rng.uniform(scale))
                .collect();
            (name, shape, values)
        })
        .collect()
}

/// safetensors bytes (F32) of named tensors.
pub fn to_safetensors(tensors: &[(String, Vec<usize>, Vec<f32>)]) -> Vec<u8> {
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, _, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect())
        .collect();
    let views = tensors.iter().zip(&bytes).map(|((name, shape, _), data)| {
        (
            name.clone(),
            safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), data)
                .expect("shape matches data"),
        )
    });
    safetensors::serialize(views, None).expect("in-memory serialisation")
}
