//! attnscope-gpu: the WebGPU engine of attnscope (wgpu + hand-written WGSL).
//!
//! Today it holds the long-lived [`GpuContext`]: one adapter, device and queue per page,
//! requested once and shared by every later kernel. Set-up is separate from execution so
//! tests can inject a device. The model kernels equal `attnscope-core`, the specification.
#![warn(missing_docs)]

pub mod bilstm;
pub mod buffers;
mod context;
pub mod kernel;
pub mod matmul;
pub mod plan;
pub mod readback;
pub mod seq2seq;
pub mod transformer;

pub use context::{AdapterSummary, GpuContext, GpuUnavailable};

/// A failure of the engine after the device was granted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpuError {
    /// A shader or pipeline failed validation; names the kernel.
    #[error("kernel {kernel} failed to compile: {message}")]
    Kernel {
        /// The .wgsl file.
        kernel: &'static str,
        /// The driver's message.
        message: String,
    },
    /// Reading results back failed (device lost, map error).
    #[error("reading results back failed: {0}")]
    Readback(String),
    /// The GPU device was lost (driver reset, GPU process crash, `destroy`); the caller
    /// falls back to the CPU engine. Carries wgpu's reason and message.
    #[error("the GPU device was lost ({0}); continuing on the CPU")]
    DeviceLost(String),
}

/// Why a model cannot be put on the GPU.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    /// The weights or config are wrong (the same typed error the CPU loader gives).
    #[error(transparent)]
    Model(#[from] attnscope_core::ModelError),
    /// A kernel failed to compile.
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// The model needs more than the device or a kernel allows; names the limit.
    #[error("the model needs {what} = {needed}, above the limit of {limit}")]
    TooLarge {
        /// The limit.
        what: &'static str,
        /// What the model needs.
        needed: u64,
        /// What is allowed.
        limit: u64,
    },
}

impl LoadError {
    /// `Err(TooLarge)` naming the limit when `needed` exceeds `limit`.
    pub fn check(what: &'static str, needed: usize, limit: usize) -> Result<(), LoadError> {
        if needed > limit {
            return Err(LoadError::TooLarge {
                what,
                needed: needed as u64,
                limit: limit as u64,
            });
        }
        Ok(())
    }
}
