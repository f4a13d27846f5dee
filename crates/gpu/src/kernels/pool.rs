//! `pool.wgsl`: the Transformer's pooled vector, X[0] ([CLS]) or the mean of the unmasked rows.
//!
//! CPU twin: `attnscope_core::transformer`'s `pool`. Tested by `tests/transformer_parity.rs`
//! (both poolings, with masks).

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};

crate::uniform_params! {
    /// The uniform `pool.wgsl` reads.
    pub struct Params {
        /// Tokens.
        t: u32,
        /// Width.
        d: u32,
        /// 1: masked mean; 0: the first row.
        mean: u32,
        /// Padding.
        _pad: u32,
    }
}

crate::kernel_source!("pool.wgsl", [Uniform, Read, Read, ReadWrite]);

/// Compiles pool.wgsl: bindings (params, X, flags, pooled).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE.compile(context, &[]).await
}

/// The plan over T rows of `d` values: one thread per column.
pub fn plan(d: usize, mean: bool) -> Plan {
    let d = d as u32;
    // One thread per column of the pooled vector, 64 to a workgroup; each sums its column
    // over the T rows (masked rows skipped in the mean).
    Box::new(move |t, _| {
        let params = Params {
            t,
            d,
            mean: mean as u32,
            _pad: 0,
        };
        Dispatch::new(params, [d.div_ceil(64), 1, 1])
    })
}
