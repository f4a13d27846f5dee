//! Every WGSL kernel, each as a `.wgsl` file with its Rust module beside it: the module holds
//! the kernel's bindings (`SOURCE`), its uniform (`Params`, field for field as the WGSL
//! struct), how to compile it (`kernel`) and how to dispatch it for a T (`plan`). Each
//! module's header names the kernel's CPU twin in `attnscope-core` and the test that holds
//! the two equal. The engines (`transformer`, `bilstm`, `seq2seq`) only put plans in order.

pub mod additive_pool;
pub mod attention;
pub mod bridge;
pub mod decoder_argmax;
pub mod decoder_attention;
pub mod decoder_cell;
pub mod decoder_logits;
pub mod decoder_state;
pub mod embed;
pub mod head;
pub mod layernorm;
pub mod linear_residual;
pub mod lstm;
pub mod matmul;

use crate::kernel::KernelSource;

crate::uniform_params! {
    /// `struct Params { step, … }` of the decoding-step kernels (`decoder_cell`,
    /// `decoder_logits`, `decoder_argmax`): their sizes are `override` constants, so the step
    /// is all that changes between dispatches.
    pub struct StepParams {
        /// The decoding step.
        step: u32,
        /// Padding.
        _pad0: u32,
        /// Padding.
        _pad1: u32,
        /// Padding.
        _pad2: u32,
    }
}

impl StepParams {
    /// The plan of decoding step `step` over `groups` workgroups: the step is the only value
    /// these kernels read per dispatch (T and the scale do not reach them).
    pub fn plan(step: u32, groups: [u32; 3]) -> crate::plan::Plan {
        use bytemuck::Zeroable;
        let params = StepParams {
            step,
            ..StepParams::zeroed()
        };
        Box::new(move |_, _| crate::plan::Dispatch::new(params, groups))
    }
}

/// The WGSL files several kernels share, (name, text): appended to each kernel that uses
/// them (`kernel_source!(…, shared [...])`), so they have no Rust module of their own.
pub const SHARED: &[(&str, &str)] = &[
    ("activations.wgsl", include_str!("activations.wgsl")),
    ("decoder_done.wgsl", include_str!("decoder_done.wgsl")),
];

/// Every kernel's source and uniform layout (the layout test walks this list, and checks that
/// every `.wgsl` file in this folder is in it, so a new kernel cannot skip the check).
pub const ALL: &[KernelSource] = &[
    additive_pool::SOURCE,
    attention::SOURCE,
    bridge::SOURCE,
    decoder_argmax::SOURCE,
    decoder_attention::SOURCE,
    decoder_cell::SOURCE,
    decoder_logits::SOURCE,
    embed::SOURCE,
    head::SOURCE,
    layernorm::SOURCE,
    linear_residual::SOURCE,
    lstm::SOURCE,
    matmul::SOURCE,
];
