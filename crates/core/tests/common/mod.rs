//! Helpers shared by the integration tests: random model folders in memory.
#![allow(dead_code)]

use attnscope_core::config::ModelConfig;

/// Named f32 tensors: (name, shape, values).
pub type Tensors = Vec<(String, Vec<usize>, Vec<f32>)>;

/// safetensors bytes of named f32 tensors.
pub fn safetensors_bytes(tensors: &[(String, Vec<usize>, Vec<f32>)]) -> Vec<u8> {
    attnscope_testkit::to_safetensors(tensors)
}

/// Random weights for every tensor `config` implies.
pub fn random_weights(config: &ModelConfig, seed: u64, scale: f32) -> Tensors {
    attnscope_testkit::random_tensors(config, seed, scale)
}

/// A WordPiece tokenizer.json over `words` (ids 5.. after the five specials), lower-casing
/// BERT normaliser, [CLS] … [SEP] template.
pub fn tokenizer_json(words: &[&str]) -> String {
    let mut vocab = serde_json::Map::new();
    for (i, t) in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .iter()
        .chain(words)
        .enumerate()
    {
        vocab.insert(t.to_string(), serde_json::json!(i));
    }
    let added: Vec<_> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": i, "content": t, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}))
        .collect();
    serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [], "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
        "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": vocab}
    })
    .to_string()
}

/// A small vocabulary for test sentences.
pub const WORDS: &[&str] = &[
    "the", "movie", "was", "not", "bad", "good", "great", "awful", "plot", "i", "love", "python",
    "red", "car", "a", "is", "it", "##s", "##ing", "!", ".", ",", "el", "coche", "rojo", "me",
    "gusta", "amo",
];

/// A Transformer config over [`WORDS`].
pub fn transformer_config(norm_first: bool, max_len: usize) -> ModelConfig {
    ModelConfig::from_json(&serde_json::json!({
        "architecture": "TransformerEncoderClassifier", "vocab_size": 5 + WORDS.len(), "d_model": 16, "n_heads": 4,
        "n_layers": 2, "d_ff": 24, "max_len": max_len, "layer_norm_eps": 1e-5, "pe_base": 10000.0,
        "scale_embedding": true, "activation": "gelu", "norm_first": norm_first, "final_norm": norm_first,
        "pooling": "cls", "labels": ["negative", "positive"], "pad_id": 0
    }).to_string()).unwrap()
}

/// A decoder-only language model over [`WORDS`] (output tied to the embedding).
pub fn decoder_config(max_len: usize) -> ModelConfig {
    ModelConfig::from_json(&serde_json::json!({
        "architecture": "TransformerDecoderLm", "vocab_size": 5 + WORDS.len(), "d_model": 16, "n_heads": 4,
        "n_layers": 2, "d_ff": 24, "max_len": max_len, "layer_norm_eps": 1e-5, "pe_base": 10000.0,
        "scale_embedding": true, "activation": "gelu", "norm_first": true, "final_norm": true, "pad_id": 0
    }).to_string()).unwrap()
}

/// A BiLSTM config over [`WORDS`].
pub fn bilstm_config() -> ModelConfig {
    ModelConfig::from_json(&serde_json::json!({
        "architecture": "BiLstmAttentionClassifier", "vocab_size": 5 + WORDS.len(), "embedding_dim": 8,
        "hidden_size": 6, "num_layers": 2, "attention_dim": 5, "max_len": 64,
        "labels": ["business", "entertainment", "politics", "sport", "tech"], "pad_id": 0
    }).to_string()).unwrap()
}

/// A seq2seq config over [`WORDS`] on both sides.
pub fn seq2seq_config() -> ModelConfig {
    ModelConfig::from_json(&serde_json::json!({
        "architecture": "Seq2SeqAttention", "src_vocab_size": 5 + WORDS.len(), "tgt_vocab_size": 5 + WORDS.len(),
        "embedding_dim": 8, "hidden_size": 6, "attention_dim": 5, "input_feeding": true, "max_src_len": 64,
        "max_decode_len": 10, "pad_id": 0, "bos_id": 2, "eos_id": 3
    }).to_string()).unwrap()
}

/// config.json text of a config.
pub fn config_json(config: &ModelConfig) -> String {
    serde_json::to_string(config).unwrap()
}
