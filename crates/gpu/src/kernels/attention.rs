//! `attention.wgsl`, fused scaled dot-product attention of one head over a tile of query
//! rows, flash-style (key tiles in workgroup memory, a running maximum and sum):
//! a = softmax over the unmasked keys of (q·kⱼ)/√d_k/temperature (with the look-ahead mask
//! for a decoder: keys j ≤ i only), H = Σⱼ aⱼ vⱼ, and every map a written for the views.
//!
//! CPU twin: `attnscope_core::transformer::head_weights` (a `gemm` for the scores, then
//! `ops::masked_softmax`) and `add_head_output` (a `gemm` for A·V). Tested alone by
//! `tests/attention_parity.rs` (random T, heads, d_k, masks, temperatures), inside the
//! encoder by `tests/transformer_parity.rs` and in the browser by `tests/browser_parity.rs`.

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};
use bytemuck::Zeroable;

crate::uniform_params! {
    /// The uniform `attention.wgsl` reads.
    pub struct Params {
        /// Tokens.
        t: u32,
        /// Model width d (the QKV projection is T × 3d).
        d: u32,
        /// Heads.
        heads: u32,
        /// 1: the look-ahead mask (query i sees keys j ≤ i only), as in a decoder; 0: none.
        causal: u32,
        /// 1 / (√d_k · temperature).
        scale: f32,
        /// The layer, to place the maps and read the head mask.
        layer: u32,
        /// Where the head mask starts in `flags` (after the key mask).
        heads_at: u32,
        /// Padding (the key tile is the pipeline's `BK`).
        _pad1: u32,
    }
}

crate::kernel_source!(
    "attention.wgsl",
    [Uniform, Read, Read, ReadWrite, ReadWrite]
);

/// Longest input a Transformer is planned for: the maps (layers × heads × T²) grow
/// quadratically; the kernel itself visits keys in tiles and has no bound of its own.
pub const MAX_T: usize = 1024;

/// Widest head the kernel holds (`MAX_DK` in attention.wgsl: 8 output features per thread).
pub const MAX_DK: usize = 128;

/// Query rows per workgroup (`BQ` in attention.wgsl), sixteen threads per row. Measured on an
/// H200 (forward at T = 512): 16 rows 6.66 ms, 4 rows of 16 threads 9.78 ms (less reuse of
/// each key tile), one row per workgroup (the kernel before tiles) 15.5 ms.
const QUERY_TILE: u32 = 16;

/// Floats of workgroup memory for the Q, K-or-V and P tiles (`POOL` in attention.wgsl: with
/// the 256-float reduction array, WebGPU's default 16 KiB exactly).
const POOL: u32 = 3840;

/// Keys per tile for heads `dk` wide: the most (a multiple of 4, at most 64) whose padded
/// tiles fit the pool: BQ·(d_k+1) (queries) + bk·(d_k+1) (keys, then values) + BQ·(bk+1)
/// (weights) ≤ POOL.
pub fn key_tile(dk: u32) -> u32 {
    let fits = POOL.saturating_sub(QUERY_TILE * (dk + 1) + QUERY_TILE) / (dk + 1 + QUERY_TILE);
    (fits / 4 * 4).clamp(4, 64)
}

#[cfg(test)]
/// Floats of workgroup memory the tiles take for heads `dk` wide and `bk` keys per tile.
fn pool_floats(dk: u32, bk: u32) -> u32 {
    QUERY_TILE * (dk + 1) + bk * (dk + 1) + QUERY_TILE * (bk + 1)
}

/// Compiles attention.wgsl for heads `dk` wide (d_k and the key tile fixed in the pipeline):
/// bindings (params, QKV, flags, maps, heads out).
pub async fn kernel(context: &GpuContext, dk: usize) -> Result<Kernel, GpuError> {
    let constants = [("DK", dk as f64), ("BK", key_tile(dk as u32) as f64)];
    SOURCE.compile(context, &[&constants]).await
}

/// The plan of layer `layer`'s attention (d wide, `heads` heads; the head mask at
/// `heads_at` in the flags; `causal`: the look-ahead mask): one workgroup per (tile of 16
/// queries, head); the scale comes per forward.
pub fn plan(d: usize, heads: usize, layer: usize, heads_at: usize, causal: bool) -> Plan {
    let (d, heads, causal) = (d as u32, heads as u32, causal as u32);
    let (layer, heads_at) = (layer as u32, heads_at as u32);
    // ⌈T/16⌉ × heads groups of 256 threads. The scale (1/(√d_k·temperature)) is the only
    // per-forward value besides T.
    Box::new(move |t, scale| {
        let params = Params {
            t,
            d,
            heads,
            causal,
            scale,
            layer,
            heads_at,
            ..Params::zeroed()
        };
        Dispatch::new(params, [t.div_ceil(QUERY_TILE), heads, 1])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_tiles_fit_the_pool() {
        for dk in 1..=MAX_DK as u32 {
            let bk = key_tile(dk);
            assert!(
                bk.is_multiple_of(4) && (4..=64).contains(&bk),
                "d_k {dk}: {bk}"
            );
            assert!(pool_floats(dk, bk) <= POOL, "d_k {dk}: {bk}");
        }
        assert_eq!(key_tile(32), 64);
        assert_eq!(key_tile(64), 32);
    }
}
