//! `add.wgsl`, the residual sum: Y = A + B element-wise.
//!
//! CPU twin: the `zip_rows(.., |u, v| u + v)` of `attnscope_core::transformer`. Tested by
//! `tests/transformer_parity.rs` (the pre-norm layers use it).

use crate::kernel::{groups_1d, Kernel};
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};
use bytemuck::Zeroable;

/// The uniform this kernel reads (shared with the kernels of the same shape).
pub use super::CountParams as Params;

crate::kernel_source!("add.wgsl", [Uniform, Read, Read, ReadWrite]);

/// Compiles add.wgsl: bindings (params, A, B, Y).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE.compile(context, &[]).await
}

/// The plan over T rows of `width` values, 256 threads a workgroup.
pub fn plan(width: usize) -> Plan {
    let width = width as u32;
    Box::new(move |t, _| {
        // One thread per element, 256 to a workgroup, folded into 2-D past 65,535 groups.
        let n = t * width;
        Dispatch::new(
            Params {
                n,
                ..Params::zeroed()
            },
            groups_1d(n, 256),
        )
    })
}
