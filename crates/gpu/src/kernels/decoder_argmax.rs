//! `decoder_argmax.wgsl`: one decoding step's greedy choice, y_t = argmax over v ≠ y_{t−1}
//! of the logits (the first of equal maxima; never the token just written), written into the
//! state with the step count and the end flag.
//!
//! CPU twin: `attnscope_core::ops::argmax_skipping` in `attnscope_core::seq2seq`'s greedy loop.
//! Tested by `tests/seq2seq_parity.rs` (the decoded ids and the stop reason).

use super::decoder_state::StateLayout;
use crate::kernel::Kernel;
use crate::plan::Plan;
use crate::{GpuContext, GpuError};

/// The uniform this kernel reads (shared with the kernels of the same shape).
pub use super::StepParams as Params;

crate::kernel_source!(
    "decoder_argmax.wgsl",
    shared["decoder_done.wgsl"],
    [Uniform, Read, ReadWrite]
);

/// Compiles decoder_argmax.wgsl for `vocab` tokens and end token `eos`: bindings (params,
/// step logits, state).
pub async fn kernel(
    context: &GpuContext,
    vocab: usize,
    eos: u32,
    layout: &StateLayout,
) -> Result<Kernel, GpuError> {
    let constants = [
        ("V", vocab as f64),
        ("EOS", eos as f64),
        ("OFF_DONE", layout.done as f64),
        ("OFF_IDS", layout.ids as f64),
        ("OFF_STEPS", layout.steps as f64),
    ];
    SOURCE.compile(context, &[&constants]).await
}

/// The plan of decoding step `step`: one workgroup.
pub fn plan(step: u32) -> Plan {
    // One workgroup reduces the V logits to the first maximum.
    Params::plan(step, [1, 1, 1])
}
