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
//!   the engines share; [`GpuError`] and [`LoadError`] (in `error.rs`): how they fail.
//!
//! The CPU reference in `attnscope-core` is the specification: every engine equals it within
//! 1e-4 in the parity suites (`tests/*_parity.rs`).
#![warn(missing_docs)]

pub mod bilstm;
pub mod buffers;
mod classifier_io;
mod context;
pub mod decoder;
mod error;
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
pub use error::{GpuError, LoadError};
pub use kernels::matmul;
pub use network::Network;
pub use plan::Loaded;
