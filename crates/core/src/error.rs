//! Typed errors of model loading. Each names the file part, tensor or field that is wrong.

use thiserror::Error;

/// Why a model folder (config, weights, tokenizer) cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    /// config.json is not valid JSON for any known architecture.
    #[error("config.json does not parse: {0}")]
    ConfigParse(String),
    /// A config field has a value attnscope refuses.
    #[error("config.json field `{field}` is invalid: {reason}")]
    ConfigField {
        /// The field's name.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// model.safetensors is not a valid safetensors file.
    #[error("model.safetensors is malformed: {0}")]
    Safetensors(String),
    /// A tensor the architecture needs is absent.
    #[error("tensor `{0}` is missing from model.safetensors")]
    MissingTensor(String),
    /// A tensor has a shape that disagrees with config.json.
    #[error("tensor `{name}` has shape {found:?}, config.json implies {expected:?}")]
    ShapeMismatch {
        /// The tensor's name.
        name: String,
        /// The shape the config implies.
        expected: Vec<usize>,
        /// The shape in the file.
        found: Vec<usize>,
    },
    /// A tensor is stored in a type attnscope does not read.
    #[error("tensor `{name}` has dtype {dtype}, expected F32, F16 or BF16")]
    UnsupportedDtype {
        /// The tensor's name.
        name: String,
        /// Its dtype, as the file names it.
        dtype: String,
    },
    /// A tensor holds NaN or infinite values.
    #[error("tensor `{0}` contains NaN or infinite values")]
    NonFinite(String),
    /// tokenizer.json does not parse or uses something the encoder does not support.
    #[error("tokenizer.json: {0}")]
    Tokenizer(String),
    /// A file could not be read (native loading from a path).
    #[error("cannot read {path}: {reason}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
}
