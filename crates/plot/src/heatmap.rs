//! A matrix heatmap: rows top to bottom, columns left to right, with a colour bar.

use super::{plot_err, PlotRect, PlotResult, PlotStyle};
use crate::mask::{draw_mask_legend, CellMask};
use attnscope_core::Matrix;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What a heatmap shows.
#[derive(Debug, Clone, Copy)]
pub struct HeatmapSpec<'a> {
    /// The values; row `r` is drawn `r` cells from the top.
    pub matrix: &'a Matrix,
    /// The values mapped to the two ends of the colour scale.
    pub range: (f32, f32),
    /// Caption of the horizontal (column) axis.
    pub x_label: &'a str,
    /// Caption of the vertical (row) axis.
    pub y_label: &'a str,
    /// Names of the rows and columns (tokens), drawn instead of indices and thinned to fit.
    pub labels: Option<&'a AxisLabels>,
    /// The cells hidden by a mask: the frame draws its legend under the colour bar.
    pub mask: CellMask,
}

/// Names of a heatmap's rows and columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AxisLabels {
    /// One name per row, top to bottom.
    pub rows: Vec<String>,
    /// One name per column, left to right.
    pub cols: Vec<String>,
}

/// Every how many labels one is drawn, so labels `label_px` apart fit cells `cell_px` apart.
pub fn label_stride(cell_px: f64, label_px: f64) -> usize {
    if cell_px <= 0.0 {
        return usize::MAX;
    }
    (label_px / cell_px).ceil().max(1.0) as usize
}

/// A label cut to `max_chars` characters with an ellipsis.
fn clip_label(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_owned()
    } else {
        let mut clipped: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        clipped.push('…');
        clipped
    }
}

/// Draws token names beside the rows and under the columns of the data area `rect`.
fn draw_axis_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    labels: &AxisLabels,
    rect: PlotRect,
    style: &PlotStyle,
) -> PlotResult<()> {
    let font = style.text(12.0);
    let line = style.px(14.0) as f64;
    let (rows, cols) = (labels.rows.len(), labels.cols.len());
    if rows > 0 {
        let cell = rect.height as f64 / rows as f64;
        let stride = label_stride(cell, line);
        for (i, name) in labels.rows.iter().enumerate().step_by(stride) {
            let y = rect.top as f64 + (i as f64 + 0.5) * cell;
            let pos = (rect.left - style.px(4.0) as i32, y.round() as i32);
            let anchored = font.pos(Pos::new(HPos::Right, VPos::Center));
            root.draw_text(&clip_label(name, 12), &anchored, pos)
                .map_err(plot_err)?;
        }
    }
    if cols > 0 {
        let cell = rect.width as f64 / cols as f64;
        let stride = label_stride(cell, line);
        let rotated = font
            .transform(FontTransform::Rotate90)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (i, name) in labels.cols.iter().enumerate().step_by(stride) {
            let x = rect.left as f64 + (i as f64 + 0.5) * cell;
            let pos = (
                x.round() as i32,
                rect.top + rect.height + style.px(6.0) as i32,
            );
            root.draw_text(&clip_label(name, 12), &rotated, pos)
                .map_err(plot_err)?;
        }
    }
    Ok(())
}

/// Number of steps in the drawn colour bar.
const COLORBAR_STEPS: usize = 96;

/// Draws axes, labels and the colour bar of a heatmap and returns the data area, into which
/// the caller draws the cells (a canvas blits image data; [`crate::cells::draw_cells`] draws them
/// anywhere).
pub fn draw_heatmap_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &HeatmapSpec<'_>,
    style: &PlotStyle,
) -> PlotResult<PlotRect> {
    root.fill(&style.background).map_err(plot_err)?;
    let (width, _) = root.dim_in_pixel();
    let bar_width = style.px(78.0).min(width / 3);
    let (main, bar) = root.split_horizontally(width.saturating_sub(bar_width));
    let rows = spec.matrix.rows() as f64;
    let cols = spec.matrix.cols() as f64;
    let (x_area, y_area, ticks) = match spec.labels {
        Some(_) => (style.px(96.0), style.px(104.0), 0),
        None => (style.px(38.0), style.px(50.0), 6),
    };
    let mut chart = ChartBuilder::on(&main)
        .margin_top(style.px(8.0))
        .margin_right(style.px(8.0))
        .margin_left(style.px(10.0))
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        // Rows grow downwards: the y axis runs over −rows..0 and its labels drop the sign.
        .build_cartesian_2d(0.0..cols, -rows..0.0)
        .map_err(plot_err)?;
    let integer = |v: &f64| format!("{}", v.abs().round() as i64);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(spec.x_label)
        .y_desc(spec.y_label)
        .x_labels(ticks)
        .y_labels(ticks)
        .x_label_formatter(&integer)
        .y_label_formatter(&integer)
        .label_style(style.text(12.0))
        .axis_desc_style(style.text(13.0))
        .axis_style(style.foreground.stroke_width(style.px(1.0)))
        .draw()
        .map_err(plot_err)?;
    let rect = PlotRect::from_ranges(chart.plotting_area().get_pixel_range());
    if let Some(labels) = spec.labels {
        draw_axis_labels(&main, labels, rect, style)?;
    }
    draw_colorbar(&bar, spec.range, style)?;
    draw_mask_legend(&bar, spec.mask, style)?;
    Ok(rect)
}

/// A vertical colour bar from `low` (bottom) to `high` (top) with value labels.
fn draw_colorbar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (low, high): (f32, f32),
    style: &PlotStyle,
) -> PlotResult<()> {
    let (low, high) = (low as f64, high as f64);
    let high = if high > low { high } else { low + 1.0 };
    let mut chart = ChartBuilder::on(area)
        .margin_top(style.px(8.0))
        .margin_bottom(style.px(38.0))
        .margin_left(style.px(6.0))
        .y_label_area_size(0)
        .right_y_label_area_size(style.px(44.0))
        .build_cartesian_2d(0.0..1.0, low..high)
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(5)
        .y_label_formatter(&|v| format!("{v:.2}"))
        .label_style(style.text(11.0))
        .axis_style(style.foreground.stroke_width(style.px(1.0)))
        .draw()
        .map_err(plot_err)?;
    let step = (high - low) / COLORBAR_STEPS as f64;
    chart
        .draw_series((0..COLORBAR_STEPS).map(|i| {
            let [r, g, b] = super::colormap::viridis((i as f32 + 0.5) / COLORBAR_STEPS as f32);
            let y0 = low + step * i as f64;
            Rectangle::new([(0.0, y0), (1.0, y0 + step)], RGBColor(r, g, b).filled())
        }))
        .map_err(plot_err)?;
    Ok(())
}

/// The (row, column) of the cell under a point of the data area, given as fractions 0..1.
pub fn cell_at(matrix: &Matrix, (fx, fy): (f64, f64)) -> Option<(usize, usize)> {
    let row = (fy * matrix.rows() as f64).floor() as usize;
    let col = (fx * matrix.cols() as f64).floor() as usize;
    (row < matrix.rows() && col < matrix.cols()).then_some((row, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_thin_to_fit() {
        assert_eq!(label_stride(20.0, 14.0), 1);
        assert_eq!(label_stride(14.0, 14.0), 1);
        assert_eq!(label_stride(3.5, 14.0), 4);
        assert_eq!(label_stride(0.0, 14.0), usize::MAX);
        assert_eq!(clip_label("extraordinarily", 6), "extra…");
        assert_eq!(clip_label("ok", 6), "ok");
    }
}
