//! What the two classifier engines (Transformer, BiLSTM) share around their planned steps:
//! the input buffers written per forward (token ids, flags), the head's output read back
//! ([logits | probabilities], written by `head.wgsl`), the staging buffer, and the forward
//! itself — write the inputs, record every step into one pass, submit once, read the
//! attention the views need and the class scores in one readback.

use crate::buffers;
use crate::plan::{submit_and_read, Region, Steps};
use crate::{GpuContext, GpuError};
use attnscope_core::trace::Classification;

/// A classifier's per-forward inputs and read-back outputs.
pub(crate) struct ClassifierIo {
    /// Token ids (max_len words).
    pub ids: wgpu::Buffer,
    /// Per-forward flags: the key mask (1 = masked), then whatever else the engine needs
    /// (the Transformer's head mask).
    pub flags: wgpu::Buffer,
    /// [logits (C) | softmax(logits) (C)], as `head.wgsl` writes them.
    pub scores: wgpu::Buffer,
    /// Where the attention and the scores are copied to be read.
    staging: wgpu::Buffer,
    labels: Vec<String>,
}

/// One forward's read-back values: the attention region's words and the classification.
pub(crate) struct ClassifierRead {
    /// The words of the read regions, one after another (maps or pooling weights; then the
    /// Transformer's hidden state).
    pub attention: Vec<f32>,
    /// Labels, logits and probabilities.
    pub classification: Classification,
}

impl ClassifierIo {
    /// Buffers for `max_len` ids, `flags` flag words, `labels.len()` classes, and an attention
    /// readback of at most `attention` words.
    pub fn new(
        device: &wgpu::Device,
        max_len: usize,
        flags: usize,
        labels: &[String],
        attention: usize,
    ) -> Self {
        let classes = labels.len();
        let input = |label: &str, words: usize| {
            buffers::storage(device, label, words, wgpu::BufferUsages::COPY_DST)
        };
        Self {
            ids: input("ids", max_len),
            flags: input("flags", flags),
            scores: buffers::storage(device, "scores", 2 * classes, wgpu::BufferUsages::COPY_SRC),
            staging: buffers::staging(device, "staging", attention + 2 * classes),
            labels: labels.to_vec(),
        }
    }

    /// Runs `steps` on the first `t` of `ids` with `flags` and the per-forward `scale`: one
    /// pass, one submit, one readback of the `reads` regions (the attention, and for a
    /// Transformer its hidden state), one after another, then the logits and probabilities.
    #[allow(clippy::too_many_arguments)]
    pub async fn forward(
        &self,
        context: &GpuContext,
        steps: &Steps,
        label: &str,
        ids: &[u32],
        flags: &[u32],
        scale: f32,
        reads: &[Region<'_>],
    ) -> Result<ClassifierRead, GpuError> {
        context.check_not_lost()?;
        let (queue, t) = (&context.queue, ids.len() as u32);
        // 1. Inputs: T and the scale into every uniform, the ids (one word even for an empty
        //    input: a zero-byte write is invalid), the flags.
        steps.write_uniforms(queue, t, scale);
        let id_words: &[u32] = if ids.is_empty() { &[0] } else { ids };
        queue.write_buffer(&self.ids, 0, bytemuck::cast_slice(id_words));
        queue.write_buffer(&self.flags, 0, bytemuck::cast_slice(flags));
        // 2. Every step in one pass, then one submit and one readback.
        let mut encoder = context.encoder(label);
        steps.record(&mut encoder, label, t, scale);
        let (words, classes) = (reads.iter().map(|r| r.floats).sum(), self.labels.len());
        let scores = Region::new(&self.scores, 0, 2 * classes);
        // An encoder without a classifier has no scores to read (no zero-sized copies).
        let regions: Vec<Region> = reads
            .iter()
            .copied()
            .chain([scores])
            .filter(|r| r.floats > 0)
            .collect();
        let mut values = submit_and_read(context, encoder, &regions, &self.staging).await?;
        // 3. [attention | logits | probabilities] split into their parts.
        let probabilities = values.split_off(words + classes);
        let logits = values.split_off(words);
        Ok(ClassifierRead {
            attention: values,
            classification: Classification {
                labels: self.labels.clone(),
                logits,
                probabilities,
            },
        })
    }
}
