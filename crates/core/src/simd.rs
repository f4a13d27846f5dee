//! The hot loops of [`crate::ops`] and [`crate::activation`] written in wasm SIMD (`simd128`)
//! by hand, for the browser build.
//!
//! The release wasm is linked with fat LTO at `opt-level = "z"` (the smallest app), and that
//! pipeline never vectorises loops, whatever the crate's own opt-level says. The portable
//! bodies elsewhere rely on the vectoriser, so in the browser they would run four to eight
//! times slower. Each function here performs the same IEEE operations in the same order as
//! its scalar twin, lane by lane, so the results are bit for bit equal
//! (`tests/wasm_simd.rs` checks it in Chromium):
//!
//! ```text
//! dot:  lanes[i] += a[8k+i]·b[8k+i]  (i < 8, two f32x4 registers),  Σ lanes in order + tail
//! exp:  x ← clamp(x),  n = (x·log₂e + M) − M,  r = (x − n·ln2_hi) − n·ln2_lo,
//!       e^x = ((P(r)·r)·r + r + 1) · bits((n + 127) ≪ 23)
//! ```

use core::arch::wasm32::*;

use crate::activation::{self, EXP_MAX, EXP_MIN, LN2_HI, LN2_LO, LOG2_E, ROUND_MAGIC};

/// Σ a_i·b_i in the eight running sums of `ops::dot`'s portable body.
#[inline]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let (a8, a_rest) = a.split_at(a.len() / 8 * 8);
    let (b8, b_rest) = b.split_at(a8.len());
    let (mut low, mut high) = (f32x4_splat(0.0), f32x4_splat(0.0));
    for (x, y) in a8.chunks_exact(8).zip(b8.chunks_exact(8)) {
        low = f32x4_add(low, f32x4_mul(load(&x[..4]), load(&y[..4])));
        high = f32x4_add(high, f32x4_mul(load(&x[4..]), load(&y[4..])));
    }
    let tail: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    lanes_sum(low, high) + tail
}

/// Σ exp(l − max) over whole chunks of eight logits, in the eight running sums of
/// `seq2seq::sum_exp_chunks`'s portable body.
#[inline]
pub(crate) fn sum_exp_chunks(chunks: core::slice::ChunksExact<'_, f32>, max: f32) -> f32 {
    let max = splat(max);
    let (mut low, mut high) = (f32x4_splat(0.0), f32x4_splat(0.0));
    for chunk in chunks {
        low = f32x4_add(low, exp(f32x4_sub(load(&chunk[..4]), max)));
        high = f32x4_add(high, exp(f32x4_sub(load(&chunk[4..]), max)));
    }
    lanes_sum(low, high)
}

/// Lanes 0‥3 of `low` then 0‥3 of `high`, added in that order.
#[inline]
pub(crate) fn lanes_sum(low: v128, high: v128) -> f32 {
    f32x4_extract_lane::<0>(low)
        + f32x4_extract_lane::<1>(low)
        + f32x4_extract_lane::<2>(low)
        + f32x4_extract_lane::<3>(low)
        + f32x4_extract_lane::<0>(high)
        + f32x4_extract_lane::<1>(high)
        + f32x4_extract_lane::<2>(high)
        + f32x4_extract_lane::<3>(high)
}

/// Four consecutive values (the slice holds exactly four).
#[inline]
pub(crate) fn load(values: &[f32]) -> v128 {
    assert_eq!(values.len(), 4);
    // SAFETY: four f32s are 16 readable bytes; `v128_load` needs no alignment.
    unsafe { v128_load(values.as_ptr().cast()) }
}

#[inline]
fn store(values: &mut [f32], v: v128) {
    assert_eq!(values.len(), 4);
    // SAFETY: four f32s are 16 writable bytes; `v128_store` needs no alignment.
    unsafe { v128_store(values.as_mut_ptr().cast(), v) }
}

#[inline]
fn splat(x: f32) -> v128 {
    f32x4_splat(x)
}

/// `activation::exp`, four lanes at once.
#[inline]
pub(crate) fn exp(x: v128) -> v128 {
    // f32::clamp: below the minimum → minimum, above the maximum → maximum (NaN passes).
    let x = v128_bitselect(splat(EXP_MIN), x, f32x4_lt(x, splat(EXP_MIN)));
    let x = v128_bitselect(splat(EXP_MAX), x, f32x4_gt(x, splat(EXP_MAX)));
    let n = f32x4_sub(
        f32x4_add(f32x4_mul(x, splat(LOG2_E)), splat(ROUND_MAGIC)),
        splat(ROUND_MAGIC),
    );
    let r = f32x4_sub(
        f32x4_sub(x, f32x4_mul(n, splat(LN2_HI))),
        f32x4_mul(n, splat(LN2_LO)),
    );
    let mut p = splat(activation::EXP_POLY[0]);
    for &c in &activation::EXP_POLY[1..] {
        p = f32x4_add(f32x4_mul(p, r), splat(c));
    }
    let e_r = f32x4_add(f32x4_add(f32x4_mul(f32x4_mul(p, r), r), r), splat(1.0));
    let two_n = i32x4_shl(i32x4_add(i32x4_trunc_sat_f32x4(n), i32x4_splat(127)), 23);
    f32x4_mul(e_r, two_n)
}

/// `activation::sigmoid`, four lanes at once.
#[inline]
pub(crate) fn sigmoid(x: v128) -> v128 {
    f32x4_div(splat(1.0), f32x4_add(splat(1.0), exp(f32x4_neg(x))))
}

/// `activation::tanh`, four lanes at once.
#[inline]
pub(crate) fn tanh(x: v128) -> v128 {
    f32x4_sub(
        f32x4_mul(splat(2.0), sigmoid(f32x4_mul(splat(2.0), x))),
        splat(1.0),
    )
}

/// `activation::erf`, four lanes at once.
#[inline]
fn erf(x: v128) -> v128 {
    let a = f32x4_abs(x);
    let t = f32x4_div(
        splat(1.0),
        f32x4_add(splat(1.0), f32x4_mul(splat(activation::ERF_P), a)),
    );
    let [a1, a2, a3, a4, a5] = activation::ERF_A;
    let inner = f32x4_add(splat(a4), f32x4_mul(t, splat(a5)));
    let inner = f32x4_add(splat(a3), f32x4_mul(t, inner));
    let inner = f32x4_add(splat(a2), f32x4_mul(t, inner));
    let inner = f32x4_add(splat(a1), f32x4_mul(t, inner));
    let poly = f32x4_mul(t, inner);
    let magnitude = f32x4_sub(splat(1.0), f32x4_mul(poly, exp(f32x4_mul(f32x4_neg(a), a))));
    // copysign: the magnitude's bits without their sign, the sign of x.
    let sign = splat(-0.0);
    v128_or(v128_andnot(magnitude, sign), v128_and(x, sign))
}

/// `activation::gelu`, four lanes at once.
#[inline]
pub(crate) fn gelu(x: v128) -> v128 {
    let erf_term = erf(f32x4_mul(x, splat(std::f32::consts::FRAC_1_SQRT_2)));
    f32x4_mul(f32x4_mul(splat(0.5), x), f32x4_add(splat(1.0), erf_term))
}

/// Applies `lanes` to every four values and `scalar` to the remainder, in place.
#[inline]
pub(crate) fn map(values: &mut [f32], lanes: fn(v128) -> v128, scalar: fn(f32) -> f32) {
    let mut chunks = values.chunks_exact_mut(4);
    for chunk in &mut chunks {
        let v = lanes(load(chunk));
        store(chunk, v);
    }
    chunks
        .into_remainder()
        .iter_mut()
        .for_each(|v| *v = scalar(*v));
}
