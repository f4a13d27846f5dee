// Pooling of the token states X (T × d) into one vector:
//   [CLS]:        pooled[j] = X[0][j]
//   masked mean:  pooled[j] = Σ_{t unmasked} X[t][j] / max(1, #unmasked)
//
// CPU twin (the specification): TransformerEncoderClassifier::pool in attnscope-core src/transformer.rs.
// Held equal by crates/gpu/tests/transformer_parity.rs; Rust side: pool.rs beside this file.

struct Params {
    t: u32,
    d: u32,
    mean: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> flags: array<u32>; // key mask at [0, T)
@group(0) @binding(3) var<storage, read_write> pooled: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let j = id.x;
    if (j >= p.d) {
        return;
    }
    if (p.mean == 0u) {
        pooled[j] = x[j];
        return;
    }
    var sum = 0.0;
    var count = 0u;
    for (var t = 0u; t < p.t; t = t + 1u) {
        if (flags[t] == 0u) {
            sum = sum + x[t * p.d + j];
            count = count + 1u;
        }
    }
    pooled[j] = sum / f32(max(count, 1u));
}
