//! `matmul.wgsl`, the tiled linear layer: Y = act(X·Wᵀ + b).
//!
//! CPU twin: `attnscope_core::ops::Linear::forward` (a `gemm`), then the activation.
//! Tested by `tests/matmul_parity.rs` (random shapes 1..=256, every activation).
//!
//! One pipeline per activation, specialised with the WGSL `override` constant `ACTIVATION`
//! and built once when the kernel is created; shapes travel in the uniform, so a new T never
//! rebuilds anything. Every linear layer of every engine is this kernel.

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};

/// The activation fused into the kernel's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// v
    Identity = 0,
    /// max(0, v)
    Relu = 1,
    /// ½v(1 + erf(v/√2))
    Gelu = 2,
    /// tanh v
    Tanh = 3,
}

crate::uniform_params! {
    /// The uniform `matmul.wgsl` reads.
    pub struct Params {
        /// Rows of X and Y.
        m: u32,
        /// Columns of X, of W.
        k: u32,
        /// Rows of W, columns of Y.
        n: u32,
        /// 1 if b is added.
        has_bias: u32,
    }
}

crate::kernel_source!("matmul.wgsl", [Uniform, Read, Read, Read, ReadWrite]);

/// Side of a workgroup's output tile (`TILE` in matmul.wgsl).
pub const TILE: u32 = 16;

/// Compiles matmul.wgsl: bindings (params, X, W, b, Y), one pipeline per [`Activation`]
/// (pick one with `Activation::X as usize`).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    let variants: [&[(&str, f64)]; 4] = [
        &[("ACTIVATION", 0.0)],
        &[("ACTIVATION", 1.0)],
        &[("ACTIVATION", 2.0)],
        &[("ACTIVATION", 3.0)],
    ];
    SOURCE.compile(context, &variants).await
}

/// Workgroups covering an `m × n` output.
pub fn groups(m: u32, n: u32) -> [u32; 3] {
    [n.div_ceil(TILE), m.div_ceil(TILE), 1]
}

/// The plan of one linear step: X (T × k) times Wᵀ (n × k), with or without the bias.
pub fn plan(k: usize, n: usize, bias: bool) -> Plan {
    let (k, n) = (k as u32, n as u32);
    // One 16 × 16 workgroup per output tile; M = T per forward.
    Box::new(move |t, _| {
        let params = Params {
            m: t,
            k,
            n,
            has_bias: bias as u32,
        };
        Dispatch::new(params, groups(t, n))
    })
}
