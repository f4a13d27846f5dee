//! `softmax.wgsl`: class probabilities P = exp(z − max z) / Σ exp(z − max z).
//!
//! CPU twin: `attnscope_core::ops::softmax`. Tested by `tests/transformer_parity.rs` and
//! `tests/bilstm_parity.rs` (the probabilities).

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};
use bytemuck::Zeroable;

/// The uniform this kernel reads (shared with the kernels of the same shape).
pub use super::CountParams as Params;

crate::kernel_source!("softmax.wgsl", [Uniform, Read, ReadWrite]);

/// Compiles softmax.wgsl: bindings (params, logits, probabilities).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE.compile(context, &[]).await
}

/// The plan over `classes` logits, one workgroup.
pub fn plan(classes: usize) -> Plan {
    let n = classes as u32;
    // A handful of classes: one workgroup, independent of T.
    Box::new(move |_, _| {
        Dispatch::new(
            Params {
                n,
                ..Params::zeroed()
            },
            [1, 1, 1],
        )
    })
}
