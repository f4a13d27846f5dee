//! Colours of plots: viridis for values (perceptually uniform, and readable with every common
//! colour-vision deficiency), and an Okabe–Ito palette for lines. Presentation only, so it
//! lives in the app, not in the CPU reference.

use super::viridis_table::VIRIDIS;
use plotters::style::RGBColor;

/// The table entry nearest to `t` in 0..=1: clamped, with NaN at the low end (the float →
/// integer cast saturates, so this needs no branches in the hot loop).
#[inline]
fn lut_index(t: f32) -> usize {
    ((t * 255.0 + 0.5) as usize).min(255)
}

/// The viridis colour at `t` in 0..=1 (clamped; NaN maps to the low end).
pub fn viridis(t: f32) -> [u8; 3] {
    VIRIDIS[lut_index(t)]
}

/// The colour of `value` on a scale from `low` to `high` (a flat range maps to the middle).
pub fn color_for(value: f32, low: f32, high: f32) -> [u8; 3] {
    let span = high - low;
    if span.abs() <= f32::EPSILON * low.abs().max(high.abs()).max(1.0) {
        return viridis(0.5);
    }
    viridis((value - low) * (1.0 / span))
}

/// Fills `rgba` (4 bytes per value) with the colours of `values` on `low..=high`; the same
/// colours as [`color_for`], with the scale factored out of the loop.
pub fn fill_rgba(values: &[f32], low: f32, high: f32, rgba: &mut Vec<u8>) {
    // Sized once and written in place, pixel by pixel: pushing four bytes at a time through
    // `extend` checked the capacity on every byte (8 heads' 128 × 128 maps took 1.5 ms a
    // keystroke on #/attention).
    rgba.clear();
    rgba.resize(values.len() * 4, 255);
    let span = high - low;
    let flat = span.abs() <= f32::EPSILON * low.abs().max(high.abs()).max(1.0);
    let scale = if flat { 0.0 } else { 1.0 / span };
    for (pixel, &value) in rgba.chunks_exact_mut(4).zip(values) {
        let t = if flat { 0.5 } else { (value - low) * scale };
        pixel[..3].copy_from_slice(&VIRIDIS[lut_index(t)]);
    }
}

/// Paints the pixels of `rgba` (a `cols`-wide image, 4 bytes a pixel, one pixel a cell) that
/// `mask` hides in [`crate::mask::MASKED`] grey.
pub fn mask_rgba(rgba: &mut [u8], cols: usize, mask: crate::mask::CellMask) {
    if mask == crate::mask::CellMask::None || cols == 0 {
        return;
    }
    for (row, line) in rgba.chunks_exact_mut(cols * 4).enumerate() {
        for (col, pixel) in line.chunks_exact_mut(4).enumerate() {
            if mask.hides(row, col) {
                pixel[..3].copy_from_slice(&crate::mask::MASKED);
            }
        }
    }
}

/// Okabe–Ito colours for lines, ordered for contrast on the light or the dark background.
pub fn line_palette(dark: bool) -> [RGBColor; 6] {
    let blue = if dark {
        RGBColor(0x56, 0xb4, 0xe9)
    } else {
        RGBColor(0x00, 0x72, 0xb2)
    };
    let last = if dark {
        RGBColor(0xf0, 0xe4, 0x42)
    } else {
        RGBColor(0x00, 0x00, 0x00)
    };
    [
        blue,
        RGBColor(0xd5, 0x5e, 0x00),
        RGBColor(0x00, 0x9e, 0x73),
        RGBColor(0xcc, 0x79, 0xa7),
        RGBColor(0xe6, 0x9f, 0x00),
        last,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middle_of_the_scale() {
        assert_eq!(color_for(-1.0, -1.0, 1.0), [68, 1, 84]);
        assert_eq!(color_for(0.0, -1.0, 1.0), [33, 145, 140]);
        assert_eq!(color_for(1.0, -1.0, 1.0), [253, 231, 37]);
        assert_eq!(color_for(9.0, -1.0, 1.0), [253, 231, 37]);
        assert_eq!(color_for(f32::NAN, -1.0, 1.0), [68, 1, 84]);
        assert_eq!(color_for(3.0, 3.0, 3.0), viridis(0.5));
    }

    #[test]
    fn fill_rgba_equals_color_for() {
        let values: Vec<f32> = (0..200).map(|i| (i as f32 * 0.37).sin() * 3.0).collect();
        let mut rgba = Vec::new();
        for (low, high) in [(-3.0, 3.0), (-1.0, 1.0), (2.0, 2.0)] {
            fill_rgba(&values, low, high, &mut rgba);
            for (i, &v) in values.iter().enumerate() {
                let [r, g, b] = color_for(v, low, high);
                assert_eq!(
                    &rgba[4 * i..4 * i + 4],
                    &[r, g, b, 255],
                    "value {v} on {low}..{high}"
                );
            }
        }
    }

    #[test]
    fn viridis_gets_lighter_monotonically() {
        let luma = |[r, g, b]: [u8; 3]| 0.2126 * r as f32 + 0.7152 * g as f32 + 0.0722 * b as f32;
        for i in 1..256 {
            assert!(luma(VIRIDIS[i]) >= luma(VIRIDIS[i - 1]) - 0.5, "entry {i}");
        }
    }
}
