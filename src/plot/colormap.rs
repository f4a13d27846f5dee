//! Colours of plots: viridis for values (from `attnscope_core::colormap`), and an Okabe–Ito
//! palette for lines.

pub use attnscope_core::colormap::{color_for, fill_rgba, viridis};
use plotters::style::RGBColor;

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
