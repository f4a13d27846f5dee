//! The decoder-only language model on the GPU, equal to `attnscope_core::decoder`: the
//! encoder's planned stack ([`GpuTransformer`]) under the look-ahead mask — applied inside
//! `attention.wgsl`, so a key after its query never contributes and weighs exactly 0 — then
//! core's own output layer ([`LmHead`]) over the last hidden state the forward already reads
//! back. One submit, one readback: the maps and the hidden state.
//!
//! The output layer runs beside the readback rather than as a kernel: at the shipped size it
//! is one (V × d) · d product (0.9 M multiply-adds), and the hidden state comes back anyway
//! for the views. Held equal to the CPU reference by `tests/decoder_parity.rs`.

use crate::plan::{Loaded, Planned};
use crate::transformer::GpuTransformer;
use crate::{GpuContext, GpuError, LoadError};
use attnscope_core::config::TransformerConfig;
use attnscope_core::decoder::{DecoderOutput, LmHead};
use attnscope_core::trace::Interventions;
use attnscope_core::weights::WeightStore;
use attnscope_core::Matrix;

/// A decoder-only language model loaded onto the GPU.
pub struct GpuDecoder {
    /// The causal layer stack, without a classifier.
    stack: GpuTransformer,
    /// E (V, d): the tied output layer reads it (empty with an own `lm_head`).
    embedding: Matrix,
    /// The output layer.
    head: LmHead,
}

impl Loaded for GpuDecoder {
    fn planned(&self) -> &Planned {
        self.stack.planned()
    }
}

impl GpuDecoder {
    /// Loads the stack with `causal` set and no labels (as core's loader does), and the
    /// output layer.
    pub async fn load(
        context: &GpuContext,
        mut config: TransformerConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, LoadError> {
        config.causal = true;
        config.labels.clear();
        let (vocab, d) = (config.vocab_size, config.d_model);
        let head = LmHead::load(store, d, vocab)?;
        let embedding = match head {
            LmHead::Tied => store.matrix("embedding.weight", vocab, d)?,
            LmHead::Own(_) => Matrix::zeros(0, d),
        };
        let stack = GpuTransformer::load(context, config, store).await?;
        Ok(Self {
            stack,
            embedding,
            head,
        })
    }

    /// Runs the decoder on `ids` (at most `max_len`): the causal maps and the next-token
    /// candidates after the last position.
    pub async fn forward(
        &self,
        ids: &[u32],
        iv: &Interventions,
    ) -> Result<DecoderOutput, GpuError> {
        let out = self.stack.forward(ids, iv).await?;
        let next = match out.hidden.rows() {
            0 => Vec::new(),
            t => self
                .head
                .next_tokens(&self.embedding, out.hidden.row(t - 1)),
        };
        Ok(DecoderOutput {
            attention: out.attention,
            detail: None,
            next,
            hidden: out.hidden,
            // The GPU engine runs every position each time (a forward at T = 128 is well
            // under a frame there); keeping keys and values is the CPU reference's.
            reused: 0,
        })
    }
}
