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
        let view = self.file_view(name, shape)?;
        decode(name, view.dtype(), view.data())
    }

    /// The file's tensor `name` with its shape checked against `shape` (before any value is
    /// converted: a folder whose config and weights disagree is refused with both shapes
    /// named, never read half-way).
    fn file_view(
        &self,
        name: &str,
        shape: &[usize],
    ) -> Result<safetensors::tensor::TensorView<'_>, ModelError> {
        let view = self
            .tensors
            .tensor(name)
            .map_err(|_| ModelError::MissingTensor(name.to_owned()))?;
        if view.shape() != shape {
            return Err(ModelError::ShapeMismatch {
                name: name.to_owned(),
                expected: shape.to_vec(),
                found: view.shape().to_vec(),
            });
        }
        Ok(view)
    }

    /// The tensor `name`, checked as [`WeightStore::tensor`] checks it, handed to `each` in
    /// pieces of whole rows, at most `chunk_floats` values each (at least one row), with the
    /// offset of each piece: an engine can upload a 47 MB embedding table without its whole
    /// f32 copy in memory at once. A tensor assembled from several of the file's (a Hugging
    /// Face layout's stacked projections, positions with token types) comes in one piece.
    /// On an error some pieces may already have been handed over.
    pub fn tensor_in_chunks(
        &self,
        name: &str,
        shape: &[usize],
        chunk_floats: usize,
        mut each: impl FnMut(usize, &[f32]),
    ) -> Result<(), ModelError> {
        let Source::Tensor(file_name) = hf::source(self.layout, self.prefix, name) else {
            each(0, &self.tensor(name, shape)?);
            return Ok(());
        };
        let view = self.file_view(&file_name, shape)?;
        let row: usize = shape.iter().skip(1).product::<usize>().max(1);
        let rows_per_chunk = (chunk_floats / row).max(1);
        let width = view.data().len() / shape.iter().product::<usize>().max(1);
        if width == 0 {
            // An empty tensor: no values, but the same dtype check.
            each(0, &decode(&file_name, view.dtype(), &[])?);
            return Ok(());
        }
        for (i, bytes) in view.data().chunks(rows_per_chunk * row * width).enumerate() {
            each(
                i * rows_per_chunk * row,
                &decode(&file_name, view.dtype(), bytes)?,
            );
        }
        Ok(())
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

/// Little-endian `bytes` of `dtype` as f32 (safetensors is little-endian by definition, so
/// the bytes are decoded explicitly, not transmuted), refused if any value is NaN or ∞.
fn decode(name: &str, dtype: Dtype, bytes: &[u8]) -> Result<Vec<f32>, ModelError> {
    // Everything becomes f32, the one type both engines compute in: the shipped folders are
    // f16 (half the download), PyTorch checkpoints are often bf16.
    let values: Vec<f32> = match dtype {
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

/// The string metadata of a safetensors file (`__metadata__`), if any.
pub fn metadata(bytes: &[u8]) -> Result<std::collections::HashMap<String, String>, ModelError> {
    let (_, meta) =
        SafeTensors::read_metadata(bytes).map_err(|e| ModelError::Safetensors(e.to_string()))?;
    Ok(meta.metadata().clone().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use safetensors::tensor::TensorView;

    /// A safetensors file of one f16 tensor `w` of `shape` holding `values`.
    fn file(shape: &[usize], values: &[f32]) -> Vec<u8> {
        let bytes: Vec<u8> = values
            .iter()
            .flat_map(|&v| half::f16::from_f32(v).to_le_bytes())
            .collect();
        let view = TensorView::new(Dtype::F16, shape.to_vec(), &bytes).expect("a valid view");
        safetensors::serialize([("w", view)], None).expect("serialises")
    }

    #[test]
    fn chunks_of_whole_rows_reassemble_the_tensor() {
        let values: Vec<f32> = (0..15).map(|i| i as f32 * 0.5).collect();
        let bytes = file(&[5, 3], &values);
        let store = WeightStore::parse(&bytes).expect("parses");
        let whole = store.tensor("w", &[5, 3]).expect("reads");
        for (chunk, pieces) in [(4, 5), (6, 3), (100, 1), (1, 5)] {
            let mut seen = Vec::new();
            let mut offsets = Vec::new();
            store
                .tensor_in_chunks("w", &[5, 3], chunk, |at, piece| {
                    offsets.push(at);
                    assert_eq!(piece.len() % 3, 0, "whole rows only");
                    seen.extend_from_slice(piece);
                })
                .expect("reads");
            assert_eq!(seen, whole, "chunk {chunk}");
            assert_eq!(offsets.len(), pieces, "chunk {chunk}");
            assert!(offsets.windows(2).all(|w| w[1] > w[0]));
        }
    }

    #[test]
    fn chunks_are_checked_as_the_whole_tensor_is() {
        let bytes = file(&[2, 2], &[1.0, 2.0, 3.0, f32::NAN]);
        let store = WeightStore::parse(&bytes).expect("parses");
        let read = |shape: &[usize]| store.tensor_in_chunks("w", shape, 2, |_, _| {});
        assert!(matches!(read(&[2, 2]), Err(ModelError::NonFinite(n)) if n == "w"));
        assert!(matches!(
            read(&[4, 1]),
            Err(ModelError::ShapeMismatch { .. })
        ));
        assert!(matches!(
            store.tensor_in_chunks("missing", &[1], 2, |_, _| {}),
            Err(ModelError::MissingTensor(_))
        ));
    }
}
