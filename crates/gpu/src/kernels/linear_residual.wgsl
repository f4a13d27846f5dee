// The end of a Transformer sub-layer in one kernel: a linear layer, the residual, and in a
// post-norm layer the LayerNorm:
//   v[r] = R[r] + (X[r]·Wᵀ + b)                X (M × K), W (N × K) as nn.Linear, R, Y (M × N)
//   NORM = 0:  Y[r] = v[r]
//   NORM = 1:  μ = mean(v[r]),  σ² = mean((v[r] − μ)²)   (biased)
//              Y[r][j] = (v[r][j] − μ) / √(σ² + ε) · γ[j] + β[j]
// The weights are one buffer of vec4s, packed at load: [Wᵀ (K × Q) | b (Q) | γ (Q) | β (Q)],
// Q = ⌈N/4⌉ quads of columns, zero-padded. A workgroup holds four whole rows of Y, so the
// LayerNorm's sums never leave it. Its 256 threads are 32 lanes of column quads (128 columns
// per pass over N) × 8 lanes of K: a warp reads one row of Wᵀ as 512 consecutive bytes, each
// thread a vec4 of it, and every weight read serves the four rows (X's four rows staged 256
// values of K at a time in workgroup memory, one vec4 per k). The 8 partial sums of a quad
// meet in a tree in workgroup memory; then thread (row, lane) finishes its four columns and
// the LayerNorm's row sums are trees over the 32 lanes. A thread re-reads only the Y words it
// wrote itself.
//
// CPU twin (the specification): ops::Linear::forward, the residual sum, ops::LayerNorm::forward
// in attnscope-core src/ops.rs (TransformerEncoderClassifier's layers).
// Held equal by crates/gpu/tests/linear_residual_parity.rs and tests/transformer_parity.rs;
// Rust side: linear_residual.rs beside this file.

struct Params {
    m: u32,
    k: u32,
    n: u32,
    eps: f32,
}

// 1: LayerNorm after the residual (post-norm); 0: the residual sum alone (pre-norm).
override NORM: u32 = 1u;
const WG: u32 = 256u;
const ROWS: u32 = 4u;
const LANES: u32 = 32u;   // column quads per pass
const K_LANES: u32 = 8u;  // threads sharing one quad's K (WG / LANES)
const K_TREE: u32 = 3u;   // log2(K_LANES)
const KC: u32 = 256u;     // K staged per slice

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> r: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

var<workgroup> xs: array<vec4<f32>, 256>;   // xs[k][row], KC values of K
var<workgroup> partial: array<vec4<f32>, 256>;
var<workgroup> row_part: array<f32, 256>;

// Σ of v over the 32 threads of l's group (threads row·32 … row·32 + 31): the row's total.
fn row_total(l: u32, v: f32) -> f32 {
    row_part[l] = v;
    workgroupBarrier();
    for (var s = LANES / 2u; s > 0u; s = s / 2u) {
        if (l % LANES < s) {
            row_part[l] = row_part[l] + row_part[l + s];
        }
        workgroupBarrier();
    }
    let total = row_part[l - l % LANES];
    workgroupBarrier();
    return total;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) g: vec3<u32>, @builtin(local_invocation_index) l: u32) {
    let row0 = g.x * ROWS;
    let rows = min(ROWS, p.m - row0); // at least 1: one workgroup per 4 rows of M
    let q = (p.n + 3u) / 4u;
    let lane = l % LANES;
    let k_lane = l / LANES;
    // In the epilogue thread l < 128 owns row l / 32 and the quad of its lane.
    let row = l / LANES;
    let finishes = row < rows;
    var sum = 0.0;
    for (var q0 = 0u; q0 < q; q0 = q0 + LANES) {
        let quad = q0 + lane;
        var a0 = vec4<f32>(0.0);
        var a1 = vec4<f32>(0.0);
        var a2 = vec4<f32>(0.0);
        var a3 = vec4<f32>(0.0);
        for (var k0 = 0u; k0 < p.k; k0 = k0 + KC) {
            // Stage X[row0 .. row0 + 4][k0 .. k0 + KC]: consecutive threads, consecutive k.
            for (var i = l; i < ROWS * KC; i = i + WG) {
                let xr = i / KC;
                let kk = k0 + i % KC;
                var v = 0.0;
                if (xr < rows && kk < p.k) {
                    v = x[(row0 + xr) * p.k + kk];
                }
                xs[i % KC][xr] = v;
            }
            workgroupBarrier();
            if (quad < q) {
                let count = min(KC, p.k - k0);
                for (var i = k_lane; i < count; i = i + K_LANES) {
                    let wv = w[(k0 + i) * q + quad];
                    let xv = xs[i];
                    a0 = a0 + xv.x * wv;
                    a1 = a1 + xv.y * wv;
                    a2 = a2 + xv.z * wv;
                    a3 = a3 + xv.w * wv;
                }
            }
            workgroupBarrier();
        }
        // The 8 K-lanes' sums, one row at a time; thread (row, lane) keeps its row's.
        var mine = vec4<f32>(0.0);
        for (var rr = 0u; rr < ROWS; rr = rr + 1u) {
            var a = a0;
            if (rr == 1u) {
                a = a1;
            } else if (rr == 2u) {
                a = a2;
            } else if (rr == 3u) {
                a = a3;
            }
            partial[l] = a;
            workgroupBarrier();
            for (var t = 0u; t < K_TREE; t = t + 1u) {
                let s = (WG / 2u) >> t;
                if (l < s) {
                    partial[l] = partial[l] + partial[l + s];
                }
                workgroupBarrier();
            }
            if (row == rr) {
                mine = partial[lane];
            }
            workgroupBarrier();
        }
        if (finishes && quad < q) {
            let b = w[p.k * q + quad];
            for (var c = 0u; c < 4u; c = c + 1u) {
                let j = quad * 4u + c;
                if (j < p.n) {
                    let at = (row0 + row) * p.n + j;
                    let v = r[at] + (mine[c] + b[c]);
                    y[at] = v;
                    sum = sum + v;
                }
            }
        }
    }
    if (NORM == 0u) {
        return;
    }
    let mean = row_total(l, sum) / f32(p.n);
    var squares = 0.0;
    if (finishes) {
        for (var quad = lane; quad < q; quad = quad + LANES) {
            for (var c = 0u; c < 4u; c = c + 1u) {
                let j = quad * 4u + c;
                if (j < p.n) {
                    let d = y[(row0 + row) * p.n + j] - mean;
                    squares = squares + d * d;
                }
            }
        }
    }
    let inv = inverseSqrt(row_total(l, squares) / f32(p.n) + p.eps);
    if (finishes) {
        for (var quad = lane; quad < q; quad = quad + LANES) {
            let gamma = w[p.k * q + q + quad];
            let beta = w[p.k * q + 2u * q + quad];
            for (var c = 0u; c < 4u; c = c + 1u) {
                let j = quad * 4u + c;
                if (j < p.n) {
                    let at = (row0 + row) * p.n + j;
                    y[at] = (y[at] - mean) * inv * gamma[c] + beta[c];
                }
            }
        }
    }
}
