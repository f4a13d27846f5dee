//! Sinusoidal positional encoding ("Attention Is All You Need", Vaswani et al. 2017, §3.5).
//!
//! ```text
//! ω_i           = 1 / base^(2i / d)                 i = 0 .. d/2 - 1
//! PE(pos, 2i)   = sin(pos · ω_i)
//! PE(pos, 2i+1) = cos(pos · ω_i)
//! ```
//!
//! Angles are computed in `f64` and rounded once to `f32`. Down each column the angle advances
//! by exact rotation, `(sin, cos)(a + ω) = (sin a·cos ω + cos a·sin ω, cos a·cos ω − sin a·sin ω)`,
//! re-seeded with a direct `sin_cos` every [`RESEED_EVERY`] positions, so the `f64` error stays
//! below ~1e-14 and every value is within one `f32` ulp of the correctly rounded formula
//! (about 30× fewer trigonometric calls, which keeps the explorer within a frame at 512 × 512).
//!
//! The position-similarity matrix has a closed form, because
//! `sin a·sin b + cos a·cos b = cos(a − b)`:
//!
//! ```text
//! PE(p)·PE(q) = Σ_i cos((p − q) · ω_i) = s(|p − q|),   s(k) = Σ_i PE(k, 2i+1)
//! ```
//!
//! It depends only on the offset `p − q`: that is the relative-position structure the
//! explorer shows, and it lets the whole `n × n` matrix cost `O(n·d + n²)` instead of `O(n²·d)`, with no
//! trigonometry at all: s(k) is the sum of the cosine columns of row k of the encoding.

use crate::Matrix;
use thiserror::Error;

/// Largest model width the explorer accepts.
pub const MAX_D_MODEL: usize = 1024;
/// Largest number of positions the explorer accepts.
pub const MAX_POSITIONS: usize = 2048;
/// The base of the original paper.
pub const DEFAULT_BASE: f64 = 10_000.0;
/// Positions between two exact `sin_cos` seeds of the rotation recurrence.
pub const RESEED_EVERY: usize = 64;

/// Why a positional-encoding request was refused. Checked before anything is allocated.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PeError {
    /// `d_model` is outside `2..=MAX_D_MODEL`.
    #[error("d_model must be between 2 and {MAX_D_MODEL}, got {0}")]
    DModelOutOfRange(usize),
    /// `d_model` is odd: dimensions come in (sin, cos) pairs.
    #[error("d_model must be even (dimensions come in sin/cos pairs), got {0}")]
    DModelOdd(usize),
    /// The number of positions is outside `1..=MAX_POSITIONS`.
    #[error("positions must be between 1 and {MAX_POSITIONS}, got {0}")]
    PositionsOutOfRange(usize),
    /// The base is not a finite number greater than 1.
    #[error("base must be a finite number greater than 1, got {0}")]
    BaseInvalid(f64),
}

/// Validated parameters of a positional encoding: build with [`PeParams::new`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeParams {
    positions: usize,
    d_model: usize,
    base: f64,
}

impl PeParams {
    /// Checks the parameters against the explorer's limits.
    pub fn new(positions: usize, d_model: usize, base: f64) -> Result<Self, PeError> {
        if !(2..=MAX_D_MODEL).contains(&d_model) {
            return Err(PeError::DModelOutOfRange(d_model));
        }
        if !d_model.is_multiple_of(2) {
            return Err(PeError::DModelOdd(d_model));
        }
        if !(1..=MAX_POSITIONS).contains(&positions) {
            return Err(PeError::PositionsOutOfRange(positions));
        }
        if !base.is_finite() || base <= 1.0 {
            return Err(PeError::BaseInvalid(base));
        }
        Ok(Self {
            positions,
            d_model,
            base,
        })
    }

    /// Number of positions (rows of the PE matrix).
    pub fn positions(&self) -> usize {
        self.positions
    }

    /// Model width (columns of the PE matrix).
    pub fn d_model(&self) -> usize {
        self.d_model
    }

    /// The base of the geometric progression of wavelengths.
    pub fn base(&self) -> f64 {
        self.base
    }

    /// The angular frequencies ω_i = base^(−2i/d), one per (sin, cos) pair.
    pub fn frequencies(&self) -> Vec<f64> {
        let d = self.d_model as f64;
        (0..self.d_model / 2)
            .map(|i| self.base.powf(-(2.0 * i as f64) / d))
            .collect()
    }

    /// The value PE(`pos`, `dim`) of the formula, for any position (not only those in range).
    pub fn value(&self, pos: usize, dim: usize) -> f32 {
        let d = self.d_model as f64;
        let pair = (dim / 2) as f64;
        let angle = pos as f64 / self.base.powf(2.0 * pair / d);
        (if dim.is_multiple_of(2) {
            angle.sin()
        } else {
            angle.cos()
        }) as f32
    }
}

/// A sinusoidal positional encoding: the PE matrix, and what follows from it.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionalEncoding {
    params: PeParams,
    matrix: Matrix, // (positions, d_model)
}

/// The encoding for `params`: row = position, column = dimension,
/// PE(pos, 2i) = sin(pos·ω_i) and PE(pos, 2i + 1) = cos(pos·ω_i) with ω_i = base^(−2i/d).
///
/// ```
/// use attnscope_core::positional_encoding::{positional_encoding, PeParams};
/// // d = 4, base 10,000: ω₀ = 1 and ω₁ = 10,000^(−1/2) = 0.01.
/// let pe = positional_encoding(&PeParams::new(3, 4, 10_000.0).unwrap());
/// let row = pe.matrix().row(1); // position 1: sin 1, cos 1, sin 0.01, cos 0.01
/// let want = [0.841471, 0.540302, 0.010000, 0.999950];
/// for (got, want) in row.iter().zip(want) {
///     assert!((got - want).abs() < 1e-6);
/// }
/// assert_eq!(pe.matrix().row(0), &[0.0, 1.0, 0.0, 1.0]); // position 0: sin 0, cos 0
/// ```
pub fn positional_encoding(params: &PeParams) -> PositionalEncoding {
    let (n, d) = (params.positions, params.d_model);
    let mut data = vec![0f32; n * d]; // (n, d)
                                      // Column pair i turns by ω_i per position: instead of a sin and a cos per cell, rotate
                                      // (sin, cos) by the angle ω_i from one position to the next (the angle-addition
                                      // formulas), in f64, re-seeding from the exact formula every RESEED_EVERY positions so
                                      // rounding cannot drift (within one f32 ulp of `value`, tested).
    for (i, omega) in params.frequencies().into_iter().enumerate() {
        let (step_sin, step_cos) = omega.sin_cos();
        let (mut sin, mut cos) = (0f64, 1f64);
        for pos in 0..n {
            if pos % RESEED_EVERY == 0 {
                (sin, cos) = (pos as f64 * omega).sin_cos();
            }
            data[pos * d + 2 * i] = sin as f32;
            data[pos * d + 2 * i + 1] = cos as f32;
            // sin(a + ω) = sin a cos ω + cos a sin ω;  cos(a + ω) = cos a cos ω − sin a sin ω
            (sin, cos) = (
                sin * step_cos + cos * step_sin,
                cos * step_cos - sin * step_sin,
            );
        }
    }
    let matrix = Matrix::from_vec(n, d, data).expect("n·d values");
    PositionalEncoding {
        params: *params,
        matrix,
    }
}

impl PositionalEncoding {
    /// The parameters it was made with.
    pub fn params(&self) -> &PeParams {
        &self.params
    }

    /// The PE matrix, `positions × d_model`.
    pub fn matrix(&self) -> &Matrix {
        &self.matrix
    }

    /// The PE matrix, by value.
    pub fn into_matrix(self) -> Matrix {
        self.matrix
    }

    /// s(k) = PE(p)·PE(p + k) = Σ_i cos(k·ω_i) = Σ_i PE(k, 2i+1), for k = 0 .. positions − 1.
    pub fn similarity_profile(&self) -> Vec<f32> {
        (0..self.matrix.rows())
            .map(|k| {
                self.matrix
                    .row(k)
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .map(|&c| c as f64)
                    .sum::<f64>() as f32
            })
            .collect()
    }

    /// The position-similarity matrix S[p][q] = PE(p)·PE(q) = s(|p − q|), `positions × positions`.
    pub fn similarity(&self) -> Matrix {
        let n = self.matrix.rows();
        let profile = self.similarity_profile(); // (n)
        let mut data = Vec::with_capacity(n * n); // (n, n)
        for p in 0..n {
            data.extend((0..n).map(|q| profile[p.abs_diff(q)]));
        }
        Matrix::from_vec(n, n, data).expect("n·n values")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(n: usize, d: usize) -> PeParams {
        PeParams::new(n, d, DEFAULT_BASE).unwrap()
    }

    #[test]
    fn hand_computed_values() {
        let encoding = positional_encoding(&params(3, 4));
        let pe = encoding.matrix();
        assert_eq!(pe.get(1, 0), Some(1f64.sin() as f32));
        assert_eq!(pe.get(1, 1), Some(1f64.cos() as f32));
        // ω_1 = 10000^(-2/4) = 0.01
        assert!((pe.get(2, 2).unwrap() - 0.02f64.sin() as f32).abs() <= f32::EPSILON * 0.02);
        assert!((pe.get(2, 3).unwrap() - 0.02f64.cos() as f32).abs() <= f32::EPSILON);
        // Position 0 alternates sin 0 = 0 and cos 0 = 1.
        assert_eq!(pe.row(0), &[0.0, 1.0, 0.0, 1.0]);
    }

    #[test]
    fn limits_are_checked_before_allocation() {
        assert_eq!(PeParams::new(10, 7, 1e4), Err(PeError::DModelOdd(7)));
        assert_eq!(PeParams::new(10, 0, 1e4), Err(PeError::DModelOutOfRange(0)));
        assert_eq!(
            PeParams::new(10, 1_000_000_000, 1e4),
            Err(PeError::DModelOutOfRange(1_000_000_000))
        );
        assert_eq!(
            PeParams::new(0, 8, 1e4),
            Err(PeError::PositionsOutOfRange(0))
        );
        assert_eq!(
            PeParams::new(2049, 8, 1e4),
            Err(PeError::PositionsOutOfRange(2049))
        );
        assert_eq!(PeParams::new(10, 8, 1.0), Err(PeError::BaseInvalid(1.0)));
        assert!(matches!(
            PeParams::new(10, 8, f64::NAN),
            Err(PeError::BaseInvalid(_))
        ));
        assert!(PeParams::new(10, 8, f64::INFINITY).is_err());
        assert!(PeParams::new(MAX_POSITIONS, MAX_D_MODEL, 1.0001).is_ok());
    }

    #[test]
    fn error_messages_name_the_limit() {
        let message = PeParams::new(10, 7, 1e4).unwrap_err().to_string();
        assert!(message.contains("even"), "{message}");
        let message = PeParams::new(5000, 8, 1e4).unwrap_err().to_string();
        assert!(message.contains("2048"), "{message}");
    }

    #[test]
    fn similarity_has_the_diagonal_d_over_2() {
        let s = positional_encoding(&params(16, 64)).similarity();
        for p in 0..16 {
            assert!((s.get(p, p).unwrap() - 32.0).abs() < 1e-5);
        }
    }

    #[test]
    fn the_recurrence_stays_within_one_ulp_at_the_largest_size() {
        let p = PeParams::new(MAX_POSITIONS, MAX_D_MODEL, DEFAULT_BASE).unwrap();
        let encoding = positional_encoding(&p);
        for pos in (0..MAX_POSITIONS).step_by(7) {
            for dim in (0..MAX_D_MODEL).step_by(5) {
                let got = encoding.matrix().get(pos, dim).unwrap();
                let want = p.value(pos, dim);
                let ulp = f32::EPSILON * want.abs().max(f32::MIN_POSITIVE);
                assert!(
                    (got - want).abs() <= ulp,
                    "PE({pos},{dim}) = {got}, formula {want}"
                );
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;

    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        #[test]
        fn matrix_matches_the_formula(n in 1usize..200, half_d in 1usize..64, base in 1.5f64..1e5) {
            let p = PeParams::new(n, 2 * half_d, base).unwrap();
            let encoding = positional_encoding(&p);
            let pe = encoding.matrix();
            prop_assert_eq!((pe.rows(), pe.cols()), (n, 2 * half_d));
            for pos in 0..n {
                for dim in 0..2 * half_d {
                    let i = (dim / 2) as f64;
                    let angle = pos as f64 / base.powf(2.0 * i / (2 * half_d) as f64);
                    let want = if dim % 2 == 0 { angle.sin() } else { angle.cos() };
                    let got = pe.get(pos, dim).unwrap() as f64;
                    prop_assert!((got - want).abs() <= 1.2e-7, "PE({pos},{dim}) = {got}, formula {want}");
                    prop_assert!((p.value(pos, dim) as f64 - want).abs() <= 1e-6);
                }
            }
        }

        #[test]
        fn closed_form_similarity_equals_dot_products(n in 1usize..48, half_d in 1usize..48) {
            let encoding = positional_encoding(&params(n, 2 * half_d));
            let pe = encoding.matrix();
            let s = encoding.similarity();
            for a in 0..n {
                for b in 0..n {
                    let dot: f64 = pe.row(a).iter().zip(pe.row(b)).map(|(x, y)| (*x as f64) * (*y as f64)).sum();
                    let got = s.get(a, b).unwrap() as f64;
                    prop_assert!((got - dot).abs() <= 1e-5 * (1.0 + dot.abs()) * half_d as f64, "S[{a}][{b}] = {got}, dot {dot}");
                }
            }
        }
    }
}
