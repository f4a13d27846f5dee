// One bidirectional LSTM layer's recurrence, looping over time inside the shader.
// Workgroup 0 runs forwards (t = 0 … T−1), workgroup 1 backwards (t = T−1 … 0):
//   g  = P[t][dir] + W_hh[dir]·h              4H gate pre-activations, PyTorch order i, f, g, o
//        (P = X·W_ihᵀ + b_ih + b_hh, one matmul for every step and both directions, before)
//   c  = σ(g_f)⊙c + σ(g_i)⊙tanh(g_g)
//   h  = σ(g_o)⊙tanh(c)
//   Y[t][dir·H + j] = h[j]                     Y (T × 2H) = [h→ ; h←], the next layer's input
//   last = [h→_T ; h←_1 ; c→_T ; c←_1]         (4H) the final states (a translator's bridge)
// h lives in workgroup memory (every thread reads all of it), c in the registers of thread j.
// The recurrence is latency-bound (T dependent steps), so each gate row is read as vec4s with
// H fixed when the pipeline is built: four times fewer dependent loads, and unrollable loops.
//
// CPU twin (the specification): ops::LstmCell::run in attnscope-core src/ops.rs.
// Held equal by crates/gpu/tests/bilstm_parity.rs, tests/seq2seq_parity.rs; Rust side: lstm.rs beside this file.

override H: u32;          // hidden size
override Q: u32;          // ⌈H / 4⌉: vec4s per W_hh row (rows zero-padded)

struct Params {
    t: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

const WG: u32 = 256u;
const MAX_Q: u32 = 64u; // H ≤ 256: one thread per hidden unit

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> proj: array<f32>;       // (T, 2·4H): [forward | backward]
@group(0) @binding(2) var<storage, read> w_hh: array<vec4<f32>>; // (2, 4H, Q) vec4s
@group(0) @binding(3) var<storage, read_write> y: array<f32>;    // (T, 2H)
@group(0) @binding(4) var<storage, read_write> last: array<f32>; // (4H)

var<workgroup> h_shared: array<vec4<f32>, MAX_Q>;
var<workgroup> gates: array<f32, 1024>; // 4 · 256

fn sigmoid(v: f32) -> f32 {
    return 1.0 / (1.0 + exp(-v));
}

fn tanh_safe(v: f32) -> f32 {
    return tanh(clamp(v, -15.0, 15.0)); // tanh(±15) is ±1 in f32; some drivers overflow beyond
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) l: u32) {
    let dir = group.x;
    let four = 4u * H;
    var c = 0.0;
    if (l < Q) {
        h_shared[l] = vec4<f32>(0.0); // the padding stays zero
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
            let row = (dir * four + r) * Q;
            for (var k = 0u; k < Q; k = k + 1u) {
                acc = acc + dot(w_hh[row + k], h_shared[k]);
            }
            gates[r] = acc;
        }
        workgroupBarrier(); // gates complete; every read of h for this step is done
        if (l < H) {
            let i = sigmoid(gates[l]);
            let f = sigmoid(gates[H + l]);
            let g = tanh_safe(gates[2u * H + l]);
            let o = sigmoid(gates[3u * H + l]);
            c = f * c + i * g;
            let h = o * tanh_safe(c);
            h_shared[l / 4u][l % 4u] = h;
            h_last = h;
            y[t * 2u * H + dir * H + l] = h;
        }
        workgroupBarrier(); // the new h is visible before the next step reads it
    }
    if (l < H) {
        last[dir * H + l] = h_last;
        last[2u * H + dir * H + l] = c;
    }
}
