//! The arithmetic every architecture shares, written plainly: the specification.

use crate::weights::WeightStore;
use crate::{Matrix, ModelError};

/// Σ a_i·b_i over equal-length slices, in eight independent partial sums (the compiler turns
/// them into SIMD lanes; one serial sum would not vectorise). On x86-64 CPUs with AVX2 and
/// FMA the same code runs compiled for them (chosen at run time); in the browser it becomes
/// wasm SIMD (`simd128`, enabled in .cargo/config.toml).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has the features `dot_avx2` is compiled for (checked just above).
        return unsafe { dot_avx2(a, b) };
    }
    dot_lanes(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    dot_lanes(a, b)
}

#[inline(always)]
fn dot_lanes(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let mut lanes = [0f32; 8];
    let (a8, a_rest) = a.split_at(a.len() / 8 * 8);
    let (b8, b_rest) = b.split_at(a8.len());
    for (x, y) in a8.chunks_exact(8).zip(b8.chunks_exact(8)) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    let tail: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    lanes.iter().sum::<f32>() + tail
}

/// A linear layer, y = x·Wᵀ + b, with W stored `(out, in)` as PyTorch's `nn.Linear`.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// (out, in)
    pub weight: Matrix,
    /// (out), if the layer has a bias.
    pub bias: Option<Vec<f32>>,
}

impl Linear {
    /// Loads `{prefix}.weight` (out × in) and, if `bias`, `{prefix}.bias` (out).
    pub fn load(
        store: &WeightStore<'_>,
        prefix: &str,
        input: usize,
        output: usize,
        bias: bool,
    ) -> Result<Self, ModelError> {
        Ok(Self {
            weight: store.matrix(&format!("{prefix}.weight"), output, input)?,
            bias: if bias {
                Some(store.vector(&format!("{prefix}.bias"), output)?)
            } else {
                None
            },
        })
    }

    /// Output width.
    pub fn output_size(&self) -> usize {
        self.weight.rows()
    }

    /// y = W·x + b for one vector x.
    pub fn apply(&self, x: &[f32]) -> Vec<f32> {
        (0..self.weight.rows())
            .map(|o| dot(self.weight.row(o), x) + self.bias.as_ref().map_or(0.0, |b| b[o]))
            .collect()
    }

    /// Y = X·Wᵀ + b for every row of X: (T, in) → (T, out), as one matrix product
    /// (`matrixmultiply`'s sgemm: cache-blocked, SIMD where the CPU has it).
    pub fn forward(&self, x: &Matrix) -> Matrix {
        let (t, input, output) = (x.rows(), x.cols(), self.weight.rows());
        debug_assert_eq!(input, self.weight.cols());
        let mut y = match &self.bias {
            Some(bias) => bias.iter().copied().cycle().take(t * output).collect(),
            None => vec![0f32; t * output],
        }; // (T, out), starting from the bias
        if t > 0 && input > 0 && output > 0 {
            // SAFETY: the pointers and strides describe exactly the three row-major buffers:
            // X (T × in, row stride in), Wᵀ read from W (out × in) with row stride 1 and column
            // stride in, Y (T × out, row stride out); none overlap and all outlive the call.
            unsafe {
                matrixmultiply::sgemm(
                    t,
                    input,
                    output,
                    1.0,
                    x.as_slice().as_ptr(),
                    input as isize,
                    1,
                    self.weight.as_slice().as_ptr(),
                    1,
                    input as isize,
                    1.0,
                    y.as_mut_ptr(),
                    output as isize,
                    1,
                );
            }
        }
        Matrix::from_vec(t, output, y).expect("T·out values")
    }
}

/// LayerNorm over the last dimension: y = (x − mean) / sqrt(var + ε) · γ + β (biased variance).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerNorm {
    /// γ, (d)
    pub weight: Vec<f32>,
    /// β, (d)
    pub bias: Vec<f32>,
    /// ε
    pub eps: f32,
}

impl LayerNorm {
    /// Loads `{prefix}.weight` and `{prefix}.bias`, both (d).
    pub fn load(
        store: &WeightStore<'_>,
        prefix: &str,
        d: usize,
        eps: f32,
    ) -> Result<Self, ModelError> {
        Ok(Self {
            weight: store.vector(&format!("{prefix}.weight"), d)?,
            bias: store.vector(&format!("{prefix}.bias"), d)?,
            eps,
        })
    }

    /// Normalises every row of x: (T, d) → (T, d).
    pub fn forward(&self, x: &Matrix) -> Matrix {
        let d = x.cols();
        let mut data = Vec::with_capacity(x.rows() * d);
        for t in 0..x.rows() {
            let row = x.row(t);
            let mean = row.iter().map(|&v| v as f64).sum::<f64>() / d as f64;
            let var = row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / d as f64;
            let inv = 1.0 / (var + self.eps as f64).sqrt();
            data.extend(
                row.iter().enumerate().map(|(i, &v)| {
                    ((v as f64 - mean) * inv) as f32 * self.weight[i] + self.bias[i]
                }),
            );
        }
        Matrix::from_vec(x.rows(), d, data).expect("T·d values")
    }
}

/// Softmax of `logits` over the positions where `valid(i)`; others get exactly 0.
/// Max-subtracting, so ±1e4 logits stay finite. No valid position → all zeros.
pub fn masked_softmax(logits: &[f32], valid: impl Fn(usize) -> bool) -> Vec<f32> {
    let max = logits
        .iter()
        .enumerate()
        .filter(|(i, _)| valid(*i))
        .map(|(_, &v)| v)
        .fold(f32::NEG_INFINITY, f32::max);
    if max == f32::NEG_INFINITY {
        return vec![0.0; logits.len()];
    }
    let exps: Vec<f32> = logits
        .iter()
        .enumerate()
        .map(|(i, &v)| if valid(i) { (v - max).exp() } else { 0.0 })
        .collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

/// Softmax over all of `logits`.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    masked_softmax(logits, |_| true)
}

/// GELU, exact form: x·Φ(x) = ½x(1 + erf(x/√2)) (`erff` is within 1 ulp of f32).
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// The logistic sigmoid 1 / (1 + e^(−x)).
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// The index of the largest value (the first one on ties, as `torch.argmax`).
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

/// One LSTM cell (PyTorch gate order i, f, g, o; both bias vectors):
///
/// ```text
/// [i f g o] = W_ih·x + b_ih + W_hh·h + b_hh
/// c' = σ(f)⊙c + σ(i)⊙tanh(g),   h' = σ(o)⊙tanh(c')
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LstmCell {
    /// (4H, in)
    pub input: Linear,
    /// (4H, H)
    pub hidden: Linear,
}

impl LstmCell {
    /// Loads `{prefix}weight_ih{suffix}` etc., PyTorch's names for `nn.LSTM` (with a layer
    /// suffix such as `_l0_reverse`) and `nn.LSTMCell` (no suffix).
    pub fn load(
        store: &WeightStore<'_>,
        prefix: &str,
        suffix: &str,
        input: usize,
        hidden: usize,
    ) -> Result<Self, ModelError> {
        let part = |kind: &str| format!("{prefix}{kind}{suffix}");
        let input_linear = Linear {
            weight: store.matrix(&part("weight_ih"), 4 * hidden, input)?,
            bias: Some(store.vector(&part("bias_ih"), 4 * hidden)?),
        };
        let hidden_linear = Linear {
            weight: store.matrix(&part("weight_hh"), 4 * hidden, hidden)?,
            bias: Some(store.vector(&part("bias_hh"), 4 * hidden)?),
        };
        Ok(Self {
            input: input_linear,
            hidden: hidden_linear,
        })
    }

    /// Hidden size H.
    pub fn hidden_size(&self) -> usize {
        self.hidden.weight.cols()
    }

    /// One step: (x, h, c) → (h', c').
    pub fn step(&self, x: &[f32], h: &[f32], c: &[f32]) -> (Vec<f32>, Vec<f32>) {
        self.step_projected(&self.input.apply(x), h, c)
    }

    /// One step from the input's projection W_ih·x + b_ih (4H), already computed.
    fn step_projected(&self, projected: &[f32], h: &[f32], c: &[f32]) -> (Vec<f32>, Vec<f32>) {
        let n = self.hidden_size();
        let gates: Vec<f32> = projected
            .iter()
            .zip(self.hidden.apply(h))
            .map(|(a, b)| a + b)
            .collect(); // (4H)
        let mut h_next = Vec::with_capacity(n);
        let mut c_next = Vec::with_capacity(n);
        for j in 0..n {
            let (i, f, g, o) = (
                sigmoid(gates[j]),
                sigmoid(gates[n + j]),
                gates[2 * n + j].tanh(),
                sigmoid(gates[3 * n + j]),
            );
            let cell = f * c[j] + i * g;
            c_next.push(cell);
            h_next.push(o * cell.tanh());
        }
        (h_next, c_next)
    }

    /// Runs over a sequence (forwards, or backwards if `reverse`); returns every step's h in
    /// sequence order and the final (h, c).
    pub fn run(&self, xs: &Matrix, reverse: bool) -> (Matrix, Vec<f32>, Vec<f32>) {
        let n = self.hidden_size();
        let (mut h, mut c) = (vec![0.0; n], vec![0.0; n]);
        let projected = self.input.forward(xs); // (T, 4H): every step's input projection at once
        let mut out = vec![0.0; xs.rows() * n]; // (T, H)
        let order: Box<dyn Iterator<Item = usize>> = if reverse {
            Box::new((0..xs.rows()).rev())
        } else {
            Box::new(0..xs.rows())
        };
        for t in order {
            (h, c) = self.step_projected(projected.row(t), &h, &c);
            out[t * n..(t + 1) * n].copy_from_slice(&h);
        }
        (
            Matrix::from_vec(xs.rows(), n, out).expect("T·H values"),
            h,
            c,
        )
    }
}

/// Rows of an embedding table for `ids`: (T, e). Ids outside the table are refused.
pub fn embed(table: &Matrix, ids: &[u32]) -> Result<Matrix, ModelError> {
    let mut data = Vec::with_capacity(ids.len() * table.cols());
    for &id in ids {
        if id as usize >= table.rows() {
            return Err(ModelError::ConfigField {
                field: "vocab_size",
                reason: format!(
                    "token id {id} is outside the embedding table ({} rows)",
                    table.rows()
                ),
            });
        }
        data.extend_from_slice(table.row(id as usize));
    }
    Ok(Matrix::from_vec(ids.len(), table.cols(), data).expect("T·e values"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_a_plain_sum() {
        let a: Vec<f32> = (0..37).map(|i| i as f32 * 0.25 - 3.0).collect();
        let b: Vec<f32> = (0..37).map(|i| (i as f32).sin()).collect();
        let plain: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
        assert!((dot(&a, &b) as f64 - plain).abs() < 1e-4);
    }

    #[test]
    fn softmax_is_stable_and_masks_exactly() {
        let p = masked_softmax(&[1e4, -1e4, 3.0, 1e4], |i| i != 3);
        assert_eq!(p[3], 0.0);
        assert!(p.iter().all(|v| v.is_finite()));
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(masked_softmax(&[1.0, 2.0], |_| false), vec![0.0, 0.0]);
    }

    #[test]
    fn gelu_matches_known_values() {
        assert_eq!(gelu(0.0), 0.0);
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((gelu(-1.0) + 0.158_655_3).abs() < 1e-6);
    }
}
