//! attnscope-core: the CPU reference of attnscope, and so its specification.
//!
//! Pure Rust: no `web-sys`, no `wgpu`. It builds and tests natively in seconds and
//! compiles to wasm32, where it is also the in-browser CPU fallback. Every engine
//! (the WebGPU one in `attnscope-gpu`) must equal what this crate computes.
#![warn(missing_docs)]

pub mod activation;
pub mod attention_math;
pub mod bilstm;
pub mod config;
pub mod decoder;
mod error;
pub mod hf;
pub mod kv_cache;
pub mod manifest;
pub mod matrix;
pub mod model;
pub mod ops;
pub mod positional_encoding;
pub mod rollout;
pub mod seq2seq;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd;
pub mod tokenizer;
pub mod trace;
pub mod transformer;
pub mod weights;

pub use error::ModelError;
pub use matrix::Matrix;
pub use model::{Model, ModelFiles};
pub use positional_encoding::{positional_encoding, PeError, PeParams, PositionalEncoding};
pub use trace::{Interventions, Trace};
