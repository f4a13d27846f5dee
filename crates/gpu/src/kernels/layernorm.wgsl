// LayerNorm over each row (the embedding norm, a pre-norm layer's norms, the final norm):
//   v = A[r],  μ = mean(v),  σ² = mean((v − μ)²)   (biased)
//   Y[r][j] = (v[j] − μ) / √(σ² + ε) · γ[j] + β[j]          affine = [γ | β], 2d values
// One 64-thread workgroup per row; the sums are tree reductions in workgroup memory.
//
// CPU twin (the specification): ops::LayerNorm::forward in attnscope-core src/ops.rs.
// A post-norm layer's norm after its residual sum is linear_residual.wgsl's.
// Held equal by crates/gpu/tests/transformer_parity.rs; Rust side: layernorm.rs beside this file.

struct Params {
    rows: u32,
    d: u32,
    eps: f32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> affine: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const WG: u32 = 64u;
var<workgroup> partial: array<f32, 64>;

fn reduce_sum(l: u32) -> f32 {
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (l < stride) {
            partial[l] = partial[l] + partial[l + stride];
        }
        workgroupBarrier();
    }
    let total = partial[0];
    workgroupBarrier();
    return total;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) g: vec3<u32>, @builtin(local_invocation_index) l: u32) {
    let r = g.x;
    let base = r * p.d;
    var s = 0.0;
    for (var j = l; j < p.d; j = j + WG) {
        s = s + a[base + j];
    }
    partial[l] = s;
    workgroupBarrier();
    let mean = reduce_sum(l) / f32(p.d);
    var q = 0.0;
    for (var j = l; j < p.d; j = j + WG) {
        let c = a[base + j] - mean;
        q = q + c * c;
    }
    partial[l] = q;
    workgroupBarrier();
    let inv = inverseSqrt(reduce_sum(l) / f32(p.d) + p.eps);
    for (var j = l; j < p.d; j = j + WG) {
        y[base + j] = (a[base + j] - mean) * inv * affine[j] + affine[p.d + j];
    }
}
