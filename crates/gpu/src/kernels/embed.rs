//! `embed.wgsl`: X[t] = E[ids[t]]·scale + PE[t] (the table gather and the positional encoding).
//!
//! CPU twin: `attnscope_core::ops::embed` plus `positional_encoding` in
//! `attnscope_core::transformer` (the BiLSTM and the translator bind a zero table for PE).
//! Tested by every engine parity suite (`tests/*_parity.rs`).

use crate::kernel::{groups_1d, Kernel};
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};

crate::uniform_params! {
    /// The uniform `embed.wgsl` reads.
    pub struct Params {
        /// Tokens.
        t: u32,
        /// Embedding width.
        d: u32,
        /// The factor on the embedding (√d or 1).
        scale: f32,
        /// Padding.
        _pad: u32,
    }
}

crate::kernel_source!("embed.wgsl", [Uniform, Read, Read, Read, ReadWrite]);

/// Compiles embed.wgsl: bindings (params, ids, table, PE, X).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE.compile(context, &[]).await
}

/// The plan over T tokens of `width` values, embeddings times `scale`.
pub fn plan(width: usize, scale: f32) -> Plan {
    let d = width as u32;
    // One thread per output value (T × width), 256 to a workgroup.
    Box::new(move |t, _| {
        let params = Params {
            t,
            d,
            scale,
            _pad: 0,
        };
        Dispatch::new(params, groups_1d(t * d, 256))
    })
}
