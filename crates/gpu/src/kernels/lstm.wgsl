// One bidirectional LSTM layer's recurrence, looping over time inside the shader.
// Workgroup 0 runs forwards (t = 0 … T−1), workgroup 1 backwards (t = T−1 … 0):
//   g  = P[t][dir] + W_hh[dir]·h              4H gate pre-activations, PyTorch order i, f, g, o
//        (P = X·W_ihᵀ + b_ih + b_hh, one matmul for every step and both directions, before)
//   c  = σ(g_f)⊙c + σ(g_i)⊙tanh(g_g)
//   h  = σ(g_o)⊙tanh(c)
//   Y[t][dir·H + j] = h[j]                     Y (T × 2H) = [h→ ; h←], the next layer's input
//   last = [h→_T ; h←_1 ; c→_T ; c←_1]         (4H) the final states (a translator's bridge)
// h lives in workgroup memory (every thread reads all of it), c in the registers of thread j.
// The recurrence is T dependent steps, each reading all of W_hh (4H × H) into one workgroup,
// so a step costs what streaming W_hh through one compute unit costs. W_hh is held in chunks
// of 16 bytes, stored column-major by chunk (chunk k of row r at k·4H + r: at each k a warp's
// rows, one per thread, are one coalesced load), each thread's R rows walked together so their
// loads are in flight at once, and — when every weight is exactly an f16, as in every shipped
// folder — as f16 pairs (HALF: 8 columns a chunk, unpacked with unpack2x16float, which is
// exact), half the bytes of f32 (4 columns a chunk). The sums are f32 either way.
//
// Uses activations.wgsl (σ, tanh_safe), appended when it is compiled.
// CPU twin (the specification): ops::LstmCell::run in attnscope-core src/ops.rs.
// Held equal by crates/gpu/tests/bilstm_parity.rs, tests/seq2seq_parity.rs; Rust side: lstm.rs beside this file.

override H: u32;          // hidden size
override CHUNKS: u32;     // 16-byte chunks per W_hh row: ⌈H / 8⌉ (HALF) or ⌈H / 4⌉
override R: u32;          // rows per thread: ⌈4H / WG⌉ ≤ 4
override HALF: bool;      // chunks hold f16 pairs (else f32s)

struct Params {
    t: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

const WG: u32 = 256u;
const MAX_Q: u32 = 64u; // H ≤ 256: one thread per hidden unit

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> proj: array<f32>;        // (T, 2·4H): [forward | backward]
@group(0) @binding(2) var<storage, read> w_hh: array<vec4<u32>>;  // (2, CHUNKS, 4H) chunks
@group(0) @binding(3) var<storage, read_write> y: array<f32>;     // (T, 2H)
@group(0) @binding(4) var<storage, read_write> last: array<f32>;  // (4H)

var<workgroup> h_shared: array<vec4<f32>, MAX_Q>; // h, zero-padded
var<workgroup> gates: array<f32, 1024>; // 4 · 256

// Chunk k of a row · the matching columns of h.
fn chunk_dot(c: vec4<u32>, k: u32) -> f32 {
    if (HALF) {
        let low = vec4<f32>(unpack2x16float(c.x), unpack2x16float(c.y));
        let high = vec4<f32>(unpack2x16float(c.z), unpack2x16float(c.w));
        return dot(low, h_shared[2u * k]) + dot(high, h_shared[2u * k + 1u]);
    }
    return dot(bitcast<vec4<f32>>(c), h_shared[k]);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) l: u32) {
    let dir = group.x;
    let four = 4u * H;
    let base = dir * CHUNKS * four; // this direction's chunks
    var c = 0.0;
    if (l < MAX_Q) {
        h_shared[l] = vec4<f32>(0.0); // the padding stays zero
    }
    workgroupBarrier();
    var h_last = 0.0;
    for (var step = 0u; step < p.t; step = step + 1u) {
        var t = step;
        if (dir == 1u) {
            t = p.t - 1u - step;
        }
        // Rows l, l + WG, l + 2·WG, l + 3·WG (the first R of them): independent sums whose
        // loads are in flight together. Past 4H a thread repeats the last row and stores
        // nothing; R is fixed when the pipeline is built, so the unused sums compile away.
        let row = dir * four;
        let r0 = l;
        let r1 = min(l + WG, four - 1u);
        let r2 = min(l + 2u * WG, four - 1u);
        let r3 = min(l + 3u * WG, four - 1u);
        let at = t * 2u * four + row;
        var a0 = 0.0;
        var a1 = 0.0;
        var a2 = 0.0;
        var a3 = 0.0;
        if (r0 < four) {
            a0 = proj[at + r0];
        }
        if (R > 1u) {
            a1 = proj[at + r1];
        }
        if (R > 2u) {
            a2 = proj[at + r2];
        }
        if (R > 3u) {
            a3 = proj[at + r3];
        }
        for (var k = 0u; k < CHUNKS; k = k + 1u) {
            let column = base + k * four;
            a0 = a0 + chunk_dot(w_hh[column + min(r0, four - 1u)], k);
            if (R > 1u) {
                a1 = a1 + chunk_dot(w_hh[column + r1], k);
            }
            if (R > 2u) {
                a2 = a2 + chunk_dot(w_hh[column + r2], k);
            }
            if (R > 3u) {
                a3 = a3 + chunk_dot(w_hh[column + r3], k);
            }
        }
        if (r0 < four) {
            gates[r0] = a0;
        }
        if (R > 1u && l + WG < four) {
            gates[l + WG] = a1;
        }
        if (R > 2u && l + 2u * WG < four) {
            gates[l + 2u * WG] = a2;
        }
        if (R > 3u && l + 3u * WG < four) {
            gates[l + 3u * WG] = a3;
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
