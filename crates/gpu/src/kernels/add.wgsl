// Residual add:  Y[i] = A[i] + B[i]   over n elements.
//
// CPU twin (the specification): the residual sums (`zip_rows`) in attnscope-core src/transformer.rs.
// Held equal by crates/gpu/tests/transformer_parity.rs; Rust side: add.rs beside this file.

struct Params {
    n: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) g: vec3<u32>, @builtin(local_invocation_index) l: u32) {
    let index = (g.y * 65535u + g.x) * 256u + l; // dispatches fold into 2-D past 65,535 groups
    if (index < p.n) {
        y[index] = a[index] + b[index];
    }
}
