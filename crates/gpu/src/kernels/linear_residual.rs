//! `linear_residual.wgsl`: the end of a Transformer sub-layer, Y = LN(R + X·Wᵀ + b) in a
//! post-norm layer or Y = R + X·Wᵀ + b in a pre-norm one, in one dispatch where a matrix
//! product and a LayerNorm (or an addition) took two.
//!
//! CPU twin: `attnscope_core::ops::Linear::forward`, the residual sum and
//! `ops::LayerNorm::forward`. Tested by `tests/linear_residual_parity.rs` (random shapes,
//! both variants) and `tests/transformer_parity.rs` (pre- and post-norm models).
//!
//! The weights are one buffer, [`pack`]ed at load: Wᵀ, b, then γ and β when normalising.

use crate::kernel::{pad_rows_to_vec4, transpose, Kernel};
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};

crate::uniform_params! {
    /// The uniform `linear_residual.wgsl` reads.
    pub struct Params {
        /// Rows of X, R and Y (tokens).
        m: u32,
        /// Columns of X, of W.
        k: u32,
        /// Rows of W, columns of R and Y.
        n: u32,
        /// ε under the LayerNorm's square root (unused without it).
        eps: f32,
    }
}

crate::kernel_source!(
    "linear_residual.wgsl",
    [Uniform, Read, Read, Read, ReadWrite]
);

/// Rows of Y one workgroup holds (`ROWS` in the WGSL).
pub const ROWS: u32 = 4;

/// Whether the LayerNorm follows the residual sum: the pipeline variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Norm {
    /// Y = R + X·Wᵀ + b (pre-norm layers).
    None = 0,
    /// Y = LN(R + X·Wᵀ + b) (post-norm layers).
    LayerNorm = 1,
}

/// Compiles linear_residual.wgsl: bindings (params, X, [Wᵀ | b | γ | β], R, Y), one
/// pipeline per [`Norm`] (pick one with `Norm::X as usize`).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE
        .compile(context, &[&[("NORM", 0.0)], &[("NORM", 1.0)]])
        .await
}

/// The kernel's weight buffer from W (n × k, row-major as nn.Linear), b (n) and, for a
/// LayerNorm, its γ and β (n each): [Wᵀ (k × q quads) | b | γ | β], every row zero-padded
/// to q = ⌈n/4⌉ quads of columns, as the kernel reads it in vec4s.
pub fn pack(w: &[f32], k: usize, b: &[f32], norm: Option<(&[f32], &[f32])>) -> Vec<f32> {
    let n = b.len();
    debug_assert_eq!(w.len(), n * k, "W is n × k");
    let mut packed = pad_rows_to_vec4(&transpose(w, n, k), k, n);
    let vectors = [Some(b), norm.map(|n| n.0), norm.map(|n| n.1)];
    for v in vectors.into_iter().flatten() {
        packed.extend(pad_rows_to_vec4(v, 1, n));
    }
    packed
}

/// The plan of one sub-layer's end over T rows: X (T × `k`) times Wᵀ into `n` columns.
pub fn plan(k: usize, n: usize, eps: f32) -> Plan {
    let (k, n) = (k as u32, n as u32);
    // One 256-thread workgroup per four rows of Y: the LayerNorm's row sums stay inside it.
    Box::new(move |t, _| {
        let params = Params { m: t, k, n, eps };
        Dispatch::new(params, [t.div_ceil(ROWS), 1, 1])
    })
}
