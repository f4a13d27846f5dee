//! How the GPU engine fails: after the device was granted ([`GpuError`]) and when a model
//! cannot be put on it ([`LoadError`], which the app words for the reader before running
//! that model on the CPU).

use crate::GpuContext;

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
