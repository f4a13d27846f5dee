//! `lstm.wgsl`: one bidirectional LSTM layer's recurrence, looping over time in the shader
//! (workgroup 0 forwards, 1 backwards): gates = P[t] + W_hh·h, c = σ(f)⊙c + σ(i)⊙tanh(g),
//! h = σ(o)⊙tanh(c).
//!
//! CPU twin: `attnscope_core::ops::LstmCell::run` (the input projection P is a `matmul`
//! before it). Tested by `tests/bilstm_parity.rs` and `tests/seq2seq_parity.rs`.

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};
use bytemuck::Zeroable;

crate::uniform_params! {
    /// The uniform `lstm.wgsl` reads.
    pub struct Params {
        /// Time steps.
        t: u32,
        /// Padding.
        _pad0: u32,
        /// Padding.
        _pad1: u32,
        /// Padding.
        _pad2: u32,
    }
}

crate::kernel_source!("lstm.wgsl", [Uniform, Read, Read, ReadWrite, ReadWrite]);

/// Largest hidden size the kernel holds (`MAX_Q` · 4: one thread per hidden unit).
pub const MAX_HIDDEN: usize = 256;

/// Compiles lstm.wgsl for hidden size `h`: bindings (params, P, W_hh as vec4 rows, Y, last).
pub async fn kernel(context: &GpuContext, h: usize) -> Result<Kernel, GpuError> {
    let constants = [("H", h as f64), ("Q", h.div_ceil(4) as f64)];
    SOURCE.compile(context, &[&constants]).await
}

/// The plan of one layer over T steps: two workgroups, one per direction.
pub fn plan() -> Plan {
    // Two workgroups (forward and backward), each looping over the T steps itself: the
    // recurrence is sequential, so more groups would only wait on each other.
    Box::new(|t, _| {
        Dispatch::new(
            Params {
                t,
                ..Params::zeroed()
            },
            [2, 1, 1],
        )
    })
}
