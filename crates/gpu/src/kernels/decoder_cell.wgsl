// One decoding step's LSTM cell and output features, y = the previous token
// (state[OFF_IDS + step], the start token at step 0), c_t = the attention context:
//   x          = [E_tgt[y]; c_t] (input feeding) or E_tgt[y]              (IN)
//   [i f g o]  = W_ih·x + W_hh·h + b                     b = b_ih + b_hh  (4H)
//   c = σ(f)⊙c + σ(i)⊙tanh(g),   h = σ(o)⊙tanh(c)                      → state h, c
//   features   = tanh(W_c·[h; c_t] + b_c) (attentional hidden, E)  or  [h; c_t] (3H)
// Every matrix row is read as vec4s (rows zero-padded; sizes fixed when the pipeline is
// built), against x, h and [h; c_t] staged as vec4s in workgroup memory: the step is a chain
// of dependent loads, and vec4s make it four times shorter. Each matrix is stored
// column-major by vec4 (vec4 q of row r at q·rows + r), so the threads of a warp, one row
// each, read adjacent vec4s at every q: one coalesced load.
// cell = [W_ih (Q_IN × 4H) | W_hh (Q_H × 4H) | W_c (Q_3H × E)] vec4s; bias = [b (4H) | b_c (E)].
//
// Uses activations.wgsl (σ, tanh_safe) and decoder_done.wgsl (the end flag), appended when it is compiled.
// CPU twin (the specification): ops::LstmCell::step and the combine layer in attnscope-core src/seq2seq.rs.
// Held equal by crates/gpu/tests/seq2seq_parity.rs; Rust side: decoder_cell.rs beside this file.

override H: u32;
override E: u32;
override IN: u32;
override Q_IN: u32;   // ⌈IN / 4⌉
override Q_H: u32;    // ⌈H / 4⌉
override Q_3H: u32;   // ⌈3H / 4⌉
override ATTENTIONAL: u32;
override OFF_H: u32;
override OFF_C: u32;
override OFF_CTX: u32;
override OFF_FEAT: u32;
override OFF_DONE: u32;
override OFF_IDS: u32;

struct Params {
    step: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

const WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> embedding: array<f32>; // (V, E)
@group(0) @binding(2) var<storage, read> cell: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;

var<workgroup> gates: array<f32, 1024>;       // 4H ≤ 1024
var<workgroup> x_s: array<vec4<f32>, 192>;    // IN ≤ 768
var<workgroup> h_s: array<vec4<f32>, 64>;     // H ≤ 256
var<workgroup> hc_s: array<vec4<f32>, 192>;   // 3H ≤ 768

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) l: u32) {
    if (decoding_finished(l)) {
        return;
    }
    let y = u32(state[OFF_IDS + p.step]);
    for (var i = l; i < 4u * Q_IN; i = i + WG) {
        var v = 0.0;
        if (i < E) {
            v = embedding[y * E + i];
        } else if (i < IN) {
            v = state[OFF_CTX + i - E];
        }
        x_s[i / 4u][i % 4u] = v;
    }
    for (var i = l; i < 4u * Q_H; i = i + WG) {
        var v = 0.0;
        if (i < H) {
            v = state[OFF_H + i];
        }
        h_s[i / 4u][i % 4u] = v;
    }
    workgroupBarrier();
    let four = 4u * H;
    let hh = four * Q_IN;
    for (var r = l; r < four; r = r + WG) {
        var acc = bias[r];
        for (var q = 0u; q < Q_IN; q = q + 1u) {
            acc = acc + dot(cell[q * four + r], x_s[q]);
        }
        for (var q = 0u; q < Q_H; q = q + 1u) {
            acc = acc + dot(cell[hh + q * four + r], h_s[q]);
        }
        gates[r] = acc;
    }
    workgroupBarrier();
    if (l < H) {
        let i = sigmoid(gates[l]);
        let f = sigmoid(gates[H + l]);
        let g = tanh_safe(gates[2u * H + l]);
        let o = sigmoid(gates[3u * H + l]);
        let c = f * state[OFF_C + l] + i * g;
        let h = o * tanh_safe(c);
        state[OFF_C + l] = c;
        state[OFF_H + l] = h;
        hc_s[l / 4u][l % 4u] = h;
    }
    for (var i = H + l; i < 4u * Q_3H; i = i + WG) {
        var v = 0.0;
        if (i < 3u * H) {
            v = state[OFF_CTX + i - H];
        }
        hc_s[i / 4u][i % 4u] = v;
    }
    workgroupBarrier();
    let three = 3u * H;
    if (ATTENTIONAL != 0u) {
        let w_c = hh + four * Q_H;
        for (var r = l; r < E; r = r + WG) {
            var acc = bias[four + r];
            for (var q = 0u; q < Q_3H; q = q + 1u) {
                acc = acc + dot(cell[w_c + q * E + r], hc_s[q]);
            }
            state[OFF_FEAT + r] = tanh_safe(acc);
        }
    } else {
        for (var r = l; r < three; r = r + WG) {
            state[OFF_FEAT + r] = hc_s[r / 4u][r % 4u];
        }
    }
}
