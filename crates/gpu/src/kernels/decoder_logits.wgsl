// One decoding step's output layer, one thread per target token v:
//   logits[step][v] = W_o[v]·features + b_o[v]       W_o (V × F): E_tgt when tied, else output.weight
// w_o holds W_oᵀ (F × V), so that threads (one per token) read adjacent words.
// Skipped once the end token was produced.
//
// CPU twin (the specification): the output Linear in attnscope-core src/seq2seq.rs.
// Held equal by crates/gpu/tests/seq2seq_parity.rs; Rust side: decoder_logits.rs beside this file.

override V: u32;
override F: u32;
override OFF_FEAT: u32;
override OFF_DONE: u32;

struct Params {
    step: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w_o: array<f32>;
@group(0) @binding(2) var<storage, read> b_o: array<f32>;
@group(0) @binding(3) var<storage, read> state: array<f32>;
@group(0) @binding(4) var<storage, read_write> logits: array<f32>; // (D, V)

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let v = id.x;
    if (v >= V || u32(state[OFF_DONE]) != 0u) {
        return;
    }
    var acc = b_o[v];
    for (var k = 0u; k < F; k = k + 1u) {
        acc = acc + w_o[k * V + v] * state[OFF_FEAT + k];
    }
    logits[p.step * V + v] = acc;
}
