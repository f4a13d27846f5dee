//! attnscope-gpu: the WebGPU engine of attnscope (wgpu + hand-written WGSL).
//!
//! Today it holds the long-lived [`GpuContext`]: one adapter, device and queue per page,
//! requested once and shared by every later kernel. Set-up is separate from execution so
//! tests can inject a device. The model kernels equal `attnscope-core`, the specification.
#![warn(missing_docs)]

mod context;

pub use context::{AdapterSummary, GpuContext, GpuUnavailable};
