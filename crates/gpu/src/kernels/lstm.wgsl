// One bidirectional LSTM layer's recurrence, looping over time inside the shader.
// Workgroup 0 runs forwards (t = 0 … T−1), workgroup 1 backwards (t = T−1 … 0):
//   g  = P[t][dir] + W_hh[dir]·h              4H gate pre-activations, PyTorch order i, f, g, o
//        (P = X·W_ihᵀ + b_ih + b_hh, one matmul for every step and both directions, before)
//   c  = σ(g_f)⊙c + σ(g_i)⊙tanh(g_g)
//   h  = σ(g_o)⊙tanh(c)
//   Y[t][dir·H + j] = h[j]                     Y (T × 2H) = [h→ ; h←], the next layer's input
//   last = [h→_T ; h←_1 ; c→_T ; c←_1]         (4H) the final states (a translator's bridge)
// h lives in workgroup memory (every thread reads all of it), c in the registers of thread j.

struct Params {
    t: u32,
    h: u32,
    _pad0: u32,
    _pad1: u32,
}

const WG: u32 = 256u;
const MAX_H: u32 = 256u; // one thread per hidden unit

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> proj: array<f32>;  // (T, 2·4H): [forward | backward]
@group(0) @binding(2) var<storage, read> w_hh: array<f32>;  // (2, H, 4H): each W_hhᵀ, so threads read adjacent words
@group(0) @binding(3) var<storage, read_write> y: array<f32>; // (T, 2H)
@group(0) @binding(4) var<storage, read_write> last: array<f32>; // (4H)

var<workgroup> h_shared: array<f32, MAX_H>;
var<workgroup> gates: array<f32, 1024>; // 4 · MAX_H

fn sigmoid(v: f32) -> f32 {
    return 1.0 / (1.0 + exp(-v));
}

fn tanh_safe(v: f32) -> f32 {
    return tanh(clamp(v, -15.0, 15.0)); // tanh(±15) is ±1 in f32; some drivers overflow beyond
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) l: u32) {
    let dir = group.x;
    let hidden = p.h;
    let four = 4u * hidden;
    var c = 0.0;
    if (l < hidden) {
        h_shared[l] = 0.0;
    }
    workgroupBarrier();
    var h_last = 0.0;
    for (var step = 0u; step < p.t; step = step + 1u) {
        var t = step;
        if (dir == 1u) {
            t = p.t - 1u - step;
        }
        for (var r = l; r < four; r = r + WG) {
            var acc = proj[t * 2u * four + dir * four + r];
            let base = dir * four * hidden + r;
            for (var k = 0u; k < hidden; k = k + 1u) {
                acc = acc + w_hh[base + k * four] * h_shared[k];
            }
            gates[r] = acc;
        }
        workgroupBarrier(); // gates complete; every read of h for this step is done
        if (l < hidden) {
            let i = sigmoid(gates[l]);
            let f = sigmoid(gates[hidden + l]);
            let g = tanh_safe(gates[2u * hidden + l]);
            let o = sigmoid(gates[3u * hidden + l]);
            c = f * c + i * g;
            let h = o * tanh_safe(c);
            h_shared[l] = h;
            h_last = h;
            y[t * 2u * hidden + dir * hidden + l] = h;
        }
        workgroupBarrier(); // the new h is visible before the next step reads it
    }
    if (l < hidden) {
        last[dir * hidden + l] = h_last;
        last[2u * hidden + dir * hidden + l] = c;
    }
}
