//! `decoder_cell.wgsl`: one decoding step's LSTM cell on x = [E_tgt[y]; c] (input feeding)
//! and its output features, tanh(W_c·[h; c] + b_c) (attentional hidden) or [h; c].
//!
//! CPU twin: `attnscope_core::ops::LstmCell::step` and the `combine` layer in
//! `attnscope_core::seq2seq`. Tested by `tests/seq2seq_parity.rs`.

use super::decoder_state::StateLayout;
use crate::kernel::Kernel;
use crate::plan::Plan;
use crate::{GpuContext, GpuError};
use attnscope_core::config::Seq2SeqConfig;

/// The uniform this kernel reads (shared with the kernels of the same shape).
pub use super::StepParams as Params;

crate::kernel_source!(
    "decoder_cell.wgsl",
    shared ["activations.wgsl", "decoder_done.wgsl"],
    [Uniform, Read, Read, Read, ReadWrite]);

/// Compiles decoder_cell.wgsl for the translator's sizes and state layout: bindings (params,
/// target embedding, [W_ih | W_hh | W_c] as vec4 rows, [b | b_c], state).
pub async fn kernel(
    context: &GpuContext,
    c: &Seq2SeqConfig,
    layout: &StateLayout,
) -> Result<Kernel, GpuError> {
    let n = |x: usize| x as f64;
    let (e, h) = (c.embedding_dim, c.hidden_size);
    let input = layout.cell_input;
    let constants = [
        ("H", n(h)),
        ("E", n(e)),
        ("IN", n(input)),
        ("Q_IN", n(input.div_ceil(4))),
        ("Q_H", n(h.div_ceil(4))),
        ("Q_3H", n((3 * h).div_ceil(4))),
        ("ATTENTIONAL", n(c.attentional_hidden as usize)),
        ("OFF_H", n(layout.h)),
        ("OFF_C", n(layout.c)),
        ("OFF_CTX", n(layout.ctx)),
        ("OFF_FEAT", n(layout.feat)),
        ("OFF_DONE", n(layout.done)),
        ("OFF_IDS", n(layout.ids)),
    ];
    SOURCE.compile(context, &[&constants]).await
}

/// The plan of decoding step `step`: one workgroup.
pub fn plan(step: u32) -> Plan {
    // One workgroup: the 4H gates, then h and c, then the features, in order.
    Params::plan(step, [1, 1, 1])
}
