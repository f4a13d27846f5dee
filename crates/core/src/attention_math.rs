//! Attention on small matrices, step by step: the playground's engine (the source documents'
//! dot-product, scaled dot-product and additive attention, padding and look-ahead masks,
//! heads split and joined). Built from the models' own softmax ([`softmax_parts`]) and dot.
//!
//! ```text
//! per head j (columns j·d/h.. of Q, K; j·d_v/h.. of V):
//!   dot:       s_ik = q_i·k_k
//!   scaled:    s_ik = q_i·k_k / sqrt(d/h)
//!   additive:  s_ik = vᵀ·tanh(W_q·q_i + W_k·k_k)               (Bahdanau)
//!   s_ik /= temperature;  masked keys (padding, or k > i look-ahead) → −∞
//!   A_i = softmax(s_i),  out_i = Σ_k A_ik·v_k
//! output = [out¹ | … | outʰ]                                    (n × d_v)
//! ```

use crate::ops::{dot, softmax_parts};
use crate::Matrix;
use thiserror::Error;

/// How a query and a key are scored.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreFunction {
    /// q·k.
    Dot,
    /// q·k / sqrt(d_head).
    ScaledDot,
    /// vᵀ·tanh(W_q·q + W_k·k): `w_q` and `w_k` are (a × d_head), `v` is (a).
    Additive {
        /// Projects a query, (a × d_head).
        w_q: Matrix,
        /// Projects a key, (a × d_head).
        w_k: Matrix,
        /// Scores the combined projection, (a).
        v: Vec<f32>,
    },
}

/// Which keys each query may not see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mask {
    /// Every key is visible.
    None,
    /// These key positions are padding: no query sees them.
    Padding(Vec<usize>),
    /// Query i sees keys 0..=i only (a decoder's causal mask).
    LookAhead,
}

impl Mask {
    /// Whether query `i` may see key `k`.
    pub fn visible(&self, i: usize, k: usize) -> bool {
        match self {
            Mask::None => true,
            Mask::Padding(padded) => !padded.contains(&k),
            Mask::LookAhead => k <= i,
        }
    }
}

/// Why the matrices cannot be attended.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AttentionMathError {
    /// Q and K disagree on their width.
    #[error("Q has {q} columns but K has {k}: a query and a key must have the same length")]
    Width {
        /// Q's columns.
        q: usize,
        /// K's columns.
        k: usize,
    },
    /// K and V disagree on their rows.
    #[error("K has {k} rows but V has {v}: every key needs a value")]
    Rows {
        /// K's rows.
        k: usize,
        /// V's rows.
        v: usize,
    },
    /// The heads do not divide the widths.
    #[error("{heads} heads cannot split {width} columns evenly")]
    Heads {
        /// Heads asked for.
        heads: usize,
        /// The width that does not divide.
        width: usize,
    },
    /// The additive weights do not fit a head.
    #[error("the additive weights must be a × {d_head} (W_q, W_k) and a (v)")]
    Additive {
        /// Columns per head.
        d_head: usize,
    },
    /// A value is not a finite number.
    #[error("every value must be a finite number")]
    NotFinite,
}

/// One head's numbers, each step of the computation.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadSteps {
    /// The head's columns of Q, (n × d_head).
    pub q: Matrix,
    /// The head's columns of K, (m × d_head).
    pub k: Matrix,
    /// The head's columns of V, (m × d_v/h).
    pub v: Matrix,
    /// The score function's values before scaling by the temperature, (n × m).
    pub scores: Matrix,
    /// After the temperature and the mask (masked: −∞), (n × m).
    pub masked: Matrix,
    /// exp(s − max) per row, 0 where masked, (n × m).
    pub exps: Matrix,
    /// Σ exps per row, (n).
    pub sums: Vec<f32>,
    /// The attention weights, (n × m).
    pub weights: Matrix,
    /// Σ_k weights_ik·v_k, (n × d_v/h).
    pub output: Matrix,
}

/// The whole computation: each head, and the heads joined.
#[derive(Debug, Clone, PartialEq)]
pub struct AttentionSteps {
    /// One entry per head.
    pub heads: Vec<HeadSteps>,
    /// The heads' outputs side by side, (n × d_v).
    pub output: Matrix,
}

fn column_block(m: &Matrix, start: usize, width: usize) -> Matrix {
    let mut data = Vec::with_capacity(m.rows() * width);
    for r in 0..m.rows() {
        data.extend_from_slice(&m.row(r)[start..start + width]);
    }
    Matrix::from_vec(m.rows(), width, data).expect("rows × width")
}

fn score(function: &ScoreFunction, q: &[f32], k: &[f32]) -> f32 {
    match function {
        ScoreFunction::Dot => dot(q, k),
        ScoreFunction::ScaledDot => dot(q, k) / (q.len() as f32).sqrt(),
        ScoreFunction::Additive { w_q, w_k, v } => (0..v.len())
            .map(|a| v[a] * (dot(w_q.row(a), q) + dot(w_k.row(a), k)).tanh())
            .sum(),
    }
}

/// Attends queries `q` (n × d) to keys `k` (m × d) and values `v` (m × d_v) with `heads`
/// heads, returning every step.
pub fn attention_steps(
    q: &Matrix,
    k: &Matrix,
    v: &Matrix,
    function: &ScoreFunction,
    mask: &Mask,
    heads: usize,
    temperature: f32,
) -> Result<AttentionSteps, AttentionMathError> {
    let (n, m, d, dv) = (q.rows(), k.rows(), q.cols(), v.cols());
    if k.cols() != d {
        return Err(AttentionMathError::Width { q: d, k: k.cols() });
    }
    if v.rows() != m {
        return Err(AttentionMathError::Rows { k: m, v: v.rows() });
    }
    for width in [d, dv] {
        if heads == 0 || width % heads != 0 {
            return Err(AttentionMathError::Heads { heads, width });
        }
    }
    let finite = |x: &Matrix| x.as_slice().iter().all(|v| v.is_finite());
    if !(finite(q) && finite(k) && finite(v) && temperature.is_finite()) || temperature <= 0.0 {
        return Err(AttentionMathError::NotFinite);
    }
    let (dh, dvh) = (d / heads, dv / heads);
    if let ScoreFunction::Additive { w_q, w_k, v: va } = function {
        let a = va.len();
        if w_q.rows() != a || w_k.rows() != a || w_q.cols() != dh || w_k.cols() != dh || a == 0 {
            return Err(AttentionMathError::Additive { d_head: dh });
        }
    }
    let mut output = vec![0f32; n * dv];
    let mut all = Vec::with_capacity(heads);
    for head in 0..heads {
        let (qh, kh, vh) = (
            column_block(q, head * dh, dh),
            column_block(k, head * dh, dh),
            column_block(v, head * dvh, dvh),
        );
        let mut scores = Vec::with_capacity(n * m);
        let mut masked = Vec::with_capacity(n * m);
        let (mut exps, mut weights, mut sums) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let row: Vec<f32> = (0..m)
                .map(|j| score(function, qh.row(i), kh.row(j)))
                .collect();
            let tempered: Vec<f32> = row.iter().map(|s| s / temperature).collect();
            let parts = softmax_parts(&tempered, |j| mask.visible(i, j));
            masked.extend((0..m).map(|j| {
                if mask.visible(i, j) {
                    tempered[j]
                } else {
                    f32::NEG_INFINITY
                }
            }));
            scores.extend(row);
            exps.extend(parts.exps);
            sums.push(parts.sum);
            for c in 0..dvh {
                let value: f32 = (0..m)
                    .map(|j| parts.weights[j] * vh.get(j, c).unwrap_or(0.0))
                    .sum();
                output[i * dv + head * dvh + c] = value;
            }
            weights.extend(parts.weights);
        }
        let matrix = |rows, cols, data| Matrix::from_vec(rows, cols, data).expect("shape");
        let out = column_block(&matrix(n, dv, output.clone()), head * dvh, dvh);
        all.push(HeadSteps {
            q: qh,
            k: kh,
            v: vh,
            scores: matrix(n, m, scores),
            masked: matrix(n, m, masked),
            exps: matrix(n, m, exps),
            sums,
            weights: matrix(n, m, weights),
            output: out,
        });
    }
    Ok(AttentionSteps {
        heads: all,
        output: Matrix::from_vec(n, dv, output).expect("n × d_v"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(n: usize, reversed: bool) -> Matrix {
        let mut data = vec![0.0; n * n];
        for i in 0..n {
            data[i * n + if reversed { n - 1 - i } else { i }] = 1.0;
        }
        Matrix::from_vec(n, n, data).unwrap()
    }

    #[test]
    fn the_source_documents_example() {
        // Q = I₄, K = I₄ with its rows reversed, V = 0, no mask: each query scores 1 against
        // the mirrored key and 0 elsewhere; scaled by 1/√4 the mirrored key gets
        // e^0.5 / (e^0.5 + 3) and the output is zero.
        let (q, k, v) = (identity(4, false), identity(4, true), Matrix::zeros(4, 4));
        let steps =
            attention_steps(&q, &k, &v, &ScoreFunction::ScaledDot, &Mask::None, 1, 1.0).unwrap();
        let head = &steps.heads[0];
        let top = 0.5f32.exp() / (0.5f32.exp() + 3.0);
        for i in 0..4 {
            for j in 0..4 {
                let want = if j == 3 - i {
                    top
                } else {
                    1.0 / (0.5f32.exp() + 3.0)
                };
                assert!((head.weights.get(i, j).unwrap() - want).abs() < 1e-6);
            }
        }
        assert!(steps.output.as_slice().iter().all(|&x| x == 0.0));
        assert!((head.sums[0] - (1.0 + 3.0 * (-0.5f32).exp())).abs() < 1e-6);
    }

    #[test]
    fn masks_heads_and_additive() {
        let q = Matrix::from_vec(3, 4, (0..12).map(|i| i as f32 * 0.1).collect()).unwrap();
        let v = Matrix::from_vec(3, 2, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        let causal =
            attention_steps(&q, &q, &v, &ScoreFunction::Dot, &Mask::LookAhead, 1, 1.0).unwrap();
        assert_eq!(causal.heads[0].weights.row(0), &[1.0, 0.0, 0.0]);
        assert_eq!(causal.heads[0].masked.get(0, 2), Some(f32::NEG_INFINITY));
        assert_eq!(causal.output.row(0), &[1.0, 2.0]);
        let padded = attention_steps(
            &q,
            &q,
            &v,
            &ScoreFunction::Dot,
            &Mask::Padding(vec![2]),
            2,
            1.0,
        )
        .unwrap();
        assert_eq!(padded.heads.len(), 2);
        assert!(padded
            .heads
            .iter()
            .all(|h| h.weights.get(1, 2) == Some(0.0)));
        let additive = ScoreFunction::Additive {
            w_q: Matrix::from_vec(1, 2, vec![1.0, 0.0]).unwrap(),
            w_k: Matrix::from_vec(1, 2, vec![0.0, 1.0]).unwrap(),
            v: vec![2.0],
        };
        let steps = attention_steps(&q, &q, &v, &additive, &Mask::None, 2, 1.0).unwrap();
        let want = 2.0 * (q.get(1, 2).unwrap() + q.get(2, 3).unwrap()).tanh();
        assert!((steps.heads[1].scores.get(1, 2).unwrap() - want).abs() < 1e-6);
        for error in [
            attention_steps(&q, &v, &v, &ScoreFunction::Dot, &Mask::None, 1, 1.0),
            attention_steps(&q, &q, &v, &ScoreFunction::Dot, &Mask::None, 3, 1.0),
            attention_steps(
                &q,
                &q,
                &Matrix::zeros(2, 2),
                &ScoreFunction::Dot,
                &Mask::None,
                1,
                1.0,
            ),
            attention_steps(&q, &q, &v, &ScoreFunction::Dot, &Mask::None, 1, f32::NAN),
        ] {
            assert!(error.is_err());
        }
    }
}
