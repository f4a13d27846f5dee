//! The arithmetic every architecture shares, written plainly: the specification.
//!
//! Each operation here has a GPU twin in `crates/gpu/src/kernels/` that must equal it within
//! 1e-4 (the table in ARCHITECTURE.md pairs them): [`Linear`] ↔ `matmul.wgsl` (and the
//! linear parts of `linear_residual.wgsl` and `head.wgsl`), [`LayerNorm`] ↔ `layernorm.wgsl`
//! and `linear_residual.wgsl`, [`masked_softmax`] ↔ the softmax inside `attention.wgsl`,
//! `additive_pool.wgsl` and `decoder_attention.wgsl`, [`softmax`] ↔ `head.wgsl`, [`LstmCell`] ↔ `lstm.wgsl` and `decoder_cell.wgsl`, [`embed`] ↔
//! `embed.wgsl`, [`argmax`] ↔ `decoder_argmax.wgsl`. Speed matters too (this is the
//! browser's CPU fallback), so the hot loops are written to vectorise, but never at the cost
//! of reading like the equations.

use crate::activation::{exp_in_place, sigmoid_in_place, tanh_in_place};
pub use crate::activation::{sigmoid, tanh};
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

/// The portable body of [`dot`]: eight running sums the compiler keeps in one SIMD register,
/// then the tail. Summation order differs from a serial sum, within f32 rounding.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
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

/// In the browser the same eight sums in hand-written SIMD: the release wasm's pipeline does
/// not vectorise loops.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::dot as dot_lanes;

/// out[o] += Σ_i W[o][i]·x[i] for a row-major `W` (rows = out.len(), cols = x.len()); one
/// feature check for the whole product, dispatched like [`dot`]. (Blocking four rows per load
/// of x measured slower here than this row-by-row form.)
pub fn gemv_add(w: &[f32], x: &[f32], out: &mut [f32]) {
    debug_assert_eq!(w.len(), x.len() * out.len());
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has the features `gemv_avx2` is compiled for (checked just above).
        return unsafe { gemv_avx2(w, x, out) };
    }
    gemv_lanes(w, x, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemv_avx2(w: &[f32], x: &[f32], out: &mut [f32]) {
    gemv_lanes(w, x, out)
}

/// The portable body of [`gemv_add`]: one [`dot_lanes`] per row of W.
#[inline(always)]
fn gemv_lanes(w: &[f32], x: &[f32], out: &mut [f32]) {
    for (row, slot) in w.chunks_exact(x.len().max(1)).zip(out.iter_mut()) {
        *slot += dot_lanes(row, x);
    }
}

/// A strided row-major view of a matrix inside a slice: element (r, c) is at
/// `offset + r·row_stride + c·col_stride`.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// Index of element (0, 0).
    pub offset: usize,
    /// Distance between rows.
    pub row_stride: usize,
    /// Distance between columns.
    pub col_stride: usize,
}

impl View {
    /// A dense row-major `cols`-wide matrix starting at `offset`.
    pub fn rows(offset: usize, cols: usize) -> Self {
        Self {
            offset,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The same matrix read transposed.
    pub fn t(self) -> Self {
        Self {
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }

    /// Whether a `rows × cols` matrix seen through this view lies inside `len` elements.
    fn fits(&self, rows: usize, cols: usize, len: usize) -> bool {
        rows == 0
            || cols == 0
            || self.offset + (rows - 1) * self.row_stride + (cols - 1) * self.col_stride < len
    }
}

/// C = alpha·A·B + beta·C with A (m × k), B (k × n), C (m × n) read through strided views
/// (`matrixmultiply`'s sgemm: cache-blocked, SIMD where the CPU has it). Panics if a view
/// reaches outside its slice (an indexing bug, never user input).
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    m: usize,
    k: usize,
    n: usize,
    alpha: f32,
    a: (&[f32], View),
    b: (&[f32], View),
    beta: f32,
    c: (&mut [f32], View),
) {
    assert!(
        a.1.fits(m, k, a.0.len()) && b.1.fits(k, n, b.0.len()) && c.1.fits(m, n, c.0.len()),
        "gemm view out of bounds"
    );
    if m == 0 || n == 0 {
        return;
    }
    // SAFETY: every element the product reads or writes lies inside its slice (asserted
    // above); C is borrowed mutably, so it cannot overlap A or B.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            alpha,
            a.0.as_ptr().add(a.1.offset),
            a.1.row_stride as isize,
            a.1.col_stride as isize,
            b.0.as_ptr().add(b.1.offset),
            b.1.row_stride as isize,
            b.1.col_stride as isize,
            beta,
            c.0.as_mut_ptr().add(c.1.offset),
            c.1.row_stride as isize,
            c.1.col_stride as isize,
        );
    }
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

    /// y = W·x + b for one vector x.
    pub fn apply(&self, x: &[f32]) -> Vec<f32> {
        let mut y = self
            .bias
            .clone()
            .unwrap_or_else(|| vec![0.0; self.weight.rows()]);
        gemv_add(self.weight.as_slice(), x, &mut y);
        y
    }

    /// Y = X·Wᵀ + b for every row of X: (T, in) → (T, out), as one matrix product.
    pub fn forward(&self, x: &Matrix) -> Matrix {
        let (t, input, output) = (x.rows(), x.cols(), self.weight.rows());
        let mut y = match &self.bias {
            Some(bias) => bias.iter().copied().cycle().take(t * output).collect(),
            None => vec![0f32; t * output],
        }; // (T, out), starting from the bias
        let w_t = View::rows(0, input).t(); // Wᵀ: (in, out)
        gemm(
            t,
            input,
            output,
            1.0,
            (x.as_slice(), View::rows(0, input)),
            (self.weight.as_slice(), w_t),
            1.0,
            (&mut y, View::rows(0, output)),
        );
        Matrix::from_vec(t, output, y).expect("T·out values")
    }
}

/// LayerNorm over the last dimension: y = (x − mean) / sqrt(var + ε) · γ + β (biased variance).
///
/// ```
/// use attnscope_core::ops::LayerNorm;
/// use attnscope_core::Matrix;
/// // The row 1, 2, 3, 4 has mean 2.5 and variance 1.25: y = (x − 2.5) / √1.25.
/// let norm = LayerNorm { weight: vec![1.0; 4], bias: vec![0.0; 4], eps: 0.0 };
/// let x = Matrix::from_vec(1, 4, vec![1.0, 2.0, 3.0, 4.0]).unwrap();
/// let y = norm.forward(&x);
/// let want = [-1.341641, -0.447214, 0.447214, 1.341641];
/// for (got, want) in y.row(0).iter().zip(want) {
///     assert!((got - want).abs() < 1e-6);
/// }
/// ```
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
        // Mean and variance are accumulated in f64 (two passes), so the reference itself adds
        // no rounding worth measuring against the 1e-5 golden tolerance.
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
///
/// ```
/// use attnscope_core::ops::masked_softmax;
/// // Position 2 is masked: e¹ / (e¹ + e²) = 0.2689, e² / (e¹ + e²) = 0.7311, and exactly 0.
/// let a = masked_softmax(&[1.0, 2.0, 3.0], |i| i != 2);
/// assert!((a[0] - 0.268941).abs() < 1e-6 && (a[1] - 0.731059).abs() < 1e-6);
/// assert_eq!(a[2], 0.0);
/// // Huge logits stay finite (the maximum is subtracted first).
/// assert_eq!(masked_softmax(&[1e4, 1e4], |_| true), vec![0.5, 0.5]);
/// // Every position masked: zeros, not NaN.
/// assert_eq!(masked_softmax(&[1.0, 2.0], |_| false), vec![0.0, 0.0]);
/// ```
pub fn masked_softmax(logits: &[f32], valid: impl Fn(usize) -> bool) -> Vec<f32> {
    softmax_parts(logits, valid).weights
}

/// A softmax's intermediate numbers, as the teaching views show them: the largest unmasked
/// logit, exp(logit − max) per position (0 where masked), their sum, and the weights.
#[derive(Debug, Clone, PartialEq)]
pub struct SoftmaxParts {
    /// The largest unmasked logit (−∞ if every position is masked).
    pub max: f32,
    /// exp(logit − max), 0 at masked positions.
    pub exps: Vec<f32>,
    /// Σ exps.
    pub sum: f32,
    /// exps / sum (all zeros if every position is masked).
    pub weights: Vec<f32>,
}

/// The masked, max-subtracting softmax of `logits`, step by step ([`masked_softmax`] is its
/// last step: one implementation for the models and for the views that explain them).
pub fn softmax_parts(logits: &[f32], valid: impl Fn(usize) -> bool) -> SoftmaxParts {
    let max = logits
        .iter()
        .enumerate()
        .filter(|(i, _)| valid(*i))
        .map(|(_, &v)| v)
        .fold(f32::NEG_INFINITY, f32::max);
    // Every position masked: all zeros rather than PyTorch's NaNs, so a fully masked
    // sentence draws as an empty map instead of poisoning every later layer.
    if max == f32::NEG_INFINITY {
        let zeros = vec![0.0; logits.len()];
        return SoftmaxParts {
            max,
            exps: zeros.clone(),
            sum: 0.0,
            weights: zeros,
        };
    }
    // exp(v − max) ≤ 1, so nothing overflows; masked positions are zeroed after the exp
    // (their logits may be anything, even ±∞ from a temperature near 0).
    let mut exps: Vec<f32> = logits.iter().map(|&v| v - max).collect();
    exp_in_place(&mut exps);
    for (i, e) in exps.iter_mut().enumerate() {
        if !valid(i) {
            *e = 0.0;
        }
    }
    let sum: f32 = exps.iter().sum();
    let weights = exps.iter().map(|e| e / sum).collect();
    SoftmaxParts {
        max,
        exps,
        sum,
        weights,
    }
}

/// Softmax over all of `logits`.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    masked_softmax(logits, |_| true)
}

pub use crate::activation::gelu;

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

/// The index of the largest value other than `skipped` (the first one on ties): greedy
/// decoding's choice when it never writes the token it has just written.
pub fn argmax_skipping(values: &[f32], skipped: usize) -> usize {
    let mut best: Option<usize> = None;
    for (i, &v) in values.iter().enumerate() {
        if i != skipped && best.is_none_or(|b| v > values[b]) {
            best = Some(i);
        }
    }
    best.unwrap_or(0)
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
        let mut gates = self.input.apply(x); // W_ih·x + b_ih, (4H)
        self.add_recurrent(h, &mut gates);
        let (mut h, mut c) = (h.to_vec(), c.to_vec());
        apply_gates(&mut gates, &mut h, &mut c);
        (h, c)
    }

    /// gates += W_hh·h + b_hh.
    fn add_recurrent(&self, h: &[f32], gates: &mut [f32]) {
        if let Some(bias) = &self.hidden.bias {
            for (g, b) in gates.iter_mut().zip(bias) {
                *g += b;
            }
        }
        gemv_add(self.hidden.weight.as_slice(), h, gates);
    }

    /// Runs over a sequence (forwards, or backwards if `reverse`); returns every step's h in
    /// sequence order and the final (h, c). The input projections of all steps are one
    /// matrix product; each step adds W_hh·h + b_hh into one reused gate buffer.
    pub fn run(&self, xs: &Matrix, reverse: bool) -> (Matrix, Vec<f32>, Vec<f32>) {
        let n = self.hidden_size();
        let (mut h, mut c) = (vec![0.0; n], vec![0.0; n]);
        let projected = self.input.forward(xs); // (T, 4H), b_ih included
        let mut gates = vec![0f32; 4 * n]; // (4H)
        let mut out = vec![0.0; xs.rows() * n]; // (T, H)
                                                // The backward direction visits t = T−1 … 0 but writes each h at its own t, so both
                                                // directions' outputs line up token by token when concatenated.
        let order: Box<dyn Iterator<Item = usize>> = if reverse {
            Box::new((0..xs.rows()).rev())
        } else {
            Box::new(0..xs.rows())
        };
        for t in order {
            gates.copy_from_slice(projected.row(t));
            self.add_recurrent(&h, &mut gates);
            apply_gates(&mut gates, &mut h, &mut c);
            out[t * n..(t + 1) * n].copy_from_slice(&h);
        }
        (
            Matrix::from_vec(xs.rows(), n, out).expect("T·H values"),
            h,
            c,
        )
    }
}

/// The LSTM update from gate pre-activations [i f g o] (4H), in place (`gates` is
/// overwritten with the activated gates): c ← σ(f)⊙c + σ(i)⊙tanh(g),  h ← σ(o)⊙tanh(c).
fn apply_gates(gates: &mut [f32], h: &mut [f32], c: &mut [f32]) {
    // The activations run over whole slices (i and f together) so `activation.rs`'s
    // branch-free σ and tanh vectorise; the cell update is then element-wise.
    let n = h.len();
    let (i_f, g_o) = gates.split_at_mut(2 * n);
    let (g, o) = g_o.split_at_mut(n);
    sigmoid_in_place(i_f);
    tanh_in_place(g);
    sigmoid_in_place(o);
    let (i, f) = i_f.split_at(n);
    for j in 0..n {
        c[j] = f[j] * c[j] + i[j] * g[j];
    }
    h.copy_from_slice(c);
    tanh_in_place(h);
    for (h, o) in h.iter_mut().zip(o.iter()) {
        *h *= o;
    }
}

/// Rows of an embedding table for `ids`: (T, e). Ids outside the table are refused.
pub fn embed(table: &Matrix, ids: &[u32]) -> Result<Matrix, ModelError> {
    let mut data = Vec::with_capacity(ids.len() * table.cols());
    for &id in ids {
        // A tokenizer whose ids exceed the table would index out of bounds; the loader
        // checks vocab sizes, and this keeps a hand-built Model honest too.
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
    fn argmax_skipping_takes_the_best_other_value() {
        let logits = [0.5, 3.0, 3.0, 2.0];
        assert_eq!(argmax(&logits), 1);
        assert_eq!(
            argmax_skipping(&logits, 1),
            2,
            "the next of the tied maxima"
        );
        assert_eq!(argmax_skipping(&logits, 0), 1);
        assert_eq!(
            argmax_skipping(&[7.0, 1.0], 0),
            1,
            "the skipped value is never chosen"
        );
        assert_eq!(
            argmax_skipping(&logits, 9),
            1,
            "an id outside skips nothing"
        );
        assert_eq!(argmax_skipping(&[], 0), 0);
    }

    #[test]
    fn gelu_matches_known_values() {
        assert_eq!(gelu(0.0), 0.0);
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((gelu(-1.0) + 0.158_655_3).abs() < 1e-6);
    }
}
