//! Tensors from a safetensors file, checked against the shapes a config implies.
//!
//! The `safetensors` crate validates the header against the buffer (a header claiming
//! gigabytes in a small file is refused before anything is allocated). Here each tensor is
//! read only when the architecture asks for it by name and shape, converted to `f32`
//! (from F32, F16 or BF16), and refused if it holds NaN or infinities.

use crate::config::{ModelConfig, WeightLayout};
use crate::hf::{self, Source};
use crate::{Matrix, ModelError};
use safetensors::{Dtype, SafeTensors};

/// A parsed safetensors buffer; borrows the bytes. Tensors are asked for by our names; a
/// store in a Hugging Face layout ([`WeightStore::for_config`]) reads each from the file's
/// own tensors (see [`crate::hf::source`]).
pub struct WeightStore<'a> {
    tensors: SafeTensors<'a>,
    layout: WeightLayout,
    prefix: &'static str,
}

impl<'a> WeightStore<'a> {
    /// The bytes its tensors take once converted to f32 (what an engine uploads).
    pub fn f32_bytes(&self) -> u64 {
        self.tensors
            .tensors()
            .iter()
            .map(|(_, view)| view.shape().iter().product::<usize>() as u64 * 4)
            .sum()
    }

    /// Parses the header of a safetensors file.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ModelError> {
        let tensors =
            SafeTensors::deserialize(bytes).map_err(|e| ModelError::Safetensors(e.to_string()))?;
        Ok(Self {
            tensors,
            layout: WeightLayout::Attnscope,
            prefix: "",
        })
    }

    /// Parses a safetensors file named as `config`'s layout says (our names, or a Hugging
    /// Face checkpoint's, with or without its `bert.` / `distilbert.` prefix).
    pub fn for_config(bytes: &'a [u8], config: &ModelConfig) -> Result<Self, ModelError> {
        let mut store = Self::parse(bytes)?;
        if let ModelConfig::TransformerEncoderClassifier(c) = config {
            store.layout = c.layout;
            store.prefix = hf::prefix(c.layout, |name| store.tensors.tensor(name).is_ok());
        }
        Ok(store)
    }

    /// The tensor `name` (ours), which must have exactly `shape`, as row-major `f32`.
    pub fn tensor(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, ModelError> {
        match hf::source(self.layout, self.prefix, name) {
            Source::Tensor(file_name) => self.file_tensor(&file_name, shape),
            Source::Stacked(parts) => {
                // Each part has an equal share of the rows: (3d, d) from three (d, d).
                let share = [&[shape[0] / parts.len()], &shape[1..]].concat();
                let mut values = Vec::new();
                for part in &parts {
                    values.extend(self.file_tensor(part, &share)?);
                }
                Ok(values)
            }
            Source::PositionsWithType {
                positions,
                token_types,
            } => {
                let mut table = self.file_tensor(&positions, shape)?;
                let types = self.shape(&token_types).unwrap_or_default();
                let types = self.file_tensor(
                    &token_types,
                    &[types.first().copied().unwrap_or(0).max(1), shape[1]],
                )?;
                for row in table.chunks_exact_mut(shape[1]) {
                    for (p, t) in row.iter_mut().zip(&types[..shape[1]]) {
                        *p += t;
                    }
                }
                Ok(table)
            }
        }
    }

    /// The file's tensor `name`, which must have exactly `shape`, as row-major `f32`.
    fn file_tensor(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, ModelError> {
        let view = self
            .tensors
            .tensor(name)
            .map_err(|_| ModelError::MissingTensor(name.to_owned()))?;
        // The shape is checked before any value is converted: a folder whose config and
        // weights disagree is refused with both shapes named, never read half-way.
        if view.shape() != shape {
            return Err(ModelError::ShapeMismatch {
                name: name.to_owned(),
                expected: shape.to_vec(),
                found: view.shape().to_vec(),
            });
        }
        // Everything becomes f32, the one type both engines compute in: the shipped folders
        // are f16 (half the download), PyTorch checkpoints are often bf16. safetensors is
        // little-endian by definition, so the bytes are decoded explicitly, not transmuted.
        let bytes = view.data();
        let values: Vec<f32> = match view.dtype() {
            Dtype::F32 => bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::F16 => bytes
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            Dtype::BF16 => bytes
                .chunks_exact(2)
                .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            other => {
                return Err(ModelError::UnsupportedDtype {
                    name: name.to_owned(),
                    dtype: format!("{other:?}"),
                })
            }
        };
        // A NaN or ∞ weight would turn every map it touches into NaN far from its cause;
        // refusing it here names the tensor instead.
        if values.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite(name.to_owned()));
        }
        Ok(values)
    }

    /// A `rows × cols` matrix tensor.
    pub fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Matrix, ModelError> {
        let data = self.tensor(name, &[rows, cols])?;
        Ok(Matrix::from_vec(rows, cols, data).expect("shape checked"))
    }

    /// A vector tensor of `len` values.
    pub fn vector(&self, name: &str, len: usize) -> Result<Vec<f32>, ModelError> {
        self.tensor(name, &[len])
    }

    /// An integer tensor (I64 or I32), as `i64`: for test inputs, not weights.
    pub fn integers(&self, name: &str) -> Result<Vec<i64>, ModelError> {
        let view = self
            .tensors
            .tensor(name)
            .map_err(|_| ModelError::MissingTensor(name.to_owned()))?;
        let bytes = view.data();
        match view.dtype() {
            Dtype::I64 => Ok(bytes
                .chunks_exact(8)
                .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
                .collect()),
            Dtype::I32 => Ok(bytes
                .chunks_exact(4)
                .map(|b| i32::from_le_bytes(b.try_into().expect("4 bytes")) as i64)
                .collect()),
            other => Err(ModelError::UnsupportedDtype {
                name: name.to_owned(),
                dtype: format!("{other:?}"),
            }),
        }
    }

    /// The shape of a tensor, if present.
    pub fn shape(&self, name: &str) -> Option<Vec<usize>> {
        self.tensors
            .tensor(name)
            .ok()
            .map(|view| view.shape().to_vec())
    }
}

/// The string metadata of a safetensors file (`__metadata__`), if any.
pub fn metadata(bytes: &[u8]) -> Result<std::collections::HashMap<String, String>, ModelError> {
    let (_, meta) =
        SafeTensors::read_metadata(bytes).map_err(|e| ModelError::Safetensors(e.to_string()))?;
    Ok(meta.metadata().clone().unwrap_or_default())
}
