//! `head.wgsl`: a classifier's head in one dispatch — pooling ([CLS] or the masked mean), the
//! linear layer and the softmax — writing [logits | probabilities] for the one readback.
//!
//! CPU twin: `TransformerEncoderClassifier::pool`, `ops::Linear::forward` and `ops::softmax`
//! in `attnscope_core` (the BiLSTM's classifier reads its pooled context as row 0). Tested by
//! `tests/transformer_parity.rs` (both poolings, with masks) and `tests/bilstm_parity.rs`.

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};

crate::uniform_params! {
    /// The uniform `head.wgsl` reads.
    pub struct Params {
        /// Rows of X (tokens).
        t: u32,
        /// Width of a row, of the pooled vector.
        d: u32,
        /// Classes.
        classes: u32,
        /// 1: masked mean over the T rows; 0: row 0.
        mean: u32,
    }
}

crate::kernel_source!("head.wgsl", [Uniform, Read, Read, Read, ReadWrite]);

/// The widest pooled vector the kernel holds in workgroup memory (`MAX_D` in the WGSL).
pub const MAX_D: usize = 2048;

/// The most classes it holds (`MAX_CLASSES` in the WGSL).
pub const MAX_CLASSES: usize = 256;

/// Compiles head.wgsl: bindings (params, X, flags, [W | b], scores).
pub async fn kernel(context: &GpuContext) -> Result<Kernel, GpuError> {
    SOURCE.compile(context, &[]).await
}

/// The plan of a head over rows of width `d` into `classes` classes; `mean` pools by the
/// masked mean of the T rows, otherwise row 0 is the pooled vector. One workgroup.
pub fn plan(d: usize, classes: usize, mean: bool) -> Plan {
    let (d, classes) = (d as u32, classes as u32);
    Box::new(move |t, _| {
        let params = Params {
            t,
            d,
            classes,
            mean: mean as u32,
        };
        Dispatch::new(params, [1, 1, 1])
    })
}
