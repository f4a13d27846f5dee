// Embedding gather + positional encoding:
//   X[t][j] = E[ids[t]][j] · scale + PE[t][j]        X (T × d), scale = √d or 1
// PE is the table attnscope-core computes (uploaded once), so both engines add the same values.
//
// CPU twin (the specification): ops::embed + positional_encoding in attnscope-core src/transformer.rs.
// Held equal by crates/gpu/every tests/*_parity.rs; Rust side: embed.rs beside this file.

struct Params {
    t: u32,
    d: u32,
    scale: f32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read> pe: array<f32>;
@group(0) @binding(4) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) g: vec3<u32>, @builtin(local_invocation_index) l: u32) {
    let index = (g.y * 65535u + g.x) * 256u + l; // dispatches fold into 2-D past 65,535 groups
    if (index >= p.t * p.d) {
        return;
    }
    let t = index / p.d;
    let j = index % p.d;
    x[index] = table[ids[t] * p.d + j] * p.scale + pe[index];
}
