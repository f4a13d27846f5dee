//! `bridge.wgsl`: the translator's first decoder state from the encoder's final states,
//! h₀ = tanh(W_bh·[h→; h←] + b_bh), c₀ = W_bc·[c→; c←] + b_bc.
//!
//! CPU twin: the bridge in `attnscope_core::seq2seq` (`Seq2SeqAttention::forward`). Tested
//! by `tests/seq2seq_parity.rs`.

use super::decoder_state::StateLayout;
use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};
use bytemuck::Zeroable;

crate::uniform_params! {
    /// The uniform `bridge.wgsl` reads: nothing (its sizes are `override` constants), but a
    /// binding may not be empty.
    pub struct Params {
        /// Unused.
        _unused: [u32; 4],
    }
}

crate::kernel_source!(
    "bridge.wgsl",
    shared["activations.wgsl"],
    [Uniform, Read, Read, Read, ReadWrite]
);

/// Compiles bridge.wgsl for hidden size `h`, writing h₀ and c₀ where `layout` says:
/// bindings (params, last, [W_bh; W_bc]ᵀ, [b_bh; b_bc], state).
pub async fn kernel(
    context: &GpuContext,
    h: usize,
    layout: &StateLayout,
) -> Result<Kernel, GpuError> {
    let constants = [
        ("H", h as f64),
        ("OFF_H", layout.h as f64),
        ("OFF_C", layout.c as f64),
    ];
    SOURCE.compile(context, &[&constants]).await
}

/// One workgroup, independent of T.
pub fn plan() -> Plan {
    // One workgroup writes h₀ and c₀ (2H values) into the decoder state.
    Box::new(|_, _| Dispatch::new(Params::zeroed(), [1, 1, 1]))
}
