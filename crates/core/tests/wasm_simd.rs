//! In the browser the CPU reference's hot loops run as hand-written wasm SIMD (`src/simd.rs`).
//! They must give bit for bit what the portable bodies give: checked here in headless Chromium
//! against scalar restatements of those bodies.
//!
//! `cargo test --target wasm32-unknown-unknown -p attnscope-core --test wasm_simd`
#![cfg(target_arch = "wasm32")]

use attnscope_core::activation::{
    exp, exp_in_place, gelu, gelu_in_place, sigmoid, sigmoid_in_place, tanh, tanh_in_place,
};
use attnscope_core::ops::{dot, gemv_add};
use attnscope_core::seq2seq::top_k_probabilities;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Inputs across every branch-free path: the clamps of exp, both signs, zeros, tiny and huge
/// values, infinities, NaN, and a dense sweep in between.
fn inputs() -> Vec<f32> {
    let mut values = vec![
        0.0,
        -0.0,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        1e-30,
        87.3,
        -87.3,
        88.3,
        88.4,
        -88.4,
        1e10,
        -1e10,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ];
    values.extend((-40_000..=40_000).map(|i| i as f32 * 0.0025));
    values
}

fn same_bits(lanes: &[f32], scalar: &[f32], what: &str) {
    assert_eq!(lanes.len(), scalar.len());
    for (i, (a, b)) in lanes.iter().zip(scalar).enumerate() {
        assert!(
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            "{what}[{i}]: {a} (SIMD) vs {b} (scalar)"
        );
    }
}

#[wasm_bindgen_test]
fn slice_activations_equal_the_scalar_functions_bit_for_bit() {
    type Pair = (&'static str, fn(&mut [f32]), fn(f32) -> f32);
    let pairs: [Pair; 4] = [
        ("exp", exp_in_place, exp),
        ("sigmoid", sigmoid_in_place, sigmoid),
        ("tanh", tanh_in_place, tanh),
        ("gelu", gelu_in_place, gelu),
    ];
    let all = inputs();
    for (name, in_place, scalar) in pairs {
        // Every length up to 13 exercises the tail after the last group of four.
        for len in (0..=13).chain([all.len()]) {
            let mut lanes = all[..len].to_vec();
            in_place(&mut lanes);
            let expected: Vec<f32> = all[..len].iter().map(|&x| scalar(x)).collect();
            same_bits(&lanes, &expected, name);
        }
    }
}

/// `ops::dot`'s portable body: eight running sums, then the lanes in order, then the tail.
fn dot_in_eight_sums(a: &[f32], b: &[f32]) -> f32 {
    let whole = a.len() / 8 * 8;
    let mut lanes = [0f32; 8];
    for k in (0..whole).step_by(8) {
        for i in 0..8 {
            lanes[i] += a[k + i] * b[k + i];
        }
    }
    let tail: f32 = (whole..a.len()).map(|i| a[i] * b[i]).sum();
    lanes.iter().sum::<f32>() + tail
}

#[wasm_bindgen_test]
fn dot_and_gemv_equal_the_eight_sums_bit_for_bit() {
    let values: Vec<f32> = (0..600)
        .map(|i| ((i * 37 % 101) as f32 - 50.0) * 0.173)
        .collect();
    for len in (0..=20).chain([64, 127, 256, 299]) {
        let (a, b) = (&values[..len], &values[300..300 + len]);
        same_bits(
            &[dot(a, b)],
            &[dot_in_eight_sums(a, b)],
            &format!("dot len {len}"),
        );
    }
    let (rows, cols) = (7, 45);
    let w = &values[..rows * cols];
    let x = &values[400..400 + cols];
    let mut out = vec![0.5f32; rows];
    gemv_add(w, x, &mut out);
    let expected: Vec<f32> = (0..rows)
        .map(|r| 0.5 + dot_in_eight_sums(&w[r * cols..(r + 1) * cols], x))
        .collect();
    same_bits(&out, &expected, "gemv");
}

#[wasm_bindgen_test]
fn top_k_probabilities_equal_the_eight_sums_bit_for_bit() {
    let logits: Vec<f32> = (0..5003)
        .map(|i| ((i * 7919 % 997) as f32) * 0.011 - 4.0)
        .collect();
    let top = top_k_probabilities(&logits, 5);
    let max = top_max(&logits);
    let whole = logits.len() / 8 * 8;
    let mut lanes = [0f32; 8];
    for k in (0..whole).step_by(8) {
        for i in 0..8 {
            lanes[i] += exp(logits[k + i] - max);
        }
    }
    let tail: f32 = logits[whole..].iter().map(|&l| exp(l - max)).sum();
    let sum = lanes.iter().sum::<f32>() + tail;
    for (index, p) in top {
        same_bits(
            &[p],
            &[exp(logits[index as usize] - max) / sum],
            "top-k probability",
        );
    }
}

fn top_max(logits: &[f32]) -> f32 {
    logits.iter().copied().fold(f32::NEG_INFINITY, f32::max)
}
