//! attnscope-gpu: the WebGPU engine of attnscope (wgpu + hand-written WGSL).
//!
//! Where things are:
//! - [`GpuContext`]: the long-lived adapter, device and queue, requested once per page and
//!   shared by every model; set-up is separate from execution so tests can inject a device.
//! - [`Network`]: any shipped architecture loaded from its `ModelConfig` and weights and run
//!   to core's `NetworkOutput`, the GPU twin of `attnscope_core::Network`.
//! - [`transformer`], [`bilstm`], [`seq2seq`]: the three engines. Each `load` reads as
//!   "check limits → upload → plan"; each `forward` is one compute pass, one submit, one
//!   readback.
//! - [`kernels`]: every WGSL kernel with its Rust module beside it (bindings, the `Params`
//!   uniform mirrored field for field, `plan`); each header names its CPU twin and its test.
//! - [`plan`], [`kernel`], [`buffers`], [`weights`], [`readback`], [`uniform`]: the machinery
//!   the engines share.
//!
//! The CPU reference in `attnscope-core` is the specification: every engine equals it within
//! 1e-4 in the parity suites (`tests/*_parity.rs`).
#![warn(missing_docs)]

pub mod bilstm;
pub mod buffers;
mod classifier_io;
mod context;
pub mod kernel;
pub mod kernels;
mod network;
pub mod plan;
pub mod readback;
pub mod seq2seq;
pub mod transformer;
pub mod uniform;
pub mod weights;

pub use context::{AdapterSummary, GpuContext, GpuUnavailable};
pub use kernels::matmul;
pub use network::Network;

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

// Loading fails with a typed reason the app words for the user ("the GPU engine refused the
// model: …") and then runs that model on the CPU: a model too large for one kernel never
// takes the page down, it only loses the GPU.
impl LoadError {
    /// `Err(TooLarge)` when any of `floats` (a buffer's 32-bit words) is above the device's
    /// largest storage-buffer binding.
    pub fn check_storage(context: &GpuContext, floats: &[usize]) -> Result<(), LoadError> {
        let biggest = floats.iter().copied().max().unwrap_or(0) * 4;
        let limit = context.limits.max_storage_buffer_binding_size as usize;
        LoadError::check("storage buffer bytes", biggest, limit)
    }

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
