//! attnscope's plots as pure draw functions, shared by the web app (a canvas backend) and the
//! command line (SVG and PNG figures for documents), so a figure in a PDF matches the page.
//!
//! Every plot is one generic function over a plotters [`DrawingBackend`]. On a canvas, large
//! cell grids are never drawn as one rectangle per cell: the frame (axes, labels, colour bar)
//! comes from plotters and the app blits the cells as image data; a static figure draws them
//! with [`cells::draw_cells`].
#![warn(missing_docs)]

pub mod cells;
pub mod colormap;
pub mod curves;
pub mod figure;
pub mod grid;
pub mod head_lines;
pub mod heatmap;
pub mod mask;
pub mod pooling;
mod viridis_table;

use plotters::prelude::*;

/// Where a plot's data area landed, in the backend's pixels (device pixels on a canvas).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PlotRect {
    /// Left edge of the data area.
    pub left: i32,
    /// Top edge of the data area.
    pub top: i32,
    /// Width of the data area.
    pub width: i32,
    /// Height of the data area.
    pub height: i32,
}

impl PlotRect {
    /// The data area of a chart from its pixel ranges.
    pub fn from_ranges((x, y): (std::ops::Range<i32>, std::ops::Range<i32>)) -> Self {
        Self {
            left: x.start,
            top: y.start,
            width: x.end - x.start,
            height: y.end - y.start,
        }
    }

    /// The fraction (0..1, 0..1) of the data area under a point, or `None` outside it.
    pub fn fraction_at(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let fx = (x - self.left as f64) / self.width as f64;
        let fy = (y - self.top as f64) / self.height as f64;
        ((0.0..1.0).contains(&fx) && (0.0..1.0).contains(&fy)).then_some((fx, fy))
    }
}

/// Colours and sizes of a plot: the theme's, scaled for the backend's pixel density.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotStyle {
    /// Text and axis colour.
    pub foreground: RGBColor,
    /// Background colour.
    pub background: RGBColor,
    /// Device pixels per CSS pixel (devicePixelRatio on a canvas, 1 for SVG).
    pub scale: f64,
    /// Whether the dark theme is active (picks the line palette).
    pub dark: bool,
}

impl PlotStyle {
    /// The style of the light or dark theme at a pixel density.
    pub fn for_theme(dark: bool, scale: f64) -> Self {
        let (foreground, background) = if dark {
            (RGBColor(0xe6, 0xe8, 0xee), RGBColor(0x16, 0x1a, 0x22))
        } else {
            (RGBColor(0x1d, 0x23, 0x2e), RGBColor(0xff, 0xff, 0xff))
        };
        Self {
            foreground,
            background,
            scale: scale.clamp(0.5, 4.0),
            dark,
        }
    }

    /// A length in backend pixels for `css_px` CSS pixels.
    pub fn px(&self, css_px: f64) -> u32 {
        (css_px * self.scale).round().max(1.0) as u32
    }

    /// The text style for labels at `css_px` CSS pixels.
    pub fn text(&self, css_px: f64) -> TextStyle<'static> {
        ("sans-serif", css_px * self.scale)
            .into_font()
            .color(&self.foreground)
    }
}

/// The error type a plot function returns: the backend's error, as text for the UI.
pub type PlotResult<T> = Result<T, String>;

/// A backend's error as the text a plot function returns.
pub fn plot_err<E: std::fmt::Debug>(error: E) -> String {
    format!("drawing failed: {error:?}")
}
