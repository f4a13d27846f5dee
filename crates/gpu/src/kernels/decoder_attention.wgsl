// One decoding step's Bahdanau attention over the encoder states s_j (S × 2H), keys
// k_j = W_k·s_j + b_k (S × a, computed once), decoder state h = state[OFF_H ..]:
//   q   = W_q·h                                        (a)
//   e_j = vᵀ·tanh(k_j + q) · scale                      scale = 1 / temperature
//   α   = softmax of e over the unmasked j               masked j: exactly 0; all masked: all 0
//   c_t = Σ_j α_j·s_j                                   → state[OFF_CTX ..]  (2H)
//   α is also kept as row `step` of the cross-attention, state[OFF_ALPHA + step·S_MAX ..].
// Nothing happens once the end token was produced (state[OFF_DONE] ≠ 0). Ids, the step count
// and the flag are stored as exact f32 integers (vocabularies are far below 2^24).
//
// Uses activations.wgsl (tanh_safe) and decoder_done.wgsl (the end flag), appended when it is compiled.
// CPU twin (the specification): the attention step of attnscope-core src/seq2seq.rs (ops::masked_softmax).
// Held equal by crates/gpu/tests/seq2seq_parity.rs; Rust side: decoder_attention.rs beside this file.

override H: u32;
override A: u32;
override Q_H: u32; // ⌈H / 4⌉: W_q rows are read as vec4s (zero-padded), column-major by vec4
override S_MAX: u32;
override OFF_H: u32;
override OFF_CTX: u32;
override OFF_MASK: u32;
override OFF_DONE: u32;
override OFF_ALPHA: u32;

struct Params {
    step: u32,
    s: u32,
    scale: f32,
    _pad: u32,
}

const WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> keys: array<f32>;   // (S, a)
@group(0) @binding(2) var<storage, read> states: array<f32>; // (S, 2H)
@group(0) @binding(3) var<storage, read> att: array<vec4<f32>>; // [W_q (Q_H × a) | v (⌈a/4⌉)] vec4s
@group(0) @binding(4) var<storage, read_write> state: array<f32>;

var<workgroup> q: array<f32, 256>;      // a ≤ 256
var<workgroup> h_s: array<vec4<f32>, 64>; // H ≤ 256
var<workgroup> alpha: array<f32, 256>;  // S ≤ 256

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) l: u32) {
    if (decoding_finished(l)) {
        return;
    }
    for (var k = l; k < 4u * Q_H; k = k + WG) {
        var v = 0.0;
        if (k < H) {
            v = state[OFF_H + k];
        }
        h_s[k / 4u][k % 4u] = v;
    }
    workgroupBarrier();
    for (var i = l; i < A; i = i + WG) {
        var acc = 0.0;
        for (var k = 0u; k < Q_H; k = k + 1u) {
            acc = acc + dot(att[k * A + i], h_s[k]); // vec4 k of row i: adjacent threads, adjacent vec4s
        }
        q[i] = acc;
    }
    workgroupBarrier();
    let v_at = A * Q_H;
    for (var j = l; j < p.s; j = j + WG) {
        var acc = 0.0;
        for (var i = 0u; i < A; i = i + 1u) {
            acc = acc + att[v_at + i / 4u][i % 4u] * tanh_safe(keys[j * A + i] + q[i]);
        }
        alpha[j] = acc * p.scale;
    }
    workgroupBarrier();
    if (l == 0u) {
        var m = -3.0e38;
        for (var j = 0u; j < p.s; j = j + 1u) {
            if (state[OFF_MASK + j] == 0.0) {
                m = max(m, alpha[j]);
            }
        }
        var total = 0.0;
        for (var j = 0u; j < p.s; j = j + 1u) {
            var v = 0.0;
            if (state[OFF_MASK + j] == 0.0) {
                v = exp(alpha[j] - m);
            }
            alpha[j] = v;
            total = total + v;
        }
        var norm = 0.0;
        if (m > -1.0e38) {
            norm = 1.0 / total;
        }
        for (var j = 0u; j < p.s; j = j + 1u) {
            alpha[j] = alpha[j] * norm;
            state[OFF_ALPHA + p.step * S_MAX + j] = alpha[j];
        }
    }
    workgroupBarrier();
    let width = 2u * H;
    for (var k = l; k < width; k = k + WG) {
        var acc = 0.0;
        for (var j = 0u; j < p.s; j = j + 1u) {
            acc = acc + alpha[j] * states[j * width + k];
        }
        state[OFF_CTX + k] = acc;
    }
}
