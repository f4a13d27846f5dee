//! What the GPU parity suites share: one device for the whole test binary and the
//! tolerance check.
#![allow(dead_code)] // each suite uses what it needs

use attnscope_gpu::GpuContext;
use proptest::prelude::*;
use std::sync::OnceLock;

/// Absolute + relative tolerance between the GPU engine and the CPU reference.
pub const TOLERANCE: f32 = 1e-4;

/// The test binary's one GPU context (Mesa's lavapipe in CI).
pub fn context() -> &'static GpuContext {
    static CONTEXT: OnceLock<GpuContext> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        pollster::block_on(GpuContext::request()).expect("a Vulkan device (mesa-vulkan-drivers)")
    })
}

/// Whether `got` is within the tolerance of `want`.
pub fn near(got: f32, want: f32) -> bool {
    near_within(got, want, TOLERANCE)
}

/// Whether `got` is within `tolerance` (absolute + relative) of `want`.
fn near_within(got: f32, want: f32, tolerance: f32) -> bool {
    (got - want).abs() <= tolerance * (1.0 + want.abs())
}

/// Every value of `got` is within the tolerance of `want`'s.
pub fn close(what: &str, got: &[f32], want: &[f32]) -> Result<(), TestCaseError> {
    close_within(what, got, want, TOLERANCE)
}

/// Every value of `got` is within `tolerance` (absolute + relative) of `want`'s.
pub fn close_within(
    what: &str,
    got: &[f32],
    want: &[f32],
    tolerance: f32,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.len(), want.len(), "{} length", what);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        prop_assert!(
            near_within(*g, *w, tolerance),
            "{what}[{i}]: GPU {g}, CPU {w}"
        );
    }
    Ok(())
}

/// The tolerance at an attention temperature τ: the scores are divided by τ, so below 1 their
/// rounding error, and every value after them, grows as 1/τ.
pub fn tolerance_at(temperature: f32) -> f32 {
    TOLERANCE / temperature.min(1.0)
}
