//! `linear_residual.wgsl` (a sub-layer's end: the linear layer, the residual and, post-norm,
//! the LayerNorm in one dispatch) equals the CPU reference — `ops::Linear::forward`, the sum,
//! `ops::LayerNorm::forward` — within 1e-4 absolute + relative, over random shapes (rows
//! across the 4-row workgroups, K across the 256-wide staged slices, N across the 128
//! threads), both variants, on a real device (lavapipe in CI), run as the engines run it: a
//! planned step, one submit, one readback.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use attnscope_core::ops::{LayerNorm, Linear};
use attnscope_core::Matrix;
use attnscope_gpu::buffers;
use attnscope_gpu::kernel::Kernel;
use attnscope_gpu::kernels::linear_residual::{self, Norm};
use attnscope_gpu::plan::{submit_and_read, Region, Steps};
use attnscope_testkit::SplitMix;
use proptest::prelude::*;
use std::sync::OnceLock;

const EPS: f32 = 1e-5;

fn kernel() -> &'static Kernel {
    static KERNEL: OnceLock<Kernel> = OnceLock::new();
    KERNEL.get_or_init(|| {
        pollster::block_on(linear_residual::kernel(common::context()))
            .expect("linear_residual.wgsl compiles")
    })
}

fn random(rng: &mut SplitMix, rows: usize, cols: usize, scale: f32) -> Matrix {
    let values = (0..rows * cols).map(|_| rng.uniform(scale)).collect();
    Matrix::from_vec(rows, cols, values).unwrap()
}

/// The GPU's Y for X (m × k), the linear layer, R (m × n) and the optional LayerNorm.
fn run_gpu(x: &Matrix, linear: &Linear, r: &Matrix, norm: Option<&LayerNorm>) -> Vec<f32> {
    let context = common::context();
    let device = &context.device;
    let (m, k, n) = (x.rows(), x.cols(), linear.weight.rows());
    let bias = linear.bias.as_deref().expect("a bias");
    let affine = norm.map(|ln| (ln.weight.as_slice(), ln.bias.as_slice()));
    let packed = linear_residual::pack(linear.weight.as_slice(), k, bias, affine);
    let xb = buffers::upload(device, "x", x.as_slice());
    let wb = buffers::upload(device, "w", &packed);
    let rb = buffers::upload(device, "r", r.as_slice());
    let yb = buffers::storage(device, "y", m * n, wgpu::BufferUsages::COPY_SRC);
    let staging = buffers::staging(device, "staging", m * n);
    let variant = if norm.is_some() {
        Norm::LayerNorm
    } else {
        Norm::None
    };
    let mut steps = Steps::default();
    let plan = linear_residual::plan(k, n, EPS);
    steps.push(
        device,
        kernel(),
        variant as usize,
        &[&xb, &wb, &rb, &yb],
        plan,
    );
    steps.write_uniforms(&context.queue, m as u32, 1.0);
    let mut encoder = context.encoder("linear_residual parity");
    steps.record(&mut encoder, "linear_residual parity", m as u32, 1.0);
    let regions = [Region::new(&yb, 0, m * n)];
    pollster::block_on(submit_and_read(context, encoder, &regions, &staging)).unwrap()
}

/// The CPU reference: Linear, + R, then the LayerNorm.
fn reference(x: &Matrix, linear: &Linear, r: &Matrix, norm: Option<&LayerNorm>) -> Vec<f32> {
    let mut v = linear.forward(x);
    for (a, b) in v.as_mut_slice().iter_mut().zip(r.as_slice()) {
        *a += *b;
    }
    match norm {
        Some(ln) => ln.forward(&v).as_slice().to_vec(),
        None => v.as_slice().to_vec(),
    }
}

fn check(m: usize, k: usize, n: usize, layer_norm: bool, seed: u64) -> Result<(), TestCaseError> {
    let mut rng = SplitMix(seed);
    let x = random(&mut rng, m, k, 1.0);
    let linear = Linear {
        weight: random(&mut rng, n, k, 1.0 / (k as f32).sqrt()),
        bias: Some((0..n).map(|_| rng.uniform(0.5)).collect()),
    };
    let r = random(&mut rng, m, n, 2.0);
    let norm = layer_norm.then(|| LayerNorm {
        weight: (0..n).map(|_| 1.0 + rng.uniform(0.5)).collect(),
        bias: (0..n).map(|_| rng.uniform(0.5)).collect(),
        eps: EPS,
    });
    let got = run_gpu(&x, &linear, &r, norm.as_ref());
    let want = reference(&x, &linear, &r, norm.as_ref());
    common::close(&format!("{m}×{k}·{n}ᵀ norm={layer_norm}"), &got, &want)
}

#[test]
fn edge_shapes() {
    // One row, one column, rows not a multiple of 4, K across the 256-wide slices, N across
    // the 128 threads, and the shipped models' own shapes (d = 128, d_ff = 512; MiniLM 384).
    for (m, k, n) in [
        (1, 1, 1),
        (1, 1, 2),
        (3, 257, 129),
        (5, 256, 128),
        (128, 128, 128),
        (128, 512, 128),
        (7, 1536, 384),
    ] {
        for layer_norm in [false, true] {
            check(m, k, n, layer_norm, 11).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn equals_the_cpu_reference(m in 1usize..=130, k in 1usize..=600, n in 1usize..=300, layer_norm in any::<bool>(), seed in any::<u64>()) {
        check(m, k, n, layer_norm, seed)?;
    }
}
