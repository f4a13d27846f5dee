//! `decoder_logits.wgsl`: one decoding step's output layer, logits[v] = W_o[v]·features + b_o[v].
//!
//! CPU twin: the output layer of `attnscope_core::seq2seq` (an `ops::Linear`, tied to the
//! target embedding or not). Tested by `tests/seq2seq_parity.rs` (the step logits).

use super::decoder_state::StateLayout;
use crate::kernel::Kernel;
use crate::plan::Plan;
use crate::{GpuContext, GpuError};

/// The uniform this kernel reads (shared with the kernels of the same shape).
pub use super::StepParams as Params;

crate::kernel_source!(
    "decoder_logits.wgsl",
    [Uniform, Read, Read, Read, ReadWrite]
);

/// Compiles decoder_logits.wgsl for `vocab` target tokens and `features` inputs: bindings
/// (params, W_oᵀ, b_o, state, step logits).
pub async fn kernel(
    context: &GpuContext,
    vocab: usize,
    layout: &StateLayout,
) -> Result<Kernel, GpuError> {
    let constants = [
        ("V", vocab as f64),
        ("F", layout.features as f64),
        ("OFF_FEAT", layout.feat as f64),
        ("OFF_DONE", layout.done as f64),
    ];
    SOURCE.compile(context, &[&constants]).await
}

/// The plan of decoding step `step`: one thread per target token.
pub fn plan(step: u32, vocab: usize) -> Plan {
    // One thread per target token, 256 to a workgroup (V = 5,000 → 20 groups).
    Params::plan(step, [(vocab as u32).div_ceil(256), 1, 1])
}
