//! `lstm.wgsl`: one bidirectional LSTM layer's recurrence, looping over time in the shader
//! (workgroup 0 forwards, 1 backwards): gates = P[t] + W_hh·h, c = σ(f)⊙c + σ(i)⊙tanh(g),
//! h = σ(o)⊙tanh(c).
//!
//! CPU twin: `attnscope_core::ops::LstmCell::run` (the input projection P is a `matmul`
//! before it). Tested by `tests/bilstm_parity.rs` and `tests/seq2seq_parity.rs`.

use crate::kernel::Kernel;
use crate::plan::{Dispatch, Plan};
use crate::{GpuContext, GpuError};
use bytemuck::Zeroable;

crate::uniform_params! {
    /// The uniform `lstm.wgsl` reads.
    pub struct Params {
        /// Time steps.
        t: u32,
        /// Padding.
        _pad0: u32,
        /// Padding.
        _pad1: u32,
        /// Padding.
        _pad2: u32,
    }
}

crate::kernel_source!(
    "lstm.wgsl",
    shared["activations.wgsl"],
    [Uniform, Read, Read, ReadWrite, ReadWrite]
);

/// Largest hidden size the kernel holds (`MAX_Q` · 4: one thread per hidden unit).
pub const MAX_HIDDEN: usize = 256;

/// Threads per workgroup (`WG` in lstm.wgsl).
const WORKGROUP: usize = 256;

/// How W_hh's chunks hold the weights (`HALF` in lstm.wgsl); the value is the kernel variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Four f32s a chunk.
    F32 = 0,
    /// Eight f16s a chunk (only when every weight is exactly an f16: nothing is rounded).
    Half = 1,
}

/// Compiles lstm.wgsl for hidden size `h`: bindings (params, P, W_hh chunks, Y, last), one
/// pipeline per [`Precision`] (pick one with `Precision::X as usize`).
pub async fn kernel(context: &GpuContext, h: usize) -> Result<Kernel, GpuError> {
    let rows_per_thread = (4 * h).div_ceil(WORKGROUP) as f64;
    let f32_chunks = [
        ("H", h as f64),
        ("CHUNKS", h.div_ceil(4) as f64),
        ("R", rows_per_thread),
        ("HALF", 0.0),
    ];
    let half_chunks = [
        ("H", h as f64),
        ("CHUNKS", h.div_ceil(8) as f64),
        ("R", rows_per_thread),
        ("HALF", 1.0),
    ];
    SOURCE.compile(context, &[&f32_chunks, &half_chunks]).await
}

/// The recurrent weights of both directions (`[W_hh→, W_hh←]`, each 4H × `h` row-major) as
/// lstm.wgsl reads them, and in which precision: f16 pairs when every weight is exactly an
/// f16 (every shipped folder), else f32s; either way chunks of 16 bytes, zero-padded at the
/// end of each row, stored column-major by chunk (chunk k of row r at k·4H + r).
pub fn w_hh_chunks(directions: [&[f32]; 2], h: usize) -> (Vec<u32>, Precision) {
    let rows = 4 * h;
    let lossless = |v: &f32| half::f16::from_f32(*v).to_f32().to_bits() == v.to_bits();
    let half = directions.iter().all(|m| m.iter().all(lossless));
    let (precision, per_chunk) = if half {
        (Precision::Half, 8)
    } else {
        (Precision::F32, 4)
    };
    let chunks = h.div_ceil(per_chunk);
    let mut out = vec![0u32; 2 * chunks * rows * 4];
    for (d, m) in directions.iter().enumerate() {
        for r in 0..rows {
            for col in 0..h {
                let (k, lane) = (col / per_chunk, col % per_chunk);
                let word = ((d * chunks + k) * rows + r) * 4;
                let v = m[r * h + col];
                if half {
                    // Even columns in the low half: unpack2x16float returns (low, high).
                    let bits = u32::from(half::f16::from_f32(v).to_bits());
                    out[word + lane / 2] |= bits << (16 * (lane % 2));
                } else {
                    out[word + lane] = v.to_bits();
                }
            }
        }
    }
    (out, precision)
}

/// The plan of one layer over T steps: two workgroups, one per direction.
pub fn plan() -> Plan {
    // Two workgroups (forward and backward), each looping over the T steps itself: the
    // recurrence is sequential, so more groups would only wait on each other.
    Box::new(|t, _| {
        Dispatch::new(
            Params {
                t,
                ..Params::zeroed()
            },
            [2, 1, 1],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{w_hh_chunks, Precision};

    /// The f32 of an f16 bit pattern, as unpack2x16float reads it.
    fn f16(bits: u32) -> f32 {
        half::f16::from_bits(bits as u16).to_f32()
    }

    #[test]
    fn exact_f16_weights_are_packed_in_pairs_column_major() {
        // h = 1: four gate rows of one column; then h = 9: two chunks a row (8 + 1 padded).
        let forward = [0.5, -1.0, 2.0, 0.25];
        let backward = [1.5, 0.0, -0.5, 4.0];
        let (words, precision) = w_hh_chunks([&forward, &backward], 1);
        assert_eq!(precision, Precision::Half);
        assert_eq!(words.len(), 2 * 4 * 4); // 2 directions × 4 rows × one 16-byte chunk
        for (d, m) in [forward, backward].iter().enumerate() {
            for (r, want) in m.iter().enumerate() {
                let chunk = &words[(d * 4 + r) * 4..(d * 4 + r + 1) * 4];
                assert_eq!(f16(chunk[0] & 0xffff), *want);
                assert_eq!(chunk[0] >> 16, 0); // the padding is zero
                assert_eq!(&chunk[1..], [0, 0, 0]);
            }
        }
        let h = 9;
        let m: Vec<f32> = (0..4 * h * h).map(|i| i as f32).collect();
        let (words, precision) = w_hh_chunks([&m, &m], h);
        assert_eq!(precision, Precision::Half);
        let rows = 4 * h;
        // Row 3, column 8: chunk 1, word 0, low half.
        assert_eq!(f16(words[(rows + 3) * 4] & 0xffff), m[3 * h + 8]);
        // Row 5, column 3: chunk 0, word 1, high half.
        assert_eq!(f16(words[5 * 4 + 1] >> 16), m[5 * h + 3]);
    }

    #[test]
    fn weights_that_are_not_f16_stay_f32() {
        let forward = [0.1, -1.0, 2.0, 0.25]; // 0.1 is no f16
        let backward = [1.5, 0.0, -0.5, 4.0];
        let (words, precision) = w_hh_chunks([&forward, &backward], 1);
        assert_eq!(precision, Precision::F32);
        for (d, m) in [forward, backward].iter().enumerate() {
            for (r, want) in m.iter().enumerate() {
                let chunk = &words[(d * 4 + r) * 4..(d * 4 + r + 1) * 4];
                assert_eq!(f32::from_bits(chunk[0]), *want);
                assert_eq!(&chunk[1..], [0, 0, 0]);
            }
        }
    }
}
