//! Element-wise exp, sigmoid and tanh, written so whole slices vectorise.
//!
//! `f32::exp` and `f32::tanh` are scalar library calls (in wasm, long software routines),
//! and the LSTM recurrence and additive attention spend most of their time in them. Here
//! `exp` is the classic Cephes `expf`: range reduction x = n·ln2 + r with |r| ≤ ½·ln2,
//! then a degree-6 polynomial for e^r and 2ⁿ put straight into the exponent bits:
//!
//! ```text
//! n = round(x·log₂e),   r = x − n·ln2,   e^x = 2ⁿ · (1 + r + r²·P(r))
//! σ(x) = 1 / (1 + e^(−x)),   tanh(x) = 2σ(2x) − 1
//! ```
//!
//! No branches, so the slice forms compile to SIMD (AVX2+FMA chosen at run time on
//! x86-64, `simd128` in the browser). Accuracy: within 2 ulp of the library `exp`
//! (tested), so every golden fixture still holds at 1e-5.

/// Inputs are clamped to this range: e^88.3 is still finite and e^(−87.3) still normal.
pub(crate) const EXP_MIN: f32 = -87.3;
pub(crate) const EXP_MAX: f32 = 88.3;
pub(crate) const LOG2_E: f32 = std::f32::consts::LOG2_E;
/// ln 2 split in two so n·LN2_HI is exact for the n that occur.
pub(crate) const LN2_HI: f32 = 0.693_359_4;
pub(crate) const LN2_LO: f32 = -2.121_944_4e-4;
/// Adding and subtracting 1.5·2²³ rounds to the nearest integer (ties to even) without a
/// rounding instruction that SSE2 or wasm SIMD might lack.
pub(crate) const ROUND_MAGIC: f32 = 12_582_912.0;
/// Cephes' polynomial for e^r, highest degree first (Horner).
pub(crate) const EXP_POLY: [f32; 6] = [
    1.987_569_1e-4,
    1.398_199_9e-3,
    8.333_452e-3,
    4.166_579_6e-2,
    1.666_666_5e-1,
    0.5,
];
/// A&S 7.1.26: p and a₁ … a₅.
pub(crate) const ERF_P: f32 = 0.327_591_1;
pub(crate) const ERF_A: [f32; 5] = [
    0.254_829_6,
    -0.284_496_74,
    1.421_413_8,
    -1.453_152,
    1.061_405_4,
];

/// e^x (x clamped to [−87.3, 88.3]).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    // Range reduction: x = n·ln 2 + r with n an integer and |r| ≤ ½ ln 2, so e^x = 2ⁿ·e^r.
    // The clamp keeps 2ⁿ a normal f32 (no overflow to ∞, no denormals).
    let x = x.clamp(EXP_MIN, EXP_MAX);
    let n = (x * LOG2_E + ROUND_MAGIC) - ROUND_MAGIC;
    // ln 2 split in a high and a low part (Cody–Waite) so n·ln 2 is subtracted exactly.
    let r = x - n * LN2_HI - n * LN2_LO;
    // e^r by Cephes' degree-7 polynomial, in Horner form.
    let p = EXP_POLY[1..]
        .iter()
        .fold(EXP_POLY[0], |p, &coefficient| p * r + coefficient);
    let e_r = p * r * r + r + 1.0;
    // 2ⁿ built directly in the exponent bits.
    let two_n = f32::from_bits(((n as i32 + 127) as u32) << 23);
    e_r * two_n
}

/// The logistic sigmoid 1 / (1 + e^(−x)).
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// tanh(x) = 2σ(2x) − 1: one exp, and saturating to ±1 without a branch (the clamp in
/// [`exp`] keeps σ finite at any x).
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    2.0 * sigmoid(2.0 * x) - 1.0
}

/// erf(x) by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5·10⁻⁷ in exact arithmetic, ≤ 5·10⁻⁷
/// in f32: tested), branch-free:
///
/// ```text
/// t = 1 / (1 + p·|x|),   erf(|x|) = 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−x²)
/// ```
///
/// with the sign of x put back on the result.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + ERF_P * a);
    let [a1, a2, a3, a4, a5] = ERF_A;
    let poly = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))));
    (1.0 - poly * exp(-a * a)).copysign(x)
}

/// GELU, exact (erf) form: x·Φ(x) = ½x(1 + erf(x/√2)), with the branch-free [`erf`].
#[inline(always)]
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

macro_rules! slice_form {
    ($(#[$doc:meta])* $name:ident, $avx:ident, $f:ident) => {
        $(#[$doc])*
        pub fn $name(values: &mut [f32]) {
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                // SAFETY: the CPU has the features `$avx` is compiled for (checked just above).
                return unsafe { $avx(values) };
            }
            // The release wasm's pipeline does not vectorise loops: hand-written SIMD there.
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            crate::simd::map(values, crate::simd::$f, $f);
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            values.iter_mut().for_each(|v| *v = $f(*v));
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $avx(values: &mut [f32]) {
            values.iter_mut().for_each(|v| *v = $f(*v));
        }
    };
}

slice_form!(
    /// σ applied to every value, in place.
    sigmoid_in_place,
    sigmoid_avx2,
    sigmoid
);
slice_form!(
    /// tanh applied to every value, in place.
    tanh_in_place,
    tanh_avx2,
    tanh
);
slice_form!(
    /// GELU (exact form) applied to every value, in place.
    gelu_in_place,
    gelu_avx2,
    gelu
);
slice_form!(
    /// e^x applied to every value, in place.
    exp_in_place,
    exp_avx2,
    exp
);

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f32, b: f32) -> u32 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
    }

    #[test]
    fn exp_is_within_two_ulp_of_the_library() {
        for i in -87_000..=88_000 {
            let x = i as f32 * 1e-3;
            assert!(
                ulps(exp(x), x.exp()) <= 2,
                "exp({x}) = {} vs {}",
                exp(x),
                x.exp()
            );
        }
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(1e4).is_finite() && exp(-1e4) > 0.0);
    }

    #[test]
    fn tanh_and_sigmoid_match_the_library() {
        for i in -2000..=2000 {
            let x = i as f32 * 0.01;
            assert!((tanh(x) - x.tanh()).abs() <= 2e-7, "tanh({x})");
            let reference = 1.0 / (1.0 + (-x as f64).exp());
            assert!((sigmoid(x) as f64 - reference).abs() <= 1.2e-7, "σ({x})");
        }
        assert_eq!(tanh(100.0), 1.0);
        assert_eq!(tanh(-100.0), -1.0);
        assert_eq!(sigmoid(-1e4), sigmoid(-1e4).abs());
    }

    #[test]
    fn slice_forms_equal_the_scalar_forms() {
        let xs: Vec<f32> = (0..101).map(|i| (i as f32 - 50.0) * 0.37).collect();
        let (mut s, mut t, mut e, mut g) = (xs.clone(), xs.clone(), xs.clone(), xs.clone());
        sigmoid_in_place(&mut s);
        tanh_in_place(&mut t);
        exp_in_place(&mut e);
        gelu_in_place(&mut g);
        for (i, &x) in xs.iter().enumerate() {
            assert_eq!(s[i], sigmoid(x));
            assert_eq!(t[i], tanh(x));
            assert_eq!(e[i], exp(x));
            assert_eq!(g[i], gelu(x));
        }
    }

    #[test]
    fn gelu_matches_the_exact_form_in_f64() {
        // erf in f64 as the reference: its Taylor series for |z| ≤ 3, else 1 − erfc(|z|) by
        // the asymptotic series (erfc(3) ≈ 2·10⁻⁵, so its relative error is far below 10⁻⁹).
        fn erf64(z: f64) -> f64 {
            if z.abs() > 3.0 {
                let (a, pi) = (z.abs(), std::f64::consts::PI);
                let inv = 1.0 / (2.0 * a * a);
                let series = 1.0 - inv + 3.0 * inv * inv - 15.0 * inv.powi(3) + 105.0 * inv.powi(4);
                return z.signum() * (1.0 - (-a * a).exp() / (a * pi.sqrt()) * series);
            }
            let (mut term, mut sum, mut n) = (z, z, 0.0);
            while term.abs() > 1e-17 * sum.abs().max(1e-300) {
                n += 1.0;
                term *= -z * z / n;
                sum += term / (2.0 * n + 1.0);
            }
            sum * 2.0 / std::f64::consts::PI.sqrt()
        }
        for i in -1000..=1000 {
            let x = i as f32 * 0.01;
            let reference = 0.5 * x as f64 * (1.0 + erf64(x as f64 / std::f64::consts::SQRT_2));
            let error = (gelu(x) as f64 - reference).abs();
            // erf's error scaled by ½|x|, plus f32 rounding of the result.
            assert!(
                error <= 5e-7 * 0.5 * (x.abs() as f64) + 2.4e-7 * reference.abs().max(1.0),
                "gelu({x}): {error:e}"
            );
            let erf_error = (erf(x) as f64 - erf64(x as f64)).abs();
            // 1.5e-7 (the formula) plus f32 rounding: 1 − P·e^(−x²) cancels near 0.
            assert!(erf_error <= 5e-7, "erf({x}): {erf_error:e}");
        }
        assert_eq!(gelu(0.0), 0.0);
        assert_eq!(gelu(-100.0), 0.0);
        assert_eq!(gelu(100.0), 100.0);
    }
}
