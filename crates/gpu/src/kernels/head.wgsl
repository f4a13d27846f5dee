// A classifier's head in one workgroup: pooling, the linear layer and the softmax.
//   pooled = X[0]                                      MEAN = 0 ([CLS], or a vector already pooled)
//   pooled[j] = Σ_{t unmasked} X[t][j] / max(1, #unmasked)    MEAN = 1 (masked mean over T rows)
//   z = W·pooled + b                                   W (C × d) as nn.Linear, one buffer [W | b]
//   P[c] = exp(z[c] − max z) / Σ exp(z − max z)
//   scores = [z (C) | P (C)]
// 256 threads: one per column of the pooled vector (kept in workgroup memory), then one per
// class, then every thread writes the probabilities of its classes.
//
// CPU twin (the specification): TransformerEncoderClassifier::pool, ops::Linear::forward and
// ops::softmax in attnscope-core (and BiLstmClassifier's classifier on its pooled context).
// Held equal by crates/gpu/tests/transformer_parity.rs and tests/bilstm_parity.rs;
// Rust side: head.rs beside this file.

struct Params {
    t: u32,
    d: u32,
    classes: u32,
    mean: u32,
}

const WG: u32 = 256u;
const MAX_D: u32 = 2048u;
const MAX_CLASSES: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> flags: array<u32>; // key mask at [0, T)
@group(0) @binding(3) var<storage, read> w: array<f32>;     // [W (C × d) | b (C)]
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;

var<workgroup> pooled: array<f32, MAX_D>;
var<workgroup> z: array<f32, MAX_CLASSES>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) l: u32) {
    let d = min(p.d, MAX_D);
    let classes = min(p.classes, MAX_CLASSES);
    for (var j = l; j < d; j = j + WG) {
        if (p.mean == 0u) {
            pooled[j] = x[j];
        } else {
            var sum = 0.0;
            var count = 0u;
            for (var t = 0u; t < p.t; t = t + 1u) {
                if (flags[t] == 0u) {
                    sum = sum + x[t * d + j];
                    count = count + 1u;
                }
            }
            pooled[j] = sum / f32(max(count, 1u));
        }
    }
    workgroupBarrier();
    for (var c = l; c < classes; c = c + WG) {
        var acc = 0.0;
        for (var j = 0u; j < d; j = j + 1u) {
            acc = acc + w[c * d + j] * pooled[j];
        }
        let v = acc + w[classes * d + c];
        z[c] = v;
        scores[c] = v;
    }
    workgroupBarrier();
    var m = -3.0e38;
    for (var c = 0u; c < classes; c = c + 1u) {
        m = max(m, z[c]);
    }
    var total = 0.0;
    for (var c = 0u; c < classes; c = c + 1u) {
        total = total + exp(z[c] - m);
    }
    for (var c = l; c < classes; c = c + WG) {
        scores[classes + c] = exp(z[c] - m) / total;
    }
}
