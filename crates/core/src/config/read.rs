//! config.json read by hand into a [`ModelConfig`]: the `architecture` field names the
//! variant, the others are its config's fields (unknown ones ignored, `#[serde(default)]`
//! ones optional). serde's derive did this before and cost 20 KB of the browser's wasm (its
//! internally tagged enum buffers the input and instantiates every variant's reader for the
//! buffer); these few readers over `serde_json::Value` say the same things in less. The
//! messages keep serde's wording ("missing field `d_model`", "unknown variant `X`").

use super::{
    Activation, BiLstmConfig, ModelConfig, Pooling, Positions, Seq2SeqConfig, TransformerConfig,
    WeightLayout,
};
use serde_json::{Map, Value};

/// A config field's type, read from its JSON value.
trait FieldValue: Sized {
    /// What the field must hold, for messages.
    const EXPECTED: &'static str;
    /// The value, or `None` if it is not one of these.
    fn read(value: &Value) -> Option<Self>;
}

impl FieldValue for usize {
    const EXPECTED: &'static str = "an unsigned integer";
    fn read(value: &Value) -> Option<Self> {
        value.as_u64().and_then(|v| Self::try_from(v).ok())
    }
}

impl FieldValue for u32 {
    const EXPECTED: &'static str = "an unsigned 32-bit integer";
    fn read(value: &Value) -> Option<Self> {
        value.as_u64().and_then(|v| Self::try_from(v).ok())
    }
}

impl FieldValue for f32 {
    const EXPECTED: &'static str = "a number";
    fn read(value: &Value) -> Option<Self> {
        value.as_f64().map(|v| v as f32)
    }
}

impl FieldValue for f64 {
    const EXPECTED: &'static str = "a number";
    fn read(value: &Value) -> Option<Self> {
        value.as_f64()
    }
}

impl FieldValue for bool {
    const EXPECTED: &'static str = "true or false";
    fn read(value: &Value) -> Option<Self> {
        value.as_bool()
    }
}

impl FieldValue for Vec<String> {
    const EXPECTED: &'static str = "a list of strings";
    fn read(value: &Value) -> Option<Self> {
        value
            .as_array()?
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect()
    }
}

/// The enums, by the names their `Serialize` writes.
macro_rules! named_values {
    ($type:ty, $expected:literal, [$($name:literal => $value:expr),+ $(,)?]) => {
        impl FieldValue for $type {
            const EXPECTED: &'static str = $expected;
            fn read(value: &Value) -> Option<Self> {
                match value.as_str()? {
                    $($name => Some($value),)+
                    _ => None,
                }
            }
        }
    };
}

named_values!(Activation, "`relu` or `gelu`", [
    "relu" => Activation::Relu,
    "gelu" => Activation::Gelu,
]);
named_values!(Pooling, "`cls` or `mean`", ["cls" => Pooling::Cls, "mean" => Pooling::Mean]);
named_values!(Positions, "`sinusoidal` or `learned`", [
    "sinusoidal" => Positions::Sinusoidal,
    "learned" => Positions::Learned,
]);
named_values!(WeightLayout, "`attnscope`, `hf_bert` or `hf_distil_bert`", [
    "attnscope" => WeightLayout::Attnscope,
    "hf_bert" => WeightLayout::HfBert,
    "hf_distil_bert" => WeightLayout::HfDistilBert,
]);

/// A config.json object's fields, read by name.
struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    /// A field that must be present.
    fn required<T: FieldValue>(&self, name: &str) -> Result<T, String> {
        let value = self
            .0
            .get(name)
            .ok_or_else(|| format!("missing field `{name}`"))?;
        T::read(value).ok_or_else(|| {
            let mut shown = value.to_string();
            if shown.len() > 40 {
                shown = format!("{}…", shown.chars().take(40).collect::<String>());
            }
            format!(
                "invalid value {shown} for `{name}`, expected {}",
                T::EXPECTED
            )
        })
    }

    /// A field that may be absent (its type's default then).
    fn or_default<T: FieldValue + Default>(&self, name: &str) -> Result<T, String> {
        match self.0.get(name) {
            None => Ok(T::default()),
            Some(_) => self.required(name),
        }
    }
}

/// The architectures config.json may name.
const ARCHITECTURES: &str = "`TransformerEncoderClassifier`, `BiLstmAttentionClassifier`, \
     `Seq2SeqAttention`, `TransformerDecoderLm`";

/// The fields every Transformer stack reads (encoder or decoder), with the head's own.
fn transformer(
    f: &Fields<'_>,
    pooling: Pooling,
    labels: Vec<String>,
    causal: bool,
) -> Result<TransformerConfig, String> {
    Ok(TransformerConfig {
        vocab_size: f.required("vocab_size")?,
        d_model: f.required("d_model")?,
        n_heads: f.required("n_heads")?,
        n_layers: f.required("n_layers")?,
        d_ff: f.required("d_ff")?,
        max_len: f.required("max_len")?,
        layer_norm_eps: f.required("layer_norm_eps")?,
        pe_base: f.required("pe_base")?,
        scale_embedding: f.required("scale_embedding")?,
        activation: f.required("activation")?,
        norm_first: f.required("norm_first")?,
        final_norm: f.required("final_norm")?,
        pooling,
        labels,
        pad_id: f.required("pad_id")?,
        positions: f.or_default("positions")?,
        embedding_norm: f.or_default("embedding_norm")?,
        layout: f.or_default("layout")?,
        causal,
    })
}

/// Reads a parsed config.json (not yet checked: see [`ModelConfig::validate`]).
pub(super) fn model_config(json: &Value) -> Result<ModelConfig, String> {
    let object = json
        .as_object()
        .ok_or("config.json must be a JSON object")?;
    let architecture = object
        .get("architecture")
        .ok_or("missing field `architecture`")?
        .as_str()
        .ok_or("`architecture` must be a string")?;
    let f = Fields(object);
    Ok(match architecture {
        "TransformerEncoderClassifier" => ModelConfig::TransformerEncoderClassifier(transformer(
            &f,
            f.required("pooling")?,
            f.required("labels")?,
            f.or_default("causal")?,
        )?),
        // A decoder has no classifier (no labels, no pooling) and is causal by definition.
        "TransformerDecoderLm" => {
            ModelConfig::TransformerDecoderLm(transformer(&f, Pooling::Mean, Vec::new(), true)?)
        }
        "BiLstmAttentionClassifier" => ModelConfig::BiLstmAttentionClassifier(BiLstmConfig {
            vocab_size: f.required("vocab_size")?,
            embedding_dim: f.required("embedding_dim")?,
            hidden_size: f.required("hidden_size")?,
            num_layers: f.required("num_layers")?,
            attention_dim: f.required("attention_dim")?,
            max_len: f.required("max_len")?,
            labels: f.required("labels")?,
            pad_id: f.required("pad_id")?,
        }),
        "Seq2SeqAttention" => ModelConfig::Seq2SeqAttention(Seq2SeqConfig {
            src_vocab_size: f.required("src_vocab_size")?,
            tgt_vocab_size: f.required("tgt_vocab_size")?,
            embedding_dim: f.required("embedding_dim")?,
            hidden_size: f.required("hidden_size")?,
            attention_dim: f.required("attention_dim")?,
            input_feeding: f.required("input_feeding")?,
            attentional_hidden: f.or_default("attentional_hidden")?,
            tie_output_embedding: f.or_default("tie_output_embedding")?,
            max_src_len: f.required("max_src_len")?,
            max_decode_len: f.required("max_decode_len")?,
            pad_id: f.required("pad_id")?,
            bos_id: f.required("bos_id")?,
            eos_id: f.required("eos_id")?,
        }),
        other => {
            return Err(format!(
                "unknown variant `{other}`, expected one of {ARCHITECTURES}"
            ))
        }
    })
}
