//! `decoder_attention.wgsl`: one decoding step's Bahdanau attention, q = W_q·h,
//! eⱼ = vᵀ·tanh(kⱼ + q)/temperature, α = softmax over the unmasked j, c = Σⱼ αⱼ sⱼ.
//!
//! CPU twin: the attention step of `attnscope_core::seq2seq` (`ops::masked_softmax` of the
//! scores). Tested by `tests/seq2seq_parity.rs` (the cross-attention rows).

use super::decoder_state::StateLayout;
use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};
use attnscope_core::config::Seq2SeqConfig;

crate::uniform_params! {
    /// The uniform `decoder_attention.wgsl` reads.
    pub struct Params {
        /// The decoding step.
        step: u32,
        /// Source tokens.
        s: u32,
        /// 1 / temperature.
        scale: f32,
        /// Padding.
        _pad: u32,
    }
}

crate::kernel_source!(
    "decoder_attention.wgsl",
    shared ["activations.wgsl", "decoder_done.wgsl"],
    [Uniform, Read, Read, Read, ReadWrite]
);

/// Compiles decoder_attention.wgsl for the translator's sizes and state layout: bindings
/// (params, keys, encoder states, [W_q | v] as vec4 rows, state).
pub async fn kernel(
    context: &GpuContext,
    c: &Seq2SeqConfig,
    layout: &StateLayout,
) -> Result<Kernel, GpuError> {
    let n = |x: usize| x as f64;
    let constants = [
        ("H", n(c.hidden_size)),
        ("A", n(c.attention_dim)),
        ("Q_H", n(c.hidden_size.div_ceil(4))),
        ("S_MAX", n(c.max_src_len)),
        ("OFF_H", n(layout.h)),
        ("OFF_CTX", n(layout.ctx)),
        ("OFF_MASK", n(layout.mask)),
        ("OFF_DONE", n(layout.done)),
        ("OFF_ALPHA", n(layout.alpha)),
    ];
    SOURCE.compile(context, &[&constants]).await
}

/// The plan of decoding step `step` over S source tokens; the scale comes per forward.
pub fn plan(step: u32) -> Plan {
    // One workgroup per step: the query, S scores, the softmax and the 2H context depend
    // on each other, and a step is small. T here is the source length S.
    Box::new(move |s, scale| {
        let params = Params {
            step,
            s,
            scale,
            _pad: 0,
        };
        Dispatch::new(params, [1, 1, 1])
    })
}
