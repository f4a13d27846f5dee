// The translator's bridge from the encoder's final states to the decoder's first state:
//   h_0 = tanh(W_bh·[h→_S; h←_1] + b_bh)        (H)
//   c_0 = W_bc·[c→_S; c←_1] + b_bc              (H)
// last = [h→_S ; h←_1 ; c→_S ; c←_1] (from lstm.wgsl); w = [W_bh ; W_bc]ᵀ (2H × 2H, transposed
// so that threads read adjacent words);
// b = [b_bh ; b_bc]; writes state[OFF_H ..] = h_0 and state[OFF_C ..] = c_0.
//
// Uses activations.wgsl (tanh_safe), appended when it is compiled.
// CPU twin (the specification): the bridge in Seq2SeqAttention::forward, attnscope-core src/seq2seq.rs.
// Held equal by crates/gpu/tests/seq2seq_parity.rs; Rust side: bridge.rs beside this file.

override H: u32;
override OFF_H: u32;
override OFF_C: u32;

struct Params {
    _unused: vec4<u32>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> last: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) l: u32) {
    let two = 2u * H;
    for (var r = l; r < two; r = r + 256u) {
        let cell = r >= H; // rows H..2H are W_bc's, over the cell states
        var acc = b[r];
        for (var k = 0u; k < two; k = k + 1u) {
            acc = acc + w[k * two + r] * last[select(0u, two, cell) + k];
        }
        if (cell) {
            state[OFF_C + r - H] = acc;
        } else {
            state[OFF_H + r] = tanh_safe(acc);
        }
    }
}
