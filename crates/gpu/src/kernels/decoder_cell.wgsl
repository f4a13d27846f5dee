// One decoding step's LSTM cell and output features, y = the previous token
// (state[OFF_IDS + step], the start token at step 0), c_t = the attention context:
//   x          = [E_tgt[y]; c_t] (input feeding) or E_tgt[y]              (IN)
//   [i f g o]  = W_ih·x + W_hh·h + b                     b = b_ih + b_hh  (4H)
//   c = σ(f)⊙c + σ(i)⊙tanh(g),   h = σ(o)⊙tanh(c)                      → state h, c
//   features   = tanh(W_c·[h; c_t] + b_c) (attentional hidden, E)  or  [h; c_t] (3H)
// cell = [W_ihᵀ (IN × 4H) | W_hhᵀ (H × 4H) | b (4H) | W_cᵀ (3H × E) | b_c (E)]: transposed, so that
// threads (one per output row) read adjacent words.

override H: u32;
override E: u32;
override IN: u32;
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
@group(0) @binding(2) var<storage, read> cell: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<f32>;

var<workgroup> gates: array<f32, 1024>; // 4H ≤ 1024
var<workgroup> h_new: array<f32, 256>;  // H ≤ 256
var<workgroup> done: u32;

fn sigmoid(v: f32) -> f32 {
    return 1.0 / (1.0 + exp(-v));
}

fn tanh_safe(v: f32) -> f32 {
    return tanh(clamp(v, -15.0, 15.0));
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) l: u32) {
    if (l == 0u) {
        done = u32(state[OFF_DONE]);
    }
    if (workgroupUniformLoad(&done) != 0u) {
        return;
    }
    let y = u32(state[OFF_IDS + p.step]);
    let four = 4u * H;
    let w_hh = four * IN;
    let bias = w_hh + four * H;
    for (var r = l; r < four; r = r + WG) {
        var acc = cell[bias + r];
        for (var k = 0u; k < E; k = k + 1u) {
            acc = acc + cell[k * four + r] * embedding[y * E + k];
        }
        for (var k = E; k < IN; k = k + 1u) {
            acc = acc + cell[k * four + r] * state[OFF_CTX + k - E];
        }
        for (var k = 0u; k < H; k = k + 1u) {
            acc = acc + cell[w_hh + k * four + r] * state[OFF_H + k];
        }
        gates[r] = acc;
    }
    workgroupBarrier(); // every read of the old h is done
    if (l < H) {
        let i = sigmoid(gates[l]);
        let f = sigmoid(gates[H + l]);
        let g = tanh_safe(gates[2u * H + l]);
        let o = sigmoid(gates[3u * H + l]);
        let c = f * state[OFF_C + l] + i * g;
        let h = o * tanh_safe(c);
        state[OFF_C + l] = c;
        state[OFF_H + l] = h;
        h_new[l] = h;
    }
    workgroupBarrier();
    let three = 3u * H;
    if (ATTENTIONAL != 0u) {
        let w_c = bias + four;
        let b_c = w_c + E * three;
        for (var r = l; r < E; r = r + WG) {
            var acc = cell[b_c + r];
            for (var k = 0u; k < H; k = k + 1u) {
                acc = acc + cell[w_c + k * E + r] * h_new[k];
            }
            for (var k = 0u; k < 2u * H; k = k + 1u) {
                acc = acc + cell[w_c + (H + k) * E + r] * state[OFF_CTX + k];
            }
            state[OFF_FEAT + r] = tanh_safe(acc);
        }
    } else {
        for (var r = l; r < three; r = r + WG) {
            if (r < H) {
                state[OFF_FEAT + r] = h_new[r];
            } else {
                state[OFF_FEAT + r] = state[OFF_CTX + r - H];
            }
        }
    }
}
