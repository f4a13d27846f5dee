//! Reading the supported subset of `tokenizer.json`.
//!
//! The subset is what BERT-style WordPiece folders use: a `BertNormalizer` (or none), a
//! `BertPreTokenizer` or `WhitespaceSplit`, a `WordPiece` model, added tokens matched on raw
//! text, and a `BertProcessing` or one-sequence `TemplateProcessing` post-processor. Anything
//! else is refused with a [`ModelError::Tokenizer`] naming the field and what is supported,
//! because a tokenizer that silently differs from Hugging Face's would give wrong ids, and
//! wrong ids give plausible-looking but wrong attention maps.

use super::normalize::Normalizer;
use super::{AddedToken, PreTokenizer, WordPieceTokenizer};
use crate::ModelError;
use serde_json::Value;
use std::collections::HashMap;

/// The typed error of a tokenizer.json that cannot be read.
fn err(message: impl Into<String>) -> ModelError {
    ModelError::Tokenizer(message.into())
}

/// The `"type"` of a component ("" when absent, which no supported component is called).
fn kind(value: &Value) -> &str {
    value.get("type").and_then(Value::as_str).unwrap_or("")
}

/// A boolean option of a component, with HF's default when the file leaves it out.
fn flag(value: &Value, key: &str, default: bool) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(default)
}

/// The normalizer: `null` (none) or `BertNormalizer`. HF's `strip_accents: null` means
/// "follow `lowercase`", so an uncased model strips accents and a cased one keeps them.
fn normalizer(value: &Value) -> Result<Option<Normalizer>, ModelError> {
    match kind(value) {
        _ if value.is_null() => Ok(None),
        "BertNormalizer" => {
            let lowercase = flag(value, "lowercase", true);
            Ok(Some(Normalizer {
                clean_text: flag(value, "clean_text", true),
                handle_chinese_chars: flag(value, "handle_chinese_chars", true),
                strip_accents: value
                    .get("strip_accents")
                    .and_then(Value::as_bool)
                    .unwrap_or(lowercase),
                lowercase,
            }))
        }
        other => Err(err(format!(
            "normalizer type “{other}” is not supported (BertNormalizer or null)"
        ))),
    }
}

/// The pre-tokenizer: `BertPreTokenizer` (split on whitespace and punctuation, as BERT) or
/// `WhitespaceSplit` (whitespace only, as our trained tokenizers when asked).
fn pre_tokenizer(value: &Value) -> Result<PreTokenizer, ModelError> {
    match kind(value) {
        "BertPreTokenizer" => Ok(PreTokenizer::Bert),
        "WhitespaceSplit" => Ok(PreTokenizer::WhitespaceSplit),
        other => Err(err(format!(
            "pre_tokenizer type “{other}” is not supported (BertPreTokenizer or WhitespaceSplit)"
        ))),
    }
}

/// The special tokens a post-processor puts (before, after) one sequence, with their ids.
type Template = (Vec<(String, u32)>, Vec<(String, u32)>);

/// Special tokens before and after the sequence, from the post-processor.
fn template(value: &Value, vocab: &HashMap<String, u32>) -> Result<Template, ModelError> {
    // `BertProcessing` writes each special token as a [token, id] pair.
    let pair = |v: &Value, what: &str| -> Result<(String, u32), ModelError> {
        let token = v
            .get(0)
            .and_then(Value::as_str)
            .ok_or_else(|| err(format!("post_processor.{what} is not [token, id]")))?;
        let id = v
            .get(1)
            .and_then(Value::as_u64)
            .ok_or_else(|| err(format!("post_processor.{what} is not [token, id]")))?;
        Ok((token.to_owned(), id as u32))
    };
    match kind(value) {
        _ if value.is_null() => Ok((Vec::new(), Vec::new())),
        "BertProcessing" => Ok((
            vec![pair(&value["cls"], "cls")?],
            vec![pair(&value["sep"], "sep")?],
        )),
        "TemplateProcessing" => {
            let single = value
                .get("single")
                .and_then(Value::as_array)
                .ok_or_else(|| err("post_processor.single is missing"))?;
            // `single` lists the pieces of a one-sequence input in order; every special token
            // before the `Sequence` piece goes before the text, every one after it after.
            // A token's id comes from `special_tokens`, else from the vocabulary.
            let specials = value.get("special_tokens").cloned().unwrap_or(Value::Null);
            let (mut before, mut after, mut seen_sequence) = (Vec::new(), Vec::new(), false);
            for item in single {
                if item.get("Sequence").is_some() {
                    seen_sequence = true;
                } else if let Some(name) = item
                    .get("SpecialToken")
                    .and_then(|s| s.get("id"))
                    .and_then(Value::as_str)
                {
                    let id = specials
                        .get(name)
                        .and_then(|s| s.get("ids"))
                        .and_then(|ids| ids.get(0))
                        .and_then(Value::as_u64)
                        .map(|id| id as u32)
                        .or_else(|| vocab.get(name).copied())
                        .ok_or_else(|| {
                            err(format!("post_processor special token “{name}” has no id"))
                        })?;
                    if seen_sequence {
                        &mut after
                    } else {
                        &mut before
                    }
                    .push((name.to_owned(), id));
                }
            }
            Ok((before, after))
        }
        other => Err(err(format!(
            "post_processor type “{other}” is not supported"
        ))),
    }
}

/// Parses tokenizer.json (see the module documentation of [`super`] for the subset).
pub fn tokenizer(text: &str) -> Result<WordPieceTokenizer, ModelError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| err(format!("not valid JSON: {e}")))?;
    // The model: WordPiece only (BPE and Unigram tokenize differently).
    let model = root.get("model").ok_or_else(|| err("no “model”"))?;
    if kind(model) != "WordPiece" {
        return Err(err(format!(
            "model type “{}” is not supported (WordPiece)",
            kind(model)
        )));
    }
    let vocab: HashMap<String, u32> = model
        .get("vocab")
        .and_then(Value::as_object)
        .ok_or_else(|| err("model.vocab is missing"))?
        .iter()
        .map(|(k, v)| {
            v.as_u64()
                .filter(|&id| id < u32::MAX as u64)
                .map(|id| (k.clone(), id as u32))
                .ok_or_else(|| err(format!("model.vocab[“{k}”] is not an id")))
        })
        .collect::<Result<_, _>>()?;
    // The unknown token must be in the vocabulary: every word WordPiece cannot split maps to it.
    let unk_token = model
        .get("unk_token")
        .and_then(Value::as_str)
        .unwrap_or("[UNK]")
        .to_owned();
    let unk_id = *vocab.get(&unk_token).ok_or_else(|| {
        err(format!(
            "the unknown token “{unk_token}” is not in the vocabulary"
        ))
    })?;
    // Added tokens are matched on the raw text before normalisation; the options that would
    // change that matching are refused rather than ignored.
    let added = root
        .get("added_tokens")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|a| {
                    let content = a.get("content").and_then(Value::as_str).ok_or_else(|| err("an added token has no content"))?;
                    let id = a.get("id").and_then(Value::as_u64).ok_or_else(|| err(format!("added token “{content}” has no id")))?;
                    if flag(a, "normalized", false) || flag(a, "single_word", false) || flag(a, "lstrip", false) || flag(a, "rstrip", false) {
                        return Err(err(format!("added token “{content}”: normalized/single_word/lstrip/rstrip are not supported")));
                    }
                    Ok(AddedToken { content: content.to_owned(), id: id as u32, special: flag(a, "special", false) })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    let (before, after) = template(root.get("post_processor").unwrap_or(&Value::Null), &vocab)?;
    let by_id = tokens_by_id(&vocab, &added)?;
    Ok(WordPieceTokenizer {
        by_id,
        normalizer: normalizer(root.get("normalizer").unwrap_or(&Value::Null))?,
        pre_tokenizer: pre_tokenizer(root.get("pre_tokenizer").unwrap_or(&Value::Null))?,
        prefix: model
            .get("continuing_subword_prefix")
            .and_then(Value::as_str)
            .unwrap_or("##")
            .to_owned(),
        max_input_chars_per_word: model
            .get("max_input_chars_per_word")
            .and_then(Value::as_u64)
            .unwrap_or(100) as usize,
        unk: (unk_token, unk_id),
        vocab,
        added,
        before,
        after,
    })
}

/// Largest token id accepted: far above any WordPiece vocabulary (BERT's has 30,522), and
/// exact as an f32 (the GPU translator keeps ids in f32 words).
const MAX_TOKEN_ID: u32 = 1 << 24;

/// Id → token string as a table (an added token wins over a vocabulary entry with its id),
/// so naming a generated token is an index, not a scan of the vocabulary.
fn tokens_by_id(
    vocab: &HashMap<String, u32>,
    added: &[AddedToken],
) -> Result<Vec<Option<String>>, ModelError> {
    let entries = vocab
        .iter()
        .map(|(token, &id)| (token, id))
        .chain(added.iter().map(|a| (&a.content, a.id)));
    let mut by_id: Vec<Option<String>> = Vec::new();
    for (token, id) in entries {
        if id >= MAX_TOKEN_ID {
            return Err(ModelError::Tokenizer(format!(
                "token id {id} (of {token:?}) is above the largest supported id {MAX_TOKEN_ID}"
            )));
        }
        let at = id as usize;
        if by_id.len() <= at {
            by_id.resize(at + 1, None);
        }
        by_id[at] = Some(token.clone());
    }
    Ok(by_id)
}
