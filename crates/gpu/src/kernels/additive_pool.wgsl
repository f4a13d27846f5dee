// Additive attention pooling (Bahdanau) of the top layer's states S (T × w, w = 2H), given
// the scores s_t = vᵀ·tanh(W·S_t + b) (two matmuls before), in one workgroup:
//   e_t = s_t · scale                             scale = 1 / temperature
//   a   = softmax of e over the unmasked t         masked t: exactly 0; every t masked: all 0
//   context = Σ_t a_t · S_t                        (w)
// out = [context (w) | a (T)]: the classifier reads the context, the views read a.
//
// CPU twin (the specification): the attention pooling in attnscope-core src/bilstm.rs (ops::masked_softmax).
// Held equal by crates/gpu/tests/bilstm_parity.rs; Rust side: additive_pool.rs beside this file.

struct Params {
    t: u32,
    w: u32,
    scale: f32,
    _pad: u32,
}

const WG: u32 = 256u;
const MAX_T: u32 = 1024u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> scores: array<f32>; // (T)
@group(0) @binding(2) var<storage, read> flags: array<u32>;  // key mask at [0, T)
@group(0) @binding(3) var<storage, read> states: array<f32>; // (T, w)
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> weight: array<f32, MAX_T>;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) l: u32) {
    // The largest unmasked score.
    var m = -3.0e38;
    for (var t = l; t < p.t; t = t + WG) {
        if (flags[t] == 0u) {
            m = max(m, scores[t] * p.scale);
        }
    }
    partial[l] = m;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (l < stride) {
            partial[l] = max(partial[l], partial[l + stride]);
        }
        workgroupBarrier();
    }
    let top = partial[0]; // still −3e38 when every t is masked
    workgroupBarrier();
    // Σ exp(e_t − max) over the unmasked t.
    var sum = 0.0;
    for (var t = l; t < p.t; t = t + WG) {
        var v = 0.0;
        if (flags[t] == 0u) {
            v = exp(scores[t] * p.scale - top);
        }
        weight[t] = v;
        sum = sum + v;
    }
    partial[l] = sum;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (l < stride) {
            partial[l] = partial[l] + partial[l + stride];
        }
        workgroupBarrier();
    }
    var norm = 0.0;
    if (top > -1.0e38) {
        norm = 1.0 / partial[0];
    }
    for (var t = l; t < p.t; t = t + WG) {
        let a = weight[t] * norm;
        weight[t] = a;
        out[p.w + t] = a;
    }
    workgroupBarrier();
    for (var j = l; j < p.w; j = j + WG) {
        var acc = 0.0;
        for (var t = 0u; t < p.t; t = t + 1u) {
            acc = acc + weight[t] * states[t * p.w + j];
        }
        out[j] = acc;
    }
}
