//! `layernorm.wgsl`: Y = LN(A) or LN(A + B) row by row, (v − μ)/√(σ² + ε)·γ + β.
//!
//! CPU twin: `attnscope_core::ops::LayerNorm::forward` (after the residual sum the
//! Transformer adds first). Tested by `tests/transformer_parity.rs`, pre- and post-norm.

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};

crate::uniform_params! {
    /// The uniform `layernorm.wgsl` reads.
    pub struct Params {
        /// Rows (tokens).
        rows: u32,
        /// Row width.
        d: u32,
        /// ε under the square root.
        eps: f32,
        /// 1: normalise A + B (post-norm); 0: A alone.
        add: u32,
    }
}

crate::kernel_source!("layernorm.wgsl", [Uniform, Read, Read, Read, ReadWrite]);

/// Compiles layernorm.wgsl: bindings (params, A, B, [γ | β], Y).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE.compile(context, &[]).await
}

/// The plan over T rows of `d` values; `add` normalises A + B. One workgroup per row.
pub fn plan(d: usize, eps: f32, add: bool) -> Plan {
    let d = d as u32;
    // One 64-thread workgroup per row; eps and the residual flag are fixed at load.
    Box::new(move |t, _| {
        let params = Params {
            rows: t,
            d,
            eps,
            add: add as u32,
        };
        Dispatch::new(params, [t, 1, 1])
    })
}
