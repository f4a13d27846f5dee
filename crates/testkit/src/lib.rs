//! attnscope-testkit: what tests, benchmarks and the trainer's seeded splits share — a
//! deterministic generator ([`SplitMix`]), the model sizes the engines are compared at
//! ([`reference_configs`]) and random weights for any config as safetensors bytes
//! ([`random_tensors`], [`to_safetensors`]). Kept out of `attnscope-core` so the
//! specification (and the app's wasm) carries no test scaffolding.
#![warn(missing_docs)]

use attnscope_core::config::{BiLstmConfig, ModelConfig, Seq2SeqConfig, TransformerConfig};
use attnscope_core::manifest::tensors;

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
            activation: attnscope_core::config::Activation::Gelu,
            norm_first: false,
            final_norm: false,
            pooling: attnscope_core::config::Pooling::Cls,
            labels: labels.clone(),
            pad_id: 0,
            positions: Default::default(),
            embedding_norm: false,
            layout: Default::default(),
            causal: false,
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

/// A reference decoder-only language model (the size of the shipped one): d = 128, 4 heads,
/// 2 pre-norm layers with GELU, d_ff = 512, a final norm, sinusoidal positions, output tied
/// to the embedding, `max_len` tokens.
pub fn decoder_config(vocab: usize, max_len: usize) -> ModelConfig {
    let [ModelConfig::TransformerEncoderClassifier(mut c), ..] = reference_configs(vocab) else {
        unreachable!("the first reference config is the Transformer")
    };
    c.norm_first = true;
    c.final_norm = true;
    c.max_len = max_len;
    c.labels.clear();
    c.pooling = attnscope_core::config::Pooling::Mean;
    c.causal = true;
    ModelConfig::TransformerDecoderLm(c)
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

/// `tensors` with every value rounded to the nearest f16, as the shipped folders store them
/// (still f32s: the engines take the paths they take for f16 files).
pub fn rounded_to_f16(
    mut tensors: Vec<(String, Vec<usize>, Vec<f32>)>,
) -> Vec<(String, Vec<usize>, Vec<f32>)> {
    for (_, _, values) in &mut tensors {
        for v in values.iter_mut() {
            *v = half::f16::from_f32(*v).to_f32();
        }
    }
    tensors
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
