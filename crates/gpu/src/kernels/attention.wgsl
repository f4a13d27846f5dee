// Scaled dot-product attention of one head h over a tile of BQ query rows, flash-style: the
// keys are visited in tiles of `bk` held in workgroup memory, with a running maximum and sum
// per query row (Milakov & Gimelshein 2018, Dao et al. 2022):
//   s_ij = (q_i · k_j) / √d_k / temperature                       every key j < T
//   a key j is visible to query i unless masked and, with `causal` (a decoder's look-ahead
//   mask), unless j > i: invisible keys are "masked" below, so a_ij = 0 exactly; the key
//   tiles after the tile's last query are not visited at all
//   per key tile J:  m' = max(m, max_{j∈J unmasked} s_ij),   c = exp(m − m')
//                    l' = c·l + Σ_{j∈J unmasked} exp(s_ij − m')
//                    O' = c·O + Σ_{j∈J unmasked} exp(s_ij − m')·v_j
//   a_ij = exp(s_ij − m)/l  (masked keys exactly 0; no unmasked key → all 0)
//   H[i][h·d_k + e] = O_i[e] / l                                  zeroed when head h is off
// The raw scores s_ij go to the maps on the way and are rewritten as a_ij once m and l are
// final, by the thread that wrote them (no other thread reads them). Q, K, V are read in place
// from the (T × 3d) projection [Q | K | V]; K and V share one tile of workgroup memory (K for
// the scores, then V for the sum). `flags` holds the key mask (1 = masked) at [0, T) and the
// head mask (1 = off) at [heads_at, heads_at + layers·heads). One 256-thread workgroup per
// (tile of 16 query rows, head): sixteen threads per row, thread `part` of row r takes the
// keys j ≡ part (mod 16) and the output features e ≡ part (mod 16) (with four threads a row
// each thread's chain of dependent loads was four times longer and a compute unit ran two
// warps, too few to hide them: 141 µs a layer at T = 128 on an H200). d_k ≤ 128. Tiles in workgroup
// memory have rows one float longer than their data, so threads reading one column of
// different rows hit different memory banks. d_k and the key tile are fixed when the pipeline
// is built (DK, BK), so every loop has a constant count and each thread's output features
// stay in registers (with d_k read from the uniform they lived in local memory).
//
// CPU twin (the specification): head_weights and add_head_output in attnscope-core src/transformer.rs (gemm, ops::masked_softmax, gemm).
// Held equal by crates/gpu/tests/attention_parity.rs (alone), transformer_parity.rs, tests/browser_parity.rs; Rust side: attention.rs beside this file.

struct Params {
    t: u32,
    d: u32,
    heads: u32,
    causal: u32,
    scale: f32,
    layer: u32,
    heads_at: u32,
    _pad1: u32,
}

override DK: u32;                          // head width d_k ≤ MAX_DK
override BK: u32;                          // keys per tile
override FEATURES: u32 = (DK + 15u) / 16u; // output features per thread, ⌈d_k / PARTS⌉

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> flags: array<u32>;
@group(0) @binding(3) var<storage, read_write> maps: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;
const BQ: u32 = 16u;
const PARTS: u32 = 16u;
const MAX_DK: u32 = 128u;
// Q tile (BQ × (d_k + 1)), K-or-V tile (bk × (d_k + 1)) and P tile (BQ × (bk + 1)), placed by
// `bk` (attention.rs picks the largest bk that fits).
const POOL: u32 = 3840u;
const NEG: f32 = -3.0e38;
var<workgroup> pool: array<f32, 3840>;
var<workgroup> red: array<f32, 256>; // with the pool, WebGPU's default 16 KiB exactly

// Whether query i attends to key j: the key is not masked and, under the look-ahead mask,
// does not come after the query.
fn visible(i: u32, j: u32) -> bool {
    return flags[j] == 0u && (p.causal == 0u || j <= i);
}

// The maximum (take_max) or sum of `value` over the sixteen threads of this thread's row.
fn row_reduce(l: u32, value: f32, take_max: bool) -> f32 {
    red[l] = value;
    workgroupBarrier();
    let first = l - l % PARTS;
    var acc = red[first];
    for (var k = 1u; k < PARTS; k = k + 1u) {
        if (take_max) {
            acc = max(acc, red[first + k]);
        } else {
            acc = acc + red[first + k];
        }
    }
    workgroupBarrier();
    return acc;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) g: vec3<u32>, @builtin(local_invocation_index) l: u32) {
    let h = g.y;
    let r = l / PARTS;
    let part = l % PARTS;
    let i = g.x * BQ + r;
    let live = i < p.t;
    let stride = 3u * p.d;
    let dk = DK;
    let bk = max(BK, 1u); // attention.rs picks BK ≥ 1; the max makes every loop over tiles provably finite
    let dks = dk + 1u;
    let bks = bk + 1u;
    let kv_at = BQ * dks;
    let p_at = kv_at + bk * dks;
    let map_row = ((p.layer * p.heads + h) * p.t + min(i, p.t - 1u)) * p.t;
    // Under the look-ahead mask no query of this tile sees a key past its last query: those
    // key tiles are skipped (the same bound for the whole workgroup, so the barriers in the
    // loop stay uniform), and step 5 writes their weights as 0.
    var keys_end = p.t;
    if (p.causal != 0u) {
        keys_end = min(p.t, (g.x + 1u) * BQ);
    }

    // The tile's queries into workgroup memory (rows past T read as 0).
    for (var x = l; x < BQ * dk; x = x + WG) {
        let qi = g.x * BQ + x / dk;
        var v = 0.0;
        if (qi < p.t) {
            v = qkv[qi * stride + h * dk + x % dk];
        }
        pool[(x / dk) * dks + x % dk] = v;
    }

    var m = NEG;
    var sum = 0.0;
    var o: array<f32, 8>; // o[u]: output feature part + u·PARTS (MAX_DK / PARTS)
    for (var u = 0u; u < FEATURES; u = u + 1u) {
        o[u] = 0.0;
    }

    for (var j0 = 0u; j0 < keys_end; j0 = j0 + bk) {
        // Step 1 — the key tile: k_j for j in [j0, j0 + bk).
        workgroupBarrier();
        for (var x = l; x < bk * dk; x = x + WG) {
            let j = j0 + x / dk;
            var v = 0.0;
            if (j < p.t) {
                v = qkv[j * stride + p.d + h * dk + x % dk];
            }
            pool[kv_at + (x / dk) * dks + x % dk] = v;
        }
        workgroupBarrier();
        // Step 2 — scores s_ij of this thread's keys (written raw to the map), their maximum.
        var tile_max = NEG;
        for (var cc = 0u; cc < (BK + PARTS - 1u) / PARTS; cc = cc + 1u) {
            let c = part + cc * PARTS;
            if (c >= BK) {
                break;
            }
            let j = j0 + c;
            var s = NEG;
            if (j < p.t && visible(i, j)) {
                var dot = 0.0;
                for (var e = 0u; e < dk; e = e + 1u) {
                    dot = dot + pool[r * dks + e] * pool[kv_at + c * dks + e];
                }
                s = dot * p.scale;
                tile_max = max(tile_max, s);
            }
            pool[p_at + r * bks + c] = s;
            if (live && j < p.t) {
                maps[map_row + j] = s;
            }
        }
        // Step 3 — the running maximum and sum: m' = max(m, tile max), rescale by exp(m − m').
        let m_new = max(m, row_reduce(l, tile_max, true));
        let rescale = exp(m - m_new);
        var tile_sum = 0.0;
        for (var cc = 0u; cc < (BK + PARTS - 1u) / PARTS; cc = cc + 1u) {
            let c = part + cc * PARTS;
            if (c >= BK) {
                break;
            }
            let s = pool[p_at + r * bks + c];
            var e = 0.0;
            if (s > NEG) {
                e = exp(s - m_new);
            }
            pool[p_at + r * bks + c] = e;
            tile_sum = tile_sum + e;
        }
        sum = sum * rescale + row_reduce(l, tile_sum, false);
        m = m_new;
        // Step 4 — the value tile over the key tile, then O ← rescale·O + Σ_j exp(s_ij − m)·v_j.
        for (var x = l; x < bk * dk; x = x + WG) {
            let j = j0 + x / dk;
            var v = 0.0;
            if (j < p.t) {
                v = qkv[j * stride + 2u * p.d + h * dk + x % dk];
            }
            pool[kv_at + (x / dk) * dks + x % dk] = v;
        }
        workgroupBarrier();
        for (var u = 0u; u < FEATURES; u = u + 1u) {
            let e = min(part + u * PARTS, dk - 1u); // past d_k: a repeat, never stored
            var acc = o[u] * rescale;
            for (var c = 0u; c < bk; c = c + 1u) {
                acc = acc + pool[p_at + r * bks + c] * pool[kv_at + c * dks + e];
            }
            o[u] = acc;
        }
    }

    if (!live) {
        return;
    }
    var inv = 0.0;
    if (sum > 0.0) {
        inv = 1.0 / sum;
    }
    // Step 5 — the weights a_ij = exp(s_ij − m)/l over this thread's keys, kept for the views.
    for (var j = part; j < p.t; j = j + PARTS) {
        var a = 0.0;
        if (visible(i, j)) {
            a = exp(maps[map_row + j] - m) * inv;
        }
        maps[map_row + j] = a;
    }
    // Step 6 — the head's output H_i = O_i / l (zero when the head is switched off).
    let off = flags[p.heads_at + p.layer * p.heads + h] != 0u;
    for (var u = 0u; u < FEATURES; u = u + 1u) {
        let e = part + u * PARTS;
        if (e < dk) {
            var v = o[u] * inv;
            if (off) {
                v = 0.0;
            }
            out[i * p.d + h * dk + e] = v;
        }
    }
}
