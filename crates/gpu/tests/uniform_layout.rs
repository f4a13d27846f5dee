//! Every kernel's uniform struct, as naga lays it out, fits the 32 bytes each planned step
//! writes (`plan::UNIFORM_BYTES`: eight 32-bit words in field order, no padding between
//! them), and matmul's equals its Rust mirror `matmul::Dims`. A field added, widened or
//! reordered in a .wgsl file fails here rather than as silently wrong values on the GPU.
#![cfg(not(target_arch = "wasm32"))]

use attnscope_gpu::matmul::Dims;
use attnscope_gpu::plan::UNIFORM_BYTES;
use wgpu::naga;

macro_rules! kernels {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../src/kernels/", $name)))),*]
    };
}

const KERNELS: &[(&str, &str)] = kernels![
    "add.wgsl",
    "additive_pool.wgsl",
    "attention.wgsl",
    "bridge.wgsl",
    "decoder_argmax.wgsl",
    "decoder_attention.wgsl",
    "decoder_cell.wgsl",
    "decoder_logits.wgsl",
    "embed.wgsl",
    "layernorm.wgsl",
    "lstm.wgsl",
    "matmul.wgsl",
    "pool.wgsl",
    "softmax.wgsl",
];

/// (size, member offsets and sizes) of a kernel's one uniform variable.
fn uniform_layout(name: &str, source: &str) -> (u32, Vec<(u32, u32)>) {
    let module = naga::front::wgsl::parse_str(source)
        .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(source)));
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).expect("layout");
    let uniforms: Vec<_> = module
        .global_variables
        .iter()
        .filter(|(_, v)| v.space == naga::AddressSpace::Uniform)
        .collect();
    assert_eq!(uniforms.len(), 1, "{name} has one uniform");
    let ty = uniforms[0].1.ty;
    let naga::TypeInner::Struct { members, .. } = &module.types[ty].inner else {
        panic!("{name}: the uniform is a struct");
    };
    let fields = members
        .iter()
        .map(|m| (m.offset, layouter[m.ty].size))
        .collect();
    (layouter[ty].size, fields)
}

#[test]
fn every_uniform_is_the_planned_words() {
    let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/kernels"))
        .unwrap()
        .count();
    assert_eq!(on_disk, KERNELS.len(), "every kernel file is listed here");
    for (name, source) in KERNELS {
        let (size, fields) = uniform_layout(name, source);
        assert!(
            u64::from(size) <= UNIFORM_BYTES,
            "{name}: {size} bytes > {UNIFORM_BYTES}"
        );
        let mut at = 0;
        for (offset, field) in fields {
            assert_eq!(offset, at, "{name}: no padding between the words");
            assert_eq!(field % 4, 0, "{name}: fields are whole 32-bit words");
            at += field;
        }
    }
}

#[test]
fn matmul_dims_mirror_the_wgsl_struct() {
    let (size, fields) = uniform_layout("matmul.wgsl", include_str!("../src/kernels/matmul.wgsl"));
    assert_eq!(size as usize, std::mem::size_of::<Dims>());
    assert_eq!(fields, vec![(0, 4), (4, 4), (8, 4), (12, 4)]);
}
