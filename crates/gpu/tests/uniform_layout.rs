//! Every kernel's Rust `Params` mirrors its WGSL uniform struct as naga lays it out: the same
//! member names at the same byte offsets, the same size, within the 32 bytes each planned
//! step writes (`plan::UNIFORM_BYTES`), fields as whole 32-bit words with no padding between
//! them. A field added, renamed, widened or reordered on one side only fails here rather than
//! as silently wrong values on the GPU. Every `.wgsl` file must be listed in `kernels::ALL` (or, shared by several kernels, in
//! `kernels::SHARED`).
#![cfg(not(target_arch = "wasm32"))]

use attnscope_gpu::kernels::{ALL, SHARED};
use attnscope_gpu::plan::UNIFORM_BYTES;
use wgpu::naga;

/// A WGSL struct member: (name, byte offset, size).
type Member = (String, u32, u32);

/// (size, members) of a kernel's one uniform variable, as naga lays it out.
fn uniform_layout(name: &str, source: &str) -> (u32, Vec<Member>) {
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
        .map(|m| {
            let name = m.name.clone().unwrap_or_default();
            (name, m.offset, layouter[m.ty].size)
        })
        .collect();
    (layouter[ty].size, fields)
}

#[test]
fn every_kernel_file_has_a_rust_module() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/kernels");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".wgsl"))
        .collect();
    on_disk.sort();
    let kernels = ALL.iter().map(|k| k.file);
    let mut listed: Vec<String> = kernels
        .clone()
        .chain(SHARED.iter().map(|(file, _)| *file))
        .map(str::to_owned)
        .collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every .wgsl is in kernels::ALL or kernels::SHARED"
    );
    for (file, text) in SHARED {
        assert!(
            ALL.iter().any(|k| k.wgsl.contains(text)),
            "{file} is appended to at least one kernel"
        );
    }
    for wgsl in kernels {
        let module = format!("{dir}/{}", wgsl.replace(".wgsl", ".rs"));
        assert!(
            std::path::Path::new(&module).exists(),
            "{wgsl} has {module} beside it"
        );
    }
}

#[test]
fn every_params_mirrors_its_wgsl_struct() {
    for kernel in ALL {
        let name = kernel.file;
        let (size, members) = uniform_layout(name, kernel.wgsl);
        assert!(
            u64::from(size) <= UNIFORM_BYTES,
            "{name}: {size} bytes > {UNIFORM_BYTES}"
        );
        assert_eq!(size as usize, kernel.size, "{name}: Rust and WGSL sizes");
        let wgsl: Vec<(&str, usize)> = members
            .iter()
            .map(|(n, offset, _)| (n.as_str(), *offset as usize))
            .collect();
        assert_eq!(wgsl, kernel.fields, "{name}: member names and offsets");
        let mut at = 0;
        for (member, offset, bytes) in &members {
            assert_eq!(*offset, at, "{name}.{member}: no padding between the words");
            assert_eq!(
                bytes % 4,
                0,
                "{name}.{member}: a whole number of 32-bit words"
            );
            at += bytes;
        }
    }
}

#[test]
fn every_binding_list_matches_the_shader() {
    for kernel in ALL {
        let module = naga::front::wgsl::parse_str(kernel.wgsl).expect("parses");
        let mut bound: Vec<u32> = module
            .global_variables
            .iter()
            .filter_map(|(_, v)| v.binding.as_ref().map(|b| b.binding))
            .collect();
        bound.sort();
        let expected: Vec<u32> = (0..kernel.bindings.len() as u32).collect();
        assert_eq!(
            bound, expected,
            "{}: bindings 0..n, one per entry",
            kernel.file
        );
    }
}
