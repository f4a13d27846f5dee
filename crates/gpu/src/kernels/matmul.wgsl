// Linear layer, tiled:  Y = act(X·Wᵀ + b)
//   X (M × K) row-major, W (N × K) row-major as PyTorch's nn.Linear, b (N), Y (M × N)
//   act = identity | ReLU max(0, v) | GELU ½v(1 + erf(v/√2)) | tanh v
// Each 16 × 16 workgroup computes one 16 × 16 block of Y; the matching 64-wide slices of X
// and W are staged in workgroup memory, so each value is read from storage once per tile.
// A thread loads four values of each slice at once, so a product pays the latency of storage
// once per 64 of K (with 16-wide slices, a dispatch at T = 128 took 24 µs on an H200 whatever
// its size); tile rows are padded to 65 floats, so the threads reading w_tile[tx][i] for
// sixteen tx hit sixteen memory banks.
//
// CPU twin (the specification): ops::Linear::forward (gemm) + the activation, attnscope-core src/ops.rs.
// Held equal by crates/gpu/tests/matmul_parity.rs; Rust side: matmul.rs beside this file.

struct Params {
    m: u32,
    k: u32,
    n: u32,
    has_bias: u32,
}

// 0 = identity, 1 = ReLU, 2 = GELU, 3 = tanh (specialised when the pipeline is built).
override ACTIVATION: u32 = 0u;
const TILE: u32 = 16u;
const KT: u32 = 64u;      // K per staged slice: TILE · 4
const KT_PAD: u32 = 65u;

@group(0) @binding(0) var<uniform> dims: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

var<workgroup> x_tile: array<array<f32, KT_PAD>, TILE>;
var<workgroup> w_tile: array<array<f32, KT_PAD>, TILE>;

// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
fn erf(v: f32) -> f32 {
    let s = sign(v);
    let a = abs(v);
    let t = 1.0 / (1.0 + 0.3275911 * a);
    let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    return s * (1.0 - poly * exp(-a * a));
}

fn activate(v: f32) -> f32 {
    if (ACTIVATION == 1u) {
        return max(v, 0.0);
    }
    if (ACTIVATION == 2u) {
        return 0.5 * v * (1.0 + erf(v * 0.70710678118654752));
    }
    if (ACTIVATION == 3u) {
        return tanh(clamp(v, -15.0, 15.0)); // tanh(±15) is ±1 in f32; some drivers overflow beyond
    }
    return v;
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
    let row = group.y * TILE + local.y; // index into M
    let col = group.x * TILE + local.x; // index into N
    let w_row = group.x * TILE + local.y; // the W row this thread stages
    var acc = 0.0;
    let tiles = (dims.k + KT - 1u) / KT;
    for (var t = 0u; t < tiles; t = t + 1u) {
        // Four loads of each slice per thread, issued together: columns local.x + 16·q.
        for (var q = 0u; q < 4u; q = q + 1u) {
            let c = local.x + q * TILE;
            let kk = t * KT + c;
            var xv = 0.0;
            if (row < dims.m && kk < dims.k) {
                xv = x[row * dims.k + kk];
            }
            x_tile[local.y][c] = xv;
            var wv = 0.0;
            if (w_row < dims.n && kk < dims.k) {
                wv = w[w_row * dims.k + kk];
            }
            w_tile[local.y][c] = wv; // w_tile[n][k]
        }
        workgroupBarrier();
        for (var i = 0u; i < KT; i = i + 1u) {
            acc = acc + x_tile[local.y][i] * w_tile[local.x][i];
        }
        workgroupBarrier();
    }
    if (row < dims.m && col < dims.n) {
        var v = acc;
        if (dims.has_bias != 0u) {
            v = v + b[col];
        }
        y[row * dims.n + col] = activate(v);
    }
}
