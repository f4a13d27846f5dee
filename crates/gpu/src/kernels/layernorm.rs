//! `layernorm.wgsl`: Y = LN(A) row by row, (v − μ)/√(σ² + ε)·γ + β: the embedding norm, a
//! pre-norm layer's two norms and the final norm (a post-norm layer's norms are fused into
//! `linear_residual.wgsl`).
//!
//! CPU twin: `attnscope_core::ops::LayerNorm::forward`. Tested by `tests/transformer_parity.rs`
//! (pre-norm models, and the BERT layouts' embedding norm).

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
        /// Padding.
        _pad: u32,
    }
}

crate::kernel_source!("layernorm.wgsl", [Uniform, Read, Read, ReadWrite]);

/// Compiles layernorm.wgsl: bindings (params, A, [γ | β], Y).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE.compile(context, &[]).await
}

/// The plan over T rows of `d` values. One workgroup per row.
pub fn plan(d: usize, eps: f32) -> Plan {
    let d = d as u32;
    // One 64-thread workgroup per row; eps is fixed at load.
    Box::new(move |t, _| {
        let params = Params {
            rows: t,
            d,
            eps,
            _pad: 0,
        };
        Dispatch::new(params, [t, 1, 1])
    })
}
