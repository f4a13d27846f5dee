// Scaled dot-product attention of one query row i of one head h, fused:
//   s_j = (q_i · k_j) / √d_k / temperature              for every key j < T
//   a_j = exp(s_j − m) / Σ_unmasked exp(s − m)          m = max over unmasked keys; masked keys
//                                                       get exactly 0; no unmasked key → all 0
//   H[i][h·d_k + e] = Σ_j a_j · v_j[e]                   zeroed when head h is switched off
// Q, K, V are read in place from the (T × 3d) projection [Q | K | V]. `flags` holds the key mask
// (1 = masked) at [0, T) and the head mask (1 = off) at [heads_at, heads_at + layers·heads), so
// the kernel stays within WebGPU's 4 storage buffers per stage. One 64-thread workgroup per
// (i, h); the maximum and the sum are tree reductions in workgroup memory.
//
// CPU twin (the specification): TransformerEncoderClassifier::attention in attnscope-core src/transformer.rs (gemm, ops::masked_softmax, gemm).
// Held equal by crates/gpu/tests/transformer_parity.rs, tests/browser_parity.rs; Rust side: attention.rs beside this file.

struct Params {
    t: u32,
    d: u32,
    heads: u32,
    dk: u32,
    scale: f32,
    layer: u32,
    heads_at: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> flags: array<u32>;
@group(0) @binding(3) var<storage, read_write> maps: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

const WG: u32 = 64u;
const MAX_T: u32 = 1024u;
var<workgroup> row: array<f32, 1024>;
var<workgroup> partial: array<f32, 64>;

fn reduce(l: u32, take_max: bool) -> f32 {
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (l < stride) {
            if (take_max) {
                partial[l] = max(partial[l], partial[l + stride]);
            } else {
                partial[l] = partial[l] + partial[l + stride];
            }
        }
        workgroupBarrier();
    }
    let result = partial[0];
    workgroupBarrier();
    return result;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) g: vec3<u32>, @builtin(local_invocation_index) l: u32) {
    let i = g.x;
    let h = g.y;
    let stride = 3u * p.d;
    let q = i * stride + h * p.dk;
    // Step 1 — scores: s_j = (q_i · k_j) · scale. Thread l takes keys l, l + 64, …; the
    // row of scores stays in workgroup memory for the steps below.
    var local_max = -3.0e38;
    for (var j = l; j < p.t; j = j + WG) {
        let k = j * stride + p.d + h * p.dk;
        var s = 0.0;
        for (var e = 0u; e < p.dk; e = e + 1u) {
            s = s + qkv[q + e] * qkv[k + e];
        }
        s = s * p.scale;
        row[j] = s;
        if (flags[j] == 0u) {
            local_max = max(local_max, s);
        }
    }
    // Step 2 — mask and maximum: m = max over the unmasked keys (masked keys are left out
    // here and get weight exactly 0 below, the −∞ of the equations).
    partial[l] = local_max;
    workgroupBarrier();
    let m = reduce(l, true);
    var local_sum = 0.0;
    for (var j = l; j < p.t; j = j + WG) {
        var e = 0.0;
        if (flags[j] == 0u) {
            e = exp(row[j] - m);
        }
        row[j] = e;
        local_sum = local_sum + e;
    }
    // Step 3 — softmax: e_j = exp(s_j − m), then divide by Σ e (no unmasked key: all 0).
    partial[l] = local_sum;
    workgroupBarrier();
    let total = reduce(l, false);
    var inv = 0.0;
    if (total > 0.0) {
        inv = 1.0 / total;
    }
    // Step 4 — the weights a_j, kept for the views as row i of map (layer, head).
    let base = ((p.layer * p.heads + h) * p.t + i) * p.t;
    for (var j = l; j < p.t; j = j + WG) {
        let a = row[j] * inv;
        row[j] = a;
        maps[base + j] = a;
    }
    workgroupBarrier();
    // Step 5 — the head's output H_i = Σ_j a_j v_j (zero when the head is switched off).
    let off = flags[p.heads_at + p.layer * p.heads + h] != 0u;
    for (var e = l; e < p.dk; e = e + WG) {
        var acc = 0.0;
        if (!off) {
            for (var j = 0u; j < p.t; j = j + 1u) {
                acc = acc + row[j] * qkv[j * stride + 2u * p.d + h * p.dk + e];
            }
        }
        out[i * p.d + h * p.dk + e] = acc;
    }
}
