//! Hugging Face BERT-family folders: their `config.json`, their weight names, and a
//! `vocab.txt` in place of `tokenizer.json`.
//!
//! Supported: `model_type` `bert` (BERT, MiniLM, TinyBERT and every `BertModel` checkpoint,
//! also under `bert.` as in `BertForSequenceClassification`, whose head is then ignored) and
//! `distilbert` (`DistilBertModel`, also under `distilbert.`). Both are post-LayerNorm
//! encoders with learned absolute positions, a LayerNorm after the embedding and exact GELU:
//!
//! ```text
//! X⁰ = LN_emb(E[ids] + P[0..T] + type₀)           (BERT; DistilBERT has no token types)
//! per layer: X = LN₁(X + MHA(X));  X = LN₂(X + FF(X))
//! ```
//!
//! which is [`crate::transformer`] with `positions = learned`, `embedding_norm = true`,
//! `norm_first = false`, GELU and no classifier. Nothing is converted on disk: the weight
//! store maps each of our names to the file's tensors when it is read ([`source`]), so the
//! CPU reference and the GPU engine load a BERT exactly as they load our own models, and a
//! missing tensor is named as the file would name it.

use crate::config::{Activation, ModelConfig, Pooling, Positions, TransformerConfig, WeightLayout};
use crate::ModelError;
use serde_json::Value;

/// Where one of our tensors comes from in a Hugging Face file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One tensor, read as it is.
    Tensor(String),
    /// These tensors' rows, stacked (Q, K and V into our `in_proj`).
    Stacked(Vec<String>),
    /// A learned position table plus row 0 of the token-type table, added to every row
    /// (BERT's one-segment input; the sum is what BERT adds to each word).
    PositionsWithType {
        /// `embeddings.position_embeddings.weight`
        positions: String,
        /// `embeddings.token_type_embeddings.weight`
        token_types: String,
    },
}

/// Whether `config.json` is a Hugging Face config (it names a `model_type`) rather than
/// ours (which names an `architecture`).
pub fn is_hf_config(json: &Value) -> bool {
    json.get("model_type").is_some() && json.get("architecture").is_none()
}

fn field_error(field: &'static str, reason: impl Into<String>) -> ModelError {
    ModelError::ConfigField {
        field,
        reason: reason.into(),
    }
}

/// A whole-number field of an HF config.
fn size(json: &Value, field: &'static str) -> Result<usize, ModelError> {
    json.get(field)
        .and_then(Value::as_u64)
        .map(|v| v as usize)
        .ok_or_else(|| field_error(field, "missing or not a whole number"))
}

/// A text field, `default` when absent.
fn text<'a>(json: &'a Value, field: &str, default: &'a str) -> &'a str {
    json.get(field).and_then(Value::as_str).unwrap_or(default)
}

/// `gelu` only: the exact form both engines compute. The tanh approximation (`gelu_new`)
/// and others would differ from PyTorch by more than the parity tolerance.
fn activation(json: &Value, field: &'static str) -> Result<Activation, ModelError> {
    match text(json, field, "gelu") {
        "gelu" => Ok(Activation::Gelu),
        "relu" => Ok(Activation::Relu),
        other => Err(field_error(
            field,
            format!("“{other}” is not supported (gelu or relu)"),
        )),
    }
}

/// Our config for a Hugging Face `config.json` of a supported `model_type`.
pub fn config_from_hf(json: &Value) -> Result<ModelConfig, ModelError> {
    let model_type = text(json, "model_type", "");
    let base = |d, heads, layers, ff, act, eps, layout| TransformerConfig {
        vocab_size: 0,
        d_model: d,
        n_heads: heads,
        n_layers: layers,
        d_ff: ff,
        max_len: 0,
        layer_norm_eps: eps,
        pe_base: 10000.0,
        scale_embedding: false,
        activation: act,
        norm_first: false,
        final_norm: false,
        pooling: Pooling::Cls,
        labels: Vec::new(),
        pad_id: json
            .get("pad_token_id")
            .and_then(Value::as_u64)
            .unwrap_or(0) as u32,
        positions: Positions::Learned,
        embedding_norm: true,
        layout,
        causal: false,
    };
    let mut config = match model_type {
        "bert" => {
            let kind = text(json, "position_embedding_type", "absolute");
            if kind != "absolute" {
                return Err(field_error(
                    "position_embedding_type",
                    format!("“{kind}” is not supported (absolute)"),
                ));
            }
            if size(json, "type_vocab_size")? == 0 {
                return Err(field_error(
                    "type_vocab_size",
                    "0 (BERT needs token type 0)",
                ));
            }
            let eps = json
                .get("layer_norm_eps")
                .and_then(Value::as_f64)
                .unwrap_or(1e-12) as f32;
            base(
                size(json, "hidden_size")?,
                size(json, "num_attention_heads")?,
                size(json, "num_hidden_layers")?,
                size(json, "intermediate_size")?,
                activation(json, "hidden_act")?,
                eps,
                WeightLayout::HfBert,
            )
        }
        "distilbert" => {
            if json.get("sinusoidal_pos_embds").and_then(Value::as_bool) == Some(true) {
                return Err(field_error(
                    "sinusoidal_pos_embds",
                    "true is not supported (learned positions only)",
                ));
            }
            base(
                size(json, "dim")?,
                size(json, "n_heads")?,
                size(json, "n_layers")?,
                size(json, "hidden_dim")?,
                activation(json, "activation")?,
                1e-12,
                WeightLayout::HfDistilBert,
            )
        }
        other => {
            return Err(field_error(
                "model_type",
                format!("“{other}” is not supported (bert, distilbert)"),
            ))
        }
    };
    config.vocab_size = size(json, "vocab_size")?;
    config.max_len = size(json, "max_position_embeddings")?;
    let config = ModelConfig::TransformerEncoderClassifier(config);
    config.validate()?;
    Ok(config)
}

/// The prefix (`bert.`, `distilbert.` or none) under which a file keeps its encoder,
/// found from the word-embedding tensor, which every checkpoint has.
pub fn prefix(layout: WeightLayout, has: impl Fn(&str) -> bool) -> &'static str {
    let candidates: &[&'static str] = match layout {
        WeightLayout::Attnscope => &[""],
        WeightLayout::HfBert => &["", "bert."],
        WeightLayout::HfDistilBert => &["", "distilbert."],
    };
    candidates
        .iter()
        .copied()
        .find(|p| has(&format!("{p}embeddings.word_embeddings.weight")))
        .unwrap_or("")
}

/// Where our tensor `name` lives in a file of `layout` under `prefix`.
pub fn source(layout: WeightLayout, prefix: &str, name: &str) -> Source {
    let one = |n: String| Source::Tensor(format!("{prefix}{n}"));
    if layout == WeightLayout::Attnscope {
        return Source::Tensor(name.to_owned());
    }
    let bert = layout == WeightLayout::HfBert;
    match name {
        "embedding.weight" => return one("embeddings.word_embeddings.weight".into()),
        "position_embedding.weight" if bert => {
            return Source::PositionsWithType {
                positions: format!("{prefix}embeddings.position_embeddings.weight"),
                token_types: format!("{prefix}embeddings.token_type_embeddings.weight"),
            }
        }
        "position_embedding.weight" => return one("embeddings.position_embeddings.weight".into()),
        _ => {}
    }
    if let Some(part) = name.strip_prefix("embedding_norm.") {
        return one(format!("embeddings.LayerNorm.{part}"));
    }
    // layers.{ℓ}.{rest}
    let Some((layer, rest)) = name.strip_prefix("layers.").and_then(|r| r.split_once('.')) else {
        return Source::Tensor(name.to_owned());
    };
    let (root, names): (String, [&str; 7]) = if bert {
        (
            format!("encoder.layer.{layer}."),
            [
                "attention.self.query",
                "attention.self.key",
                "attention.self.value",
                "attention.output.dense",
                "attention.output.LayerNorm",
                "intermediate.dense",
                "output.dense",
            ],
        )
    } else {
        (
            format!("transformer.layer.{layer}."),
            [
                "attention.q_lin",
                "attention.k_lin",
                "attention.v_lin",
                "attention.out_lin",
                "sa_layer_norm",
                "ffn.lin1",
                "ffn.lin2",
            ],
        )
    };
    let norm2 = if bert {
        "output.LayerNorm"
    } else {
        "output_layer_norm"
    };
    let at = |module: &str, part: &str| format!("{prefix}{root}{module}.{part}");
    let (module, part) = rest.rsplit_once('.').unwrap_or((rest, ""));
    let part = part.replace("in_proj_", "");
    match module {
        "self_attn" => Source::Stacked((0..3).map(|i| at(names[i], &part)).collect()),
        "self_attn.out_proj" => Source::Tensor(at(names[3], &part)),
        "norm1" => Source::Tensor(at(names[4], &part)),
        "linear1" => Source::Tensor(at(names[5], &part)),
        "linear2" => Source::Tensor(at(names[6], &part)),
        "norm2" => Source::Tensor(at(norm2, &part)),
        _ => Source::Tensor(name.to_owned()),
    }
}

/// A `tokenizer.json` for a folder with `vocab.txt` and maybe `tokenizer_config.json`,
/// lower-casing as its `do_lower_case` says (uncased when it says nothing, as BERT's
/// `BertTokenizer` defaults).
pub fn tokenizer_json_from_folder(
    vocab: &str,
    tokenizer_config: Option<&str>,
) -> Result<String, ModelError> {
    let lowercase = tokenizer_config
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
        .and_then(|v| v.get("do_lower_case").and_then(Value::as_bool))
        .unwrap_or(true);
    tokenizer_json_from_vocab(vocab, lowercase)
}

/// A `tokenizer.json` for a folder that has only BERT's `vocab.txt` (one token per line, the
/// id is the line number), with BERT's normaliser (lower-casing as `lowercase` says), its
/// pre-tokenizer and the `[CLS] … [SEP]` wrapping. Refused if a special token is missing.
pub fn tokenizer_json_from_vocab(vocab: &str, lowercase: bool) -> Result<String, ModelError> {
    let mut map = serde_json::Map::new();
    for (id, token) in vocab.lines().enumerate() {
        let token = token.trim_end_matches('\r');
        if !token.is_empty() && !map.contains_key(token) {
            map.insert(token.to_owned(), Value::from(id as u64));
        }
    }
    let id = |token: &str| {
        map.get(token)
            .cloned()
            .ok_or_else(|| ModelError::Tokenizer(format!("vocab.txt has no {token} token")))
    };
    let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
    id("[UNK]")?;
    let specials: Vec<Value> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .iter()
        .filter_map(|t| {
            map.get(*t).map(|id| {
                serde_json::json!({"id": id, "content": t, "special": true,
                    "single_word": false, "lstrip": false, "rstrip": false, "normalized": false})
            })
        })
        .collect();
    let json = serde_json::json!({
        "version": "1.0",
        "added_tokens": specials,
        "normalizer": {"type": "BertNormalizer", "clean_text": true,
            "handle_chinese_chars": true, "strip_accents": null, "lowercase": lowercase},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", sep], "cls": ["[CLS]", cls]},
        "model": {"type": "WordPiece", "unk_token": "[UNK]",
            "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": map},
    });
    Ok(json.to_string())
}
