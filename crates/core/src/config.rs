//! `config.json`: the architecture name, its hyper-parameters and label names.
//!
//! Every size is checked against generous limits before any weight is read, so a config can
//! never make the loader allocate more than the limits allow.

mod read;

use crate::ModelError;
use serde::{Deserialize, Serialize};

/// Largest vocabulary accepted.
pub const MAX_VOCAB: usize = 1 << 20;
/// Largest model width, hidden size or feed-forward width accepted.
pub const MAX_WIDTH: usize = 8192;
/// Most layers accepted.
pub const MAX_LAYERS: usize = 64;
/// Longest sequence a config may declare.
pub const MAX_SEQUENCE: usize = 4096;

/// Feed-forward activation of a Transformer layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// max(0, x)
    Relu,
    /// x·Φ(x), the exact (erf) form, as PyTorch's default `gelu`.
    Gelu,
}

/// How a Transformer turns token states into one vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// The state of the first token ([CLS]).
    Cls,
    /// The mean of the states of the unmasked tokens.
    Mean,
}

/// How a Transformer's input learns where each token is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Positions {
    /// The fixed sinusoidal table of Vaswani et al. (our trained models).
    #[default]
    Sinusoidal,
    /// A learned table `position_embedding.weight` (max_len × d), as BERT's absolute
    /// positions (with BERT's token-type-0 row folded in: every input is one segment).
    Learned,
}

/// Whose names the weights file uses. The loaders read our names; a store in another
/// layout maps each of ours to the file's tensors (`crate::hf`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightLayout {
    /// `nn.TransformerEncoderLayer`'s names, as our trainer exports them.
    #[default]
    Attnscope,
    /// Hugging Face `BertModel` (also MiniLM, TinyBERT), optionally under `bert.`.
    HfBert,
    /// Hugging Face `DistilBertModel`, optionally under `distilbert.`.
    HfDistilBert,
}

/// A Transformer encoder classifier's hyper-parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransformerConfig {
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Model width d.
    pub d_model: usize,
    /// Number of attention heads h (d_k = d / h).
    pub n_heads: usize,
    /// Number of encoder layers.
    pub n_layers: usize,
    /// Feed-forward width.
    pub d_ff: usize,
    /// Longest input in tokens (longer inputs are truncated).
    pub max_len: usize,
    /// LayerNorm ε.
    pub layer_norm_eps: f32,
    /// Base of the sinusoidal positional encoding.
    pub pe_base: f64,
    /// Whether embeddings are multiplied by sqrt(d).
    pub scale_embedding: bool,
    /// Feed-forward activation.
    pub activation: Activation,
    /// Pre-norm (`norm_first = true`) or post-norm, as `nn.TransformerEncoderLayer`.
    pub norm_first: bool,
    /// Whether a LayerNorm follows the last layer (`final_norm.*`).
    pub final_norm: bool,
    /// Pooling before the classifier.
    pub pooling: Pooling,
    /// Class names, in logit order.
    pub labels: Vec<String>,
    /// Padding token id.
    pub pad_id: u32,
    /// Sinusoidal or learned positions (optional in config.json: sinusoidal).
    pub positions: Positions,
    /// Whether a LayerNorm (`embedding_norm.*`) follows the embedding, as in BERT (optional in
    /// config.json: false).
    pub embedding_norm: bool,
    /// The weights file's naming (optional in config.json: ours).
    pub layout: WeightLayout,
    /// The look-ahead mask: query i attends to keys j ≤ i only, as in a decoder (optional in
    /// config.json: false; a `TransformerDecoderLm` is always causal).
    pub causal: bool,
}

/// A BiLSTM + attention-pooling classifier's hyper-parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BiLstmConfig {
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Embedding width.
    pub embedding_dim: usize,
    /// LSTM hidden size per direction.
    pub hidden_size: usize,
    /// Number of stacked bidirectional layers.
    pub num_layers: usize,
    /// Width of the additive attention.
    pub attention_dim: usize,
    /// Longest input in tokens.
    pub max_len: usize,
    /// Class names, in logit order.
    pub labels: Vec<String>,
    /// Padding token id.
    pub pad_id: u32,
}

/// A seq2seq translator's hyper-parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Seq2SeqConfig {
    /// Source vocabulary size.
    pub src_vocab_size: usize,
    /// Target vocabulary size.
    pub tgt_vocab_size: usize,
    /// Embedding width (both sides).
    pub embedding_dim: usize,
    /// LSTM hidden size (encoder per direction, and decoder).
    pub hidden_size: usize,
    /// Width of the Bahdanau attention.
    pub attention_dim: usize,
    /// Whether the decoder's input is [embedding; context] (true) or the embedding alone.
    pub input_feeding: bool,
    /// Whether the logits come from Luong's attentional hidden state
    /// h̃ = tanh(W_c·[h; c] + b_c) of width `embedding_dim` (true) or from [h; c] itself
    /// (optional in config.json: false).
    pub attentional_hidden: bool,
    /// Whether the output layer's weight is the target embedding table (weight tying,
    /// Press & Wolf 2017); needs `attentional_hidden`, whose width is the embedding's
    /// (optional in config.json: false).
    pub tie_output_embedding: bool,
    /// Longest source in tokens.
    pub max_src_len: usize,
    /// Most tokens decoded.
    pub max_decode_len: usize,
    /// Padding token id.
    pub pad_id: u32,
    /// Start-of-sequence id fed to the first decoder step.
    pub bos_id: u32,
    /// End-of-sequence id that stops decoding.
    pub eos_id: u32,
}

/// A model's config.json: the `architecture` field names the variant, the other fields are
/// its config's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "architecture")]
pub enum ModelConfig {
    /// See [`crate::transformer`].
    TransformerEncoderClassifier(TransformerConfig),
    /// See [`crate::bilstm`].
    BiLstmAttentionClassifier(BiLstmConfig),
    /// See [`crate::seq2seq`].
    Seq2SeqAttention(Seq2SeqConfig),
    /// See [`crate::decoder`]: the encoder's fields without `labels` and `pooling`, always
    /// causal.
    TransformerDecoderLm(TransformerConfig),
}

/// Read through [`ModelConfig::from_json`]'s reader, so serde users of the type get the same
/// answers and messages.
impl<'de> Deserialize<'de> for ModelConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = serde_json::Value::deserialize(deserializer)?;
        read::model_config(&json).map_err(serde::de::Error::custom)
    }
}

/// `Err(ConfigField)` naming `field` unless `value` is in `low..=high`. Every size is bounded
/// before a single weight is read, so a config.json asking for a huge model fails with its
/// field named instead of an allocation failure (the fuzzer's `model_files` target holds it).
fn check(field: &'static str, value: usize, low: usize, high: usize) -> Result<(), ModelError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(ModelError::ConfigField {
            field,
            reason: format!("{value} is outside {low}..={high}"),
        })
    }
}

/// A classifier needs at least one label, and the probability bars a readable number.
fn check_labels(labels: &[String]) -> Result<(), ModelError> {
    if labels.is_empty() || labels.len() > 1000 {
        return Err(ModelError::ConfigField {
            field: "labels",
            reason: format!("{} labels (need 1..=1000)", labels.len()),
        });
    }
    Ok(())
}

/// The size and value checks of a Transformer stack, encoder or decoder.
fn check_stack(c: &TransformerConfig) -> Result<(), ModelError> {
    check("vocab_size", c.vocab_size, 1, MAX_VOCAB)?;
    // The positional encoding's own limits bound the width and the length.
    check(
        "d_model",
        c.d_model,
        2,
        crate::positional_encoding::MAX_D_MODEL,
    )?;
    check("n_heads", c.n_heads, 1, c.d_model)?;
    // Heads split d evenly (d_k = d / h), and the sinusoidal encoding pairs
    // dimensions as (sin, cos), so d must be even.
    if !c.d_model.is_multiple_of(c.n_heads) || !c.d_model.is_multiple_of(2) {
        return Err(ModelError::ConfigField {
            field: "d_model",
            reason: format!(
                "{} must be even and divisible by n_heads = {}",
                c.d_model, c.n_heads
            ),
        });
    }
    check("n_layers", c.n_layers, 1, MAX_LAYERS)?;
    check("d_ff", c.d_ff, 1, 4 * MAX_WIDTH)?;
    check(
        "max_len",
        c.max_len,
        1,
        crate::positional_encoding::MAX_POSITIONS,
    )?;
    // ε = 0 would divide by zero on a constant row; a base ≤ 1 makes every PE
    // frequency the same or growing, which no longer encodes position.
    if !(c.layer_norm_eps.is_finite() && c.layer_norm_eps > 0.0) {
        return Err(ModelError::ConfigField {
            field: "layer_norm_eps",
            reason: format!("{} is not a positive number", c.layer_norm_eps),
        });
    }
    if !(c.pe_base.is_finite() && c.pe_base > 1.0) {
        return Err(ModelError::ConfigField {
            field: "pe_base",
            reason: format!("{} is not a number above 1", c.pe_base),
        });
    }
    Ok(())
}

impl ModelConfig {
    /// Parses and checks config.json.
    /// A Hugging Face `config.json` (one with a `model_type`) is read by [`crate::hf`].
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ModelError::ConfigParse(e.to_string()))?;
        if crate::hf::is_hf_config(&json) {
            return crate::hf::config_from_hf(&json);
        }
        let config = read::model_config(&json).map_err(ModelError::ConfigParse)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every size against the limits and the values against each other.
    pub fn validate(&self) -> Result<(), ModelError> {
        match self {
            ModelConfig::TransformerDecoderLm(c) => {
                check_stack(c)?;
                // The start token ([CLS]) and the output layer index the embedding: a decoder
                // needs a real vocabulary.
                check("vocab_size", c.vocab_size, 2, MAX_VOCAB)
            }
            ModelConfig::TransformerEncoderClassifier(c) => {
                check_stack(c)?;
                // A Hugging Face encoder may come without a classification head (its
                // output is the hidden state); our own models always classify.
                if c.labels.is_empty() && c.layout != WeightLayout::Attnscope {
                    Ok(())
                } else {
                    check_labels(&c.labels)
                }
            }
            ModelConfig::BiLstmAttentionClassifier(c) => {
                // Widths are bounded for memory (and the GPU's one-thread-per-unit LSTM); the
                // length for the per-keystroke budget, not for correctness.
                check("vocab_size", c.vocab_size, 1, MAX_VOCAB)?;
                check("embedding_dim", c.embedding_dim, 1, MAX_WIDTH)?;
                check("hidden_size", c.hidden_size, 1, MAX_WIDTH)?;
                check("num_layers", c.num_layers, 1, MAX_LAYERS)?;
                check("attention_dim", c.attention_dim, 1, MAX_WIDTH)?;
                check("max_len", c.max_len, 1, MAX_SEQUENCE)?;
                check_labels(&c.labels)
            }
            ModelConfig::Seq2SeqAttention(c) => {
                check("src_vocab_size", c.src_vocab_size, 1, MAX_VOCAB)?;
                // At least pad, start and end tokens on the target side.
                check("tgt_vocab_size", c.tgt_vocab_size, 3, MAX_VOCAB)?;
                check("embedding_dim", c.embedding_dim, 1, MAX_WIDTH)?;
                check("hidden_size", c.hidden_size, 1, MAX_WIDTH)?;
                check("attention_dim", c.attention_dim, 1, MAX_WIDTH)?;
                check("max_src_len", c.max_src_len, 1, MAX_SEQUENCE)?;
                check("max_decode_len", c.max_decode_len, 1, MAX_SEQUENCE)?;
                // The special ids index the target embedding: each must be inside it.
                for (field, id) in [
                    ("bos_id", c.bos_id),
                    ("eos_id", c.eos_id),
                    ("pad_id", c.pad_id),
                ] {
                    check(field, id as usize, 0, c.tgt_vocab_size - 1)?;
                }
                if c.tie_output_embedding && !c.attentional_hidden {
                    return Err(ModelError::ConfigField {
                        field: "tie_output_embedding",
                        reason: "needs attentional_hidden (the output layer's input must be \
                                 as wide as the target embedding)"
                            .to_owned(),
                    });
                }
                Ok(())
            }
        }
    }
}
