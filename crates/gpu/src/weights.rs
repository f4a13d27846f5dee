//! The weight-upload steps every engine shares: read the tensors a model's manifest names
//! (checked exactly as the CPU loader checks them, so both engines refuse the same files with
//! the same typed error), and lay out a bidirectional LSTM layer as `lstm.wgsl` reads it.

use crate::buffers;
use crate::kernels::lstm;
use attnscope_core::config::ModelConfig;
use attnscope_core::manifest;
use attnscope_core::weights::WeightStore;
use attnscope_core::ModelError;
use std::collections::HashMap;

/// Every tensor of a model, by its PyTorch name, as f32 values (f16 files are widened).
pub struct Tensors(HashMap<String, Vec<f32>>);

impl Tensors {
    /// Reads every tensor `config`'s manifest names from `store`; a missing tensor or a
    /// shape that disagrees with the config is the CPU loader's typed error.
    pub fn read(config: &ModelConfig, store: &WeightStore<'_>) -> Result<Self, ModelError> {
        // Only the manifest's tensors are read: extra tensors in a file are ignored, as the
        // CPU loader ignores them, and each is widened to f32 once, here.
        let mut values = HashMap::new();
        for (name, shape) in manifest::tensors(config) {
            let data = store.tensor(&name, &shape)?;
            values.insert(name, data);
        }
        Ok(Self(values))
    }

    /// The tensor `name`. The manifest listed it, so `read` has checked it exists.
    pub fn get(&self, name: &str) -> &[f32] {
        self.0
            .get(name)
            .unwrap_or_else(|| panic!("{name} is in the model's manifest"))
    }

    /// Whether the manifest has `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Every (name, values), in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[f32])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// `a + b` element-wise (the LSTMs' b_ih + b_hh, added once at upload).
pub fn sum(a: &[f32], b: &[f32]) -> Vec<f32> {
    a.iter().zip(b).map(|(x, y)| x + y).collect()
}

/// One bidirectional LSTM layer on the GPU, both directions stacked (forward first).
pub struct BiLstmLayer {
    /// [W_ih→; W_ih←] (8H × in): the input projection of every step, one `matmul`.
    pub w_ih: wgpu::Buffer,
    /// [b_ih→ + b_hh→; b_ih← + b_hh←] (8H), the projection's bias.
    pub bias: wgpu::Buffer,
    /// [W_hh→; W_hh←] as `lstm.wgsl` reads them ([`lstm::w_hh_chunks`]).
    pub w_hh: wgpu::Buffer,
    /// How `w_hh` holds the weights: the `lstm.wgsl` variant to run.
    pub precision: lstm::Precision,
}

impl BiLstmLayer {
    /// Uploads layer `layer` of the PyTorch `nn.LSTM` named `module` (its tensors are
    /// `{module}.weight_ih_l{layer}`, … and the `_reverse` twins), hidden size `h`.
    pub fn upload(
        device: &wgpu::Device,
        tensors: &Tensors,
        module: &str,
        layer: usize,
        h: usize,
    ) -> Self {
        // Forward direction first, then backward, in every buffer: `lstm.wgsl`'s workgroup d
        // reads rows d·4H.. of each, and the projection writes both directions' gates side by
        // side (8H per step).
        let part = |kind: &str, reverse: bool| {
            let suffix = if reverse { "_reverse" } else { "" };
            tensors.get(&format!("{module}.{kind}_l{layer}{suffix}"))
        };
        let bias = |reverse: bool| sum(part("bias_ih", reverse), part("bias_hh", reverse));
        let (w_hh, precision) =
            lstm::w_hh_chunks([part("weight_hh", false), part("weight_hh", true)], h);
        Self {
            w_ih: buffers::upload(
                device,
                &format!("{module} l{layer} w_ih"),
                &[part("weight_ih", false), part("weight_ih", true)].concat(),
            ),
            bias: buffers::upload(
                device,
                &format!("{module} l{layer} b"),
                &[bias(false), bias(true)].concat(),
            ),
            w_hh: buffers::upload_words(device, &format!("{module} l{layer} w_hh"), &w_hh),
            precision,
        }
    }
}
