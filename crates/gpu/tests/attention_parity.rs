//! `attention.wgsl` alone equals its CPU twin — `attnscope_core::transformer::head_weights`
//! (S = Q·Kᵀ/√d_k/τ, the masked softmax) and `add_head_output` (H = A·V) — within 1e-4
//! absolute + relative, over random T (across the 16-query tiles and the key tiles), heads,
//! head widths d_k from 1 to 128 (each with its own key tile), temperatures, key masks and
//! heads switched off, on a real device (lavapipe in CI), run as the engines run it: a
//! planned step, one submit, one readback; with and without the look-ahead mask (a decoder's).
//! Masked keys weigh exactly 0, keys after their query under the look-ahead mask weigh exactly
//! 0, and a switched-off head's output is exactly 0.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use attnscope_core::transformer::{add_head_output, head_weights};
use attnscope_core::Matrix;
use attnscope_gpu::buffers;
use attnscope_gpu::kernels::attention;
use attnscope_gpu::plan::{submit_and_read, Region, Steps};
use attnscope_testkit::SplitMix;
use proptest::prelude::*;

/// One case: T tokens, `heads` heads `dk` wide, keys masked and heads switched off.
struct Case {
    qkv: Matrix,
    heads: usize,
    dk: usize,
    scale: f32,
    masked: Vec<bool>,
    off: Vec<bool>,
    causal: bool,
}

impl Case {
    fn random(t: usize, heads: usize, dk: usize, seed: u64) -> Self {
        let mut rng = SplitMix(seed);
        let d = heads * dk;
        let values = (0..t * 3 * d).map(|_| rng.uniform(1.5)).collect();
        let temperature = 0.3 + 1.7 * (rng.uniform(0.5) + 0.5);
        Self {
            qkv: Matrix::from_vec(t, 3 * d, values).unwrap(),
            heads,
            dk,
            scale: 1.0 / ((dk as f32).sqrt() * temperature),
            masked: (0..t).map(|_| rng.uniform(0.5) > 0.3).collect(),
            off: (0..heads).map(|_| rng.uniform(0.5) > 0.35).collect(),
            causal: false,
        }
    }

    fn t(&self) -> usize {
        self.qkv.rows()
    }

    fn d(&self) -> usize {
        self.heads * self.dk
    }
}

/// The kernel's maps (heads × T × T) and outputs (T × d).
fn run_gpu(case: &Case) -> (Vec<f32>, Vec<f32>) {
    let context = common::context();
    let device = &context.device;
    let (t, d, heads) = (case.t(), case.d(), case.heads);
    let kernel = pollster::block_on(attention::kernel(context, case.dk)).expect("compiles");
    // flags: the key mask at [0, T), then the head mask (layer 0) at T.
    let flags: Vec<u32> = case
        .masked
        .iter()
        .chain(&case.off)
        .map(|&f| f as u32)
        .collect();
    let qkv = buffers::upload(device, "qkv", case.qkv.as_slice());
    let flags = buffers::upload_words(device, "flags", &flags);
    let maps = buffers::storage(device, "maps", heads * t * t, wgpu::BufferUsages::COPY_SRC);
    let out = buffers::storage(device, "out", t * d, wgpu::BufferUsages::COPY_SRC);
    let staging = buffers::staging(device, "staging", heads * t * t + t * d);
    let mut steps = Steps::default();
    let plan = attention::plan(d, heads, 0, t, case.causal);
    steps.push(device, &kernel, 0, &[&qkv, &flags, &maps, &out], plan);
    steps.write_uniforms(&context.queue, t as u32, case.scale);
    let mut encoder = context.encoder("attention parity");
    steps.record(&mut encoder, "attention parity", t as u32, case.scale);
    let regions = [
        Region::new(&maps, 0, heads * t * t),
        Region::new(&out, 0, t * d),
    ];
    let mut values =
        pollster::block_on(submit_and_read(context, encoder, &regions, &staging)).unwrap();
    let outputs = values.split_off(heads * t * t);
    (values, outputs)
}

/// The CPU twin's maps and outputs.
fn reference(case: &Case) -> (Vec<f32>, Vec<f32>) {
    let (t, d, dk) = (case.t(), case.d(), case.dk);
    let mut maps = Vec::with_capacity(case.heads * t * t);
    let mut concat = vec![0.0; t * d];
    for head in 0..case.heads {
        let visible = |i: usize, j: usize| !case.masked[j] && (!case.causal || j <= i);
        let (_, weights) = head_weights(&case.qkv, (d, dk), head, case.scale, visible);
        if !case.off[head] {
            add_head_output(&weights, &case.qkv, (d, dk), head, &mut concat);
        }
        maps.extend(weights);
    }
    (maps, concat)
}

fn check(t: usize, heads: usize, dk: usize, seed: u64, causal: bool) -> Result<(), TestCaseError> {
    let case = Case {
        causal,
        ..Case::random(t, heads, dk, seed)
    };
    let (maps, out) = run_gpu(&case);
    let (want_maps, want_out) = reference(&case);
    let what = format!("T {t}, {heads} heads × d_k {dk}, causal {causal}");
    common::close(&format!("{what}: maps"), &maps, &want_maps)?;
    common::close(&format!("{what}: outputs"), &out, &want_out)?;
    // Masked keys weigh exactly 0; a switched-off head writes exactly 0.
    for (k, &w) in maps.iter().enumerate() {
        if case.masked[k % t] {
            prop_assert_eq!(w, 0.0, "{}: masked key {} weighs {}", what, k % t, w);
        }
        let (i, j) = ((k / t) % t, k % t);
        if causal && j > i {
            prop_assert_eq!(
                w,
                0.0,
                "{}: query {} sees the later key {}: {}",
                what,
                i,
                j,
                w
            );
        }
    }
    for (k, &v) in out.iter().enumerate() {
        if case.off[(k % case.d()) / dk] {
            prop_assert_eq!(v, 0.0, "{}: a switched-off head wrote {}", what, v);
        }
    }
    Ok(())
}

#[test]
fn edge_shapes() {
    // One token; T across the 16-query tiles and the key tiles (64 keys at d_k 32, 32 at
    // 64); the shipped models' heads (d_k 32), MiniLM's (d_k 32 × 12) and the widest (128).
    for (t, heads, dk) in [
        (1, 1, 1),
        (1, 2, 32),
        (15, 1, 7),
        (17, 4, 32),
        (65, 2, 64),
        (128, 4, 32),
        (33, 12, 32),
        (40, 1, 128),
    ] {
        check(t, heads, dk, 5, false).unwrap();
        // The look-ahead mask, across the skipped key tiles (T 65 and 128: several query
        // tiles, each visiting only the key tiles up to its last query).
        check(t, heads, dk, 6, true).unwrap();
    }
}

#[test]
fn every_key_masked_gives_zero_weights_not_nan() {
    let mut case = Case::random(9, 2, 16, 3);
    case.masked = vec![true; 9];
    let (maps, out) = run_gpu(&case);
    assert!(maps.iter().all(|&w| w == 0.0), "{maps:?}");
    assert!(out.iter().all(|v| v.is_finite()), "{out:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn equals_the_cpu_twin(t in 1usize..=160, heads in 1usize..=4, dk in 1usize..=128, seed in any::<u64>(), causal in any::<bool>()) {
        check(t, heads, dk, seed, causal)?;
    }
}
