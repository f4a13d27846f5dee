// Class probabilities from the classifier's logits z (n values), one workgroup:
//   P[c] = exp(z[c] − max z) / Σ exp(z − max z)
//
// CPU twin (the specification): ops::softmax in attnscope-core src/ops.rs.
// Held equal by crates/gpu/tests/transformer_parity.rs, tests/bilstm_parity.rs; Rust side: softmax.rs beside this file.

struct Params {
    n: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read_write> probabilities: array<f32>;

@compute @workgroup_size(1)
fn main() {
    var m = -3.0e38;
    for (var c = 0u; c < p.n; c = c + 1u) {
        m = max(m, z[c]);
    }
    var total = 0.0;
    for (var c = 0u; c < p.n; c = c + 1u) {
        total = total + exp(z[c] - m);
    }
    for (var c = 0u; c < p.n; c = c + 1u) {
        probabilities[c] = exp(z[c] - m) / total;
    }
}
