//! `attention.wgsl`, fused scaled dot-product attention of one query row of one head:
//! a = softmax over the unmasked keys of (q·kⱼ)/√d_k/temperature, H = Σⱼ aⱼ vⱼ.
//!
//! CPU twin: `attnscope_core::transformer`'s `attention` (a `gemm` for the scores, then
//! `ops::masked_softmax`, then a `gemm` for A·V). Tested by `tests/transformer_parity.rs`
//! (every map and the class scores, random shapes and masks) and `tests/browser_parity.rs`.

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};

crate::uniform_params! {
    /// The uniform `attention.wgsl` reads.
    pub struct Params {
        /// Tokens.
        t: u32,
        /// Model width d (the QKV projection is T × 3d).
        d: u32,
        /// Heads.
        heads: u32,
        /// Width of one head, d / heads.
        dk: u32,
        /// 1 / (√d_k · temperature).
        scale: f32,
        /// The layer, to place the maps and read the head mask.
        layer: u32,
        /// Where the head mask starts in `flags` (after the key mask).
        heads_at: u32,
        /// Padding.
        _pad: u32,
    }
}

crate::kernel_source!(
    "attention.wgsl",
    [Uniform, Read, Read, ReadWrite, ReadWrite]
);

/// Longest input the kernel holds in workgroup memory (`MAX_T` in attention.wgsl).
pub const MAX_T: usize = 1024;

/// Compiles attention.wgsl: bindings (params, QKV, flags, maps, heads out).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE.compile(context, &[]).await
}

/// The plan of layer `layer`'s attention (d wide, `heads` heads; the head mask at
/// `heads_at` in the flags): one workgroup per (query, head); the scale comes per forward.
pub fn plan(d: usize, heads: usize, layer: usize, heads_at: usize) -> Plan {
    let (d, heads) = (d as u32, heads as u32);
    let (layer, heads_at) = (layer as u32, heads_at as u32);
    // A workgroup per (query row, head): T × heads groups, 64 threads each sharing the
    // row's scores for the max and the sum. The scale (1/(√d_k·temperature)) is the only
    // per-forward value besides T.
    Box::new(move |t, scale| {
        let params = Params {
            t,
            d,
            heads,
            dk: d / heads,
            scale,
            layer,
            heads_at,
            _pad: 0,
        };
        Dispatch::new(params, [t, heads, 1])
    })
}
