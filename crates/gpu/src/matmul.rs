//! The tiled linear-layer kernel (`kernels/matmul.wgsl`): Y = act(X·Wᵀ + b).
//!
//! One pipeline per activation, specialised with the WGSL `override` constant `ACTIVATION`
//! and built once when the kernel is created; shapes travel in a uniform, so a new T never
//! rebuilds anything.

use crate::kernel::{Binding, Kernel};
use crate::plan::Plan;
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

/// The uniform the kernel reads (`struct Dims` in matmul.wgsl).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Dims {
    /// Rows of X and Y.
    pub m: u32,
    /// Columns of X, of W.
    pub k: u32,
    /// Rows of W, columns of Y.
    pub n: u32,
    /// 1 if b is added.
    pub has_bias: u32,
}

/// Side of a workgroup's output tile (`TILE` in matmul.wgsl).
pub const TILE: u32 = 16;

/// Compiles matmul.wgsl: bindings (dims, X, W, b, Y), one pipeline per [`Activation`].
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    use Binding::{Read, ReadWrite, Uniform};
    let variants: [&[(&str, f64)]; 4] = [
        &[("ACTIVATION", 0.0)],
        &[("ACTIVATION", 1.0)],
        &[("ACTIVATION", 2.0)],
        &[("ACTIVATION", 3.0)],
    ];
    Kernel::new(
        context,
        "matmul.wgsl",
        include_str!("kernels/matmul.wgsl"),
        &[Uniform, Read, Read, Read, ReadWrite],
        &variants,
    )
    .await
}

/// Workgroups covering an `m × n` output.
pub fn groups(m: u32, n: u32) -> [u32; 3] {
    [n.div_ceil(TILE), m.div_ceil(TILE), 1]
}

/// The plan of one linear step: X (`rows`, or T when `None`) × k times Wᵀ (n × k), with or
/// without the bias.
pub fn plan(rows: Option<u32>, k: usize, n: usize, bias: bool) -> Plan {
    let (k, n) = (k as u32, n as u32);
    Box::new(move |t, _| {
        let m = rows.unwrap_or(t);
        ([m, k, n, bias as u32, 0, 0, 0, 0], groups(m, n))
    })
}
