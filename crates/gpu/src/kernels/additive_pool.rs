//! `additive_pool.wgsl`: the BiLSTM's attention pooling, a = softmax over the unmasked t of
//! s_t/temperature (s_t = vᵀ·tanh(W·S_t + b), two matmuls before), context = Σ a_t S_t.
//!
//! CPU twin: `attnscope_core::bilstm`'s pooling (`ops::masked_softmax` of the scores).
//! Tested by `tests/bilstm_parity.rs` (pooling weights and class scores).

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};

crate::uniform_params! {
    /// The uniform `additive_pool.wgsl` reads.
    pub struct Params {
        /// Time steps.
        t: u32,
        /// Width of a state (2H).
        w: u32,
        /// 1 / temperature.
        scale: f32,
        /// Padding.
        _pad: u32,
    }
}

crate::kernel_source!("additive_pool.wgsl", [Uniform, Read, Read, Read, ReadWrite]);

/// Longest input the kernel holds in workgroup memory (`MAX_T`).
pub const MAX_T: usize = 1024;

/// Compiles additive_pool.wgsl: bindings (params, scores, flags, states, [context | a]).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE.compile(context, &[]).await
}

/// The plan over T states of `width` values, one workgroup; the scale comes per forward.
pub fn plan(width: usize) -> Plan {
    let w = width as u32;
    // One workgroup: the softmax needs every score, and T ≤ MAX_T fits in workgroup memory.
    Box::new(move |t, scale| {
        let params = Params {
            t,
            w,
            scale,
            _pad: 0,
        };
        Dispatch::new(params, [1, 1, 1])
    })
}
