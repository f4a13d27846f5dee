//! The WGSL linear-layer kernel equals the CPU reference (`attnscope_core::ops::Linear` and
//! its activations) within 1e-4 absolute + relative, over random shapes from 1 to 256 in every
//! dimension (most not multiples of the 16-wide tile), on a real device (lavapipe in CI).
#![cfg(not(target_arch = "wasm32"))]

use attnscope_core::ops::{gelu, Linear};
use attnscope_core::Matrix;
use attnscope_gpu::kernel::Kernel;
use attnscope_gpu::matmul::{self, Activation, Params as Dims};
use attnscope_gpu::readback::read_f32;
use attnscope_gpu::GpuContext;
use attnscope_testkit::SplitMix;
use proptest::prelude::*;
use std::sync::OnceLock;
use wgpu::util::DeviceExt;

const TOLERANCE: f32 = 1e-4;

struct Gpu {
    context: GpuContext,
    kernel: Kernel,
}

fn gpu() -> &'static Gpu {
    static GPU: OnceLock<Gpu> = OnceLock::new();
    GPU.get_or_init(|| {
        let context = pollster::block_on(GpuContext::request())
            .expect("a Vulkan device (mesa-vulkan-drivers)");
        let kernel = pollster::block_on(matmul::kernel(&context)).expect("matmul.wgsl compiles");
        Gpu { context, kernel }
    })
}

fn buffer(device: &wgpu::Device, data: &[f32], usage: wgpu::BufferUsages) -> wgpu::Buffer {
    // Storage bindings may not be empty: pad to at least one value.
    let padded: Vec<f32> = if data.is_empty() {
        vec![0.0]
    } else {
        data.to_vec()
    };
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: None,
        contents: bytemuck::cast_slice(&padded),
        usage,
    })
}

fn run_gpu(x: &Matrix, linear: &Linear, activation: Activation) -> Vec<f32> {
    let Gpu { context, kernel } = gpu();
    let device = &context.device;
    let (m, k, n) = (
        x.rows() as u32,
        x.cols() as u32,
        linear.weight.rows() as u32,
    );
    let dims = Dims {
        m,
        k,
        n,
        has_bias: linear.bias.is_some() as u32,
    };
    let storage = wgpu::BufferUsages::STORAGE;
    let dims_buffer = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: None,
        contents: bytemuck::bytes_of(&dims),
        usage: wgpu::BufferUsages::UNIFORM,
    });
    let xb = buffer(device, x.as_slice(), storage);
    let wb = buffer(device, linear.weight.as_slice(), storage);
    let bb = buffer(device, linear.bias.as_deref().unwrap_or(&[]), storage);
    let size = ((m * n).max(1) * 4) as u64;
    let yb = device.create_buffer(&wgpu::BufferDescriptor {
        label: None,
        size,
        usage: storage | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let staging = device.create_buffer(&wgpu::BufferDescriptor {
        label: None,
        size,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let bind = kernel.bind(
        device,
        dims_buffer.as_entire_buffer_binding(),
        &[&xb, &wb, &bb, &yb],
    );
    let mut encoder = device.create_command_encoder(&Default::default());
    {
        let mut pass = encoder.begin_compute_pass(&Default::default());
        pass.set_pipeline(kernel.pipeline(activation as usize));
        pass.set_bind_group(0, &bind, &[]);
        let [x, y, z] = matmul::groups(m, n);
        pass.dispatch_workgroups(x, y, z);
    }
    encoder.copy_buffer_to_buffer(&yb, 0, &staging, 0, size);
    context.queue.submit([encoder.finish()]);
    pollster::block_on(read_f32(device, &staging, (m * n) as usize)).unwrap()
}

fn reference(x: &Matrix, linear: &Linear, activation: Activation) -> Vec<f32> {
    let act = |v: f32| match activation {
        Activation::Identity => v,
        Activation::Relu => v.max(0.0),
        Activation::Gelu => gelu(v),
        Activation::Tanh => v.tanh(),
    };
    linear
        .forward(x)
        .as_slice()
        .iter()
        .map(|&v| act(v))
        .collect()
}

fn random(rng: &mut SplitMix, rows: usize, cols: usize) -> Matrix {
    Matrix::from_vec(
        rows,
        cols,
        (0..rows * cols).map(|_| rng.uniform(1.0)).collect(),
    )
    .unwrap()
}

fn check(
    m: usize,
    k: usize,
    n: usize,
    bias: bool,
    activation: Activation,
    seed: u64,
) -> Result<(), TestCaseError> {
    let mut rng = SplitMix(seed);
    let x = random(&mut rng, m, k);
    let linear = Linear {
        weight: random(&mut rng, n, k),
        bias: bias.then(|| (0..n).map(|_| rng.uniform(1.0)).collect()),
    };
    let got = run_gpu(&x, &linear, activation);
    let want = reference(&x, &linear, activation);
    prop_assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        prop_assert!(
            (g - w).abs() <= TOLERANCE * (1.0 + w.abs()),
            "{m}×{k}·{n}ᵀ {activation:?} [{i}]: GPU {g}, CPU {w}"
        );
    }
    Ok(())
}

#[test]
fn uniform_struct_matches_the_wgsl_layout() {
    // struct Params { m: u32, k: u32, n: u32, has_bias: u32 } is 16 bytes, fields in order.
    assert_eq!(std::mem::size_of::<Dims>(), 16);
    let dims = Dims {
        m: 1,
        k: 2,
        n: 3,
        has_bias: 4,
    };
    assert_eq!(bytemuck::cast::<Dims, [u32; 4]>(dims), [1, 2, 3, 4]);
}

#[test]
fn edge_shapes() {
    for (m, k, n) in [
        (1, 1, 1),
        (1, 256, 1),
        (256, 1, 256),
        (16, 16, 16),
        (17, 33, 15),
        (128, 128, 384),
    ] {
        for activation in [
            Activation::Identity,
            Activation::Relu,
            Activation::Gelu,
            Activation::Tanh,
        ] {
            check(m, k, n, true, activation, 9).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn equals_the_cpu_reference(m in 1usize..=256, k in 1usize..=256, n in 1usize..=256, bias in any::<bool>(), act in 0u8..4, seed in any::<u64>()) {
        let activation = [Activation::Identity, Activation::Relu, Activation::Gelu, Activation::Tanh][act as usize];
        check(m, k, n, bias, activation, seed)?;
    }
}
