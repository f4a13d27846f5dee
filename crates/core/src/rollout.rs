//! Attention rollout (Abnar & Zuidema, 2020): how much each position's final representation
//! draws on each input token through every layer, counting the residual connection.
//!
//! ```text
//! Â_l = rownorm( ½ · mean_{h on} A_{l,h} + ½ · I )      (a layer with every head off: Â_l = I)
//! R   = Â_L · Â_{L−1} · … · Â_1                          (T × T, rows sum to 1)
//! ```
//! Heads switched off are left out of the mean: their output is zeroed, so nothing flows
//! through them. A query row whose keys were all masked (all zeros) keeps only its residual.

use crate::trace::SelfAttention;
use crate::Matrix;

/// The rollout of every layer's maps; `is_off(layer, head)` names the heads switched off.
pub fn rollout(attention: &SelfAttention, is_off: impl Fn(usize, usize) -> bool) -> Matrix {
    // R starts as the identity (before any layer each position is itself) and each layer's
    // Â multiplies it from the left, so row i of R says where position i's final state came
    // from among the input tokens.
    let t = attention.len;
    let mut rolled = identity(t);
    for layer in 0..attention.layers {
        let on: Vec<usize> = (0..attention.heads)
            .filter(|&h| !is_off(layer, h))
            .collect();
        let mut a = vec![0.0f32; t * t];
        for &head in &on {
            for (sum, w) in a.iter_mut().zip(attention.map(layer, head)) {
                *sum += w;
            }
        }
        // ½ · mean over the heads that are on; with every head off the layer passes only its
        // residual (share 0), so Â = I.
        let share = if on.is_empty() {
            0.0
        } else {
            0.5 / on.len() as f32
        };
        for (i, row) in a.chunks_exact_mut(t.max(1)).enumerate().take(t) {
            for v in row.iter_mut() {
                *v *= share;
            }
            // The residual connection: half of each position's state is itself. Then
            // renormalise, since a fully masked row summed to 0 before the residual.
            row[i] += 0.5;
            let total: f32 = row.iter().sum();
            for v in row.iter_mut() {
                *v /= total;
            }
        }
        rolled = product(&a, &rolled, t);
    }
    Matrix::from_vec(t, t, rolled).expect("t × t values")
}

/// The t × t identity, row-major.
fn identity(t: usize) -> Vec<f32> {
    let mut m = vec![0.0; t * t];
    for i in 0..t {
        m[i * t + i] = 1.0;
    }
    m
}

/// `a · b` for two t × t row-major matrices.
fn product(a: &[f32], b: &[f32], t: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; t * t];
    for i in 0..t {
        for k in 0..t {
            let aik = a[i * t + k];
            if aik == 0.0 {
                continue;
            }
            for (o, bkj) in out[i * t..(i + 1) * t]
                .iter_mut()
                .zip(&b[k * t..(k + 1) * t])
            {
                *o += aik * bkj;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maps(layers: usize, heads: usize, t: usize, weights: Vec<f32>) -> SelfAttention {
        SelfAttention {
            layers,
            heads,
            len: t,
            weights,
            causal: false,
        }
    }

    #[test]
    fn one_layer_is_half_attention_half_residual() {
        // One head: token 0 attends to token 1 entirely, token 1 to itself.
        let r = rollout(&maps(1, 1, 2, vec![0.0, 1.0, 0.0, 1.0]), |_, _| false);
        assert_eq!(r.as_slice(), &[0.5, 0.5, 0.0, 1.0]);
    }

    #[test]
    fn layers_multiply_and_heads_average() {
        // Two heads that disagree average to uniform attention; the second layer is identity
        // attention, so the rollout is the first layer's Â.
        let uniform_pair = vec![1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0];
        let identity_pair = vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0];
        let weights = [uniform_pair, identity_pair].concat();
        let r = rollout(&maps(2, 2, 2, weights), |_, _| false);
        // Layer 1: mean = [[.5,.5],[.5,.5]] → ½·mean + ½·I = [[.75,.25],[.25,.75]].
        let expected = [0.75, 0.25, 0.25, 0.75];
        for (got, want) in r.as_slice().iter().zip(expected) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        for row in 0..2 {
            assert!((r.row(row).iter().sum::<f32>() - 1.0).abs() < 1e-6);
        }
    }

    #[test]
    fn heads_off_and_masked_rows_keep_the_residual() {
        let weights = vec![0.0, 1.0, 0.0, 0.0];
        let all_off = rollout(&maps(1, 1, 2, weights.clone()), |_, _| true);
        assert_eq!(all_off.as_slice(), &[1.0, 0.0, 0.0, 1.0]);
        // Row 1 attends to nothing (every key masked): only its residual remains.
        let on = rollout(&maps(1, 1, 2, weights), |_, _| false);
        assert_eq!(on.as_slice(), &[0.5, 0.5, 0.0, 1.0]);
    }

    #[test]
    fn empty_input_gives_an_empty_matrix() {
        let r = rollout(&maps(2, 4, 0, Vec::new()), |_, _| false);
        assert_eq!((r.rows(), r.cols()), (0, 0));
    }
}
