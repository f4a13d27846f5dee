// One decoding step's greedy choice, in one workgroup, never the token just written:
//   y_t = argmax_{v ≠ y_{t−1}} logits[step][v]   (y_{t−1} = state[OFF_IDS + step], bos at
//                                                 step 0; the first of equal maxima)
//   state[OFF_IDS + step + 1] = y_t;  state[OFF_STEPS] = step + 1;  y_t = eos → state[OFF_DONE] = 1
//
// Uses decoder_done.wgsl (the end flag), appended when it is compiled.
// CPU twin (the specification): ops::argmax_skipping in the greedy loop of attnscope-core src/seq2seq.rs.
// Held equal by crates/gpu/tests/seq2seq_parity.rs; Rust side: decoder_argmax.rs beside this file.

override V: u32;
override EOS: u32;
override OFF_DONE: u32;
override OFF_IDS: u32;
override OFF_STEPS: u32;

struct Params {
    step: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

const WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> state: array<f32>;

var<workgroup> best_value: array<f32, 256>;
var<workgroup> best_index: array<u32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) l: u32) {
    if (decoding_finished(l)) {
        return;
    }
    let previous = u32(state[OFF_IDS + p.step]);
    var value = -3.4e38;
    var index = 0xffffffffu;
    for (var v = l; v < V; v = v + WG) {
        let x = logits[p.step * V + v];
        if (v != previous && x > value) {
            value = x;
            index = v;
        }
    }
    best_value[l] = value;
    best_index[l] = index;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (l < stride) {
            let ov = best_value[l + stride];
            let oi = best_index[l + stride];
            if (ov > best_value[l] || (ov == best_value[l] && oi < best_index[l])) {
                best_value[l] = ov;
                best_index[l] = oi;
            }
        }
        workgroupBarrier();
    }
    if (l == 0u) {
        let y = best_index[0];
        state[OFF_IDS + p.step + 1u] = f32(y);
        state[OFF_STEPS] = f32(p.step + 1u);
        if (y == EOS) {
            state[OFF_DONE] = 1.0;
        }
    }
}
