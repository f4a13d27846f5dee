//! The look-ahead mask made visible: a decoder's query i may not attend to a key j > i, so
//! those cells of its maps are not weights at all (they are exactly 0 by construction). Every
//! surface draws them the same way: a neutral grey that no viridis value has, crossed by
//! hatch lines (so the mask reads without colour vision), and a "masked" swatch under the
//! colour bar.
//!
//! ```text
//!   key →    j=0 j=1 j=2          the cells with j > i (the strict upper triangle) are
//! query i=0   ■   ▨   ▨           MASKED grey; the hatch lines run inside the triangle
//!       i=1   ■   ■   ▨           A=(left+cw, top), B=(right, top), C=(right, bottom−ch),
//!       i=2   ■   ■   ■           which lies inside the masked cells.
//! ```
//!
//! (A map wider than tall hides a quadrilateral instead; [`look_ahead_hatch`] handles both.)

use crate::{plot_err, PlotRect, PlotResult, PlotStyle};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Which cells of a map are hidden by a mask rather than drawn as values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CellMask {
    /// Every cell is a value.
    #[default]
    None,
    /// The look-ahead (causal) mask: cell (row i, column j) is hidden when j > i.
    LookAhead,
}

impl CellMask {
    /// The look-ahead mask when `causal`, else none.
    pub fn of(causal: bool) -> Self {
        if causal {
            CellMask::LookAhead
        } else {
            CellMask::None
        }
    }

    /// Whether cell (`row`, `col`) is hidden.
    #[inline]
    pub fn hides(self, row: usize, col: usize) -> bool {
        matches!(self, CellMask::LookAhead) && col > row
    }
}

/// The fill of a masked cell: a mid grey, apart from every viridis colour (each of which is
/// saturated), the same in both themes.
pub const MASKED: [u8; 3] = [158, 158, 158];

/// The hatch lines over masked cells: a darker grey.
pub const HATCH: [u8; 3] = [96, 96, 96];

/// Hatch lines ("/" at 45°), `spacing` pixels apart, inside the triangle of a `rows × cols`
/// map's masked cells drawn in `rect`; each as its two end points. Empty below two rows or
/// two columns (a causal map is square, and a 1 × 1 one has no masked cell).
pub fn look_ahead_hatch(
    rect: PlotRect,
    rows: usize,
    cols: usize,
    spacing: i32,
) -> Vec<((i32, i32), (i32, i32))> {
    if rows < 2 || cols < 2 || rect.width <= 0 || rect.height <= 0 {
        return Vec::new();
    }
    let cw = rect.width as f64 / cols as f64;
    let ch = rect.height as f64 / rows as f64;
    let (left, top) = (rect.left as f64, rect.top as f64);
    let (right, bottom) = (left + rect.width as f64, top + rect.height as f64);
    // The inner edge of the masked cells runs from A = (left + cw, top) down one cell per
    // row; where the map has more columns than rows it reaches the bottom before the right
    // edge, and the region is a quadrilateral A, B, C, D rather than a triangle.
    let a = (left + cw, top);
    let b = (right, top);
    let mut corners = vec![a, b];
    if cols > rows + 1 {
        corners.push((right, bottom));
        corners.push((left + (rows as f64 + 1.0) * cw, bottom));
    } else {
        corners.push((right, top + (cols as f64 - 1.0) * ch));
    }
    let edges: Vec<_> = (0..corners.len())
        .map(|i| (corners[i], corners[(i + 1) % corners.len()]))
        .collect();
    let spacing = f64::from(spacing.max(2));
    let sums = corners.iter().map(|p| p.0 + p.1);
    let (first, last) = (
        sums.clone().fold(f64::INFINITY, f64::min),
        sums.fold(f64::NEG_INFINITY, f64::max),
    );
    let mut lines = Vec::new();
    let mut k = first + spacing / 2.0;
    while k < last {
        // Where the line x + y = k crosses the triangle's edges.
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(4);
        for &(p, q) in &edges {
            let (fp, fq) = (p.0 + p.1 - k, q.0 + q.1 - k);
            if fp == fq || fp * fq > 0.0 {
                continue;
            }
            let t = fp / (fp - fq);
            points.push((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)));
        }
        points.sort_by(|u, v| u.0.total_cmp(&v.0));
        if let (Some(&from), Some(&to)) = (points.first(), points.last()) {
            if to.0 - from.0 >= 1.0 {
                let round = |(x, y): (f64, f64)| (x.round() as i32, y.round() as i32);
                lines.push((round(from), round(to)));
            }
        }
        k += spacing;
    }
    lines
}

/// Draws `mask`'s hatch over the cells of a `rows × cols` map already drawn in `rect` (the
/// cells themselves are filled [`MASKED`] by whoever draws them).
pub fn draw_mask_hatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rect: PlotRect,
    (rows, cols): (usize, usize),
    mask: CellMask,
    style: &PlotStyle,
) -> PlotResult<()> {
    if mask == CellMask::None {
        return Ok(());
    }
    let [r, g, b] = HATCH;
    let stroke = RGBColor(r, g, b).stroke_width(style.px(1.0));
    for (from, to) in look_ahead_hatch(rect, rows, cols, style.px(6.0) as i32) {
        root.draw(&PathElement::new(vec![from, to], stroke))
            .map_err(plot_err)?;
    }
    Ok(())
}

/// Draws the legend of `mask` — a hatched grey swatch and the word "masked" — at the bottom
/// of `area` (the colour bar's column, below the bar).
pub fn draw_mask_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mask: CellMask,
    style: &PlotStyle,
) -> PlotResult<()> {
    if mask == CellMask::None {
        return Ok(());
    }
    let (_, height) = area.dim_in_pixel();
    let size = style.px(12.0) as i32;
    let (x, y) = (style.px(6.0) as i32, height as i32 - style.px(26.0) as i32);
    let [r, g, b] = MASKED;
    area.draw(&Rectangle::new(
        [(x, y), (x + size, y + size)],
        RGBColor(r, g, b).filled(),
    ))
    .map_err(plot_err)?;
    let [r, g, b] = HATCH;
    let stroke = RGBColor(r, g, b).stroke_width(style.px(1.0));
    let half = size / 2;
    for (from, to) in [
        ((x, y + half), (x + half, y)),
        ((x, y + size), (x + size, y)),
        ((x + half, y + size), (x + size, y + half)),
    ] {
        area.draw(&PathElement::new(vec![from, to], stroke))
            .map_err(plot_err)?;
    }
    let text = style.text(11.0).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Left,
        plotters::style::text_anchor::VPos::Center,
    ));
    area.draw_text("masked", &text, (x + size + style.px(4.0) as i32, y + half))
        .map_err(plot_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_look_ahead_mask_hides_the_strict_upper_triangle() {
        let mask = CellMask::LookAhead;
        assert!(!mask.hides(0, 0) && mask.hides(0, 1) && !mask.hides(3, 2) && mask.hides(2, 3));
        assert!(!CellMask::None.hides(0, 5));
        assert_eq!(CellMask::of(true), mask);
    }

    #[test]
    fn hatch_lines_stay_inside_masked_cells() {
        for (rows, cols, width, height) in [(8, 8, 400, 300), (33, 33, 123, 457), (5, 9, 90, 50)] {
            let rect = PlotRect {
                left: 17,
                top: 9,
                width,
                height,
            };
            let lines = look_ahead_hatch(rect, rows, cols, 6);
            assert!(lines.len() > 3, "{rows}×{cols}: {} lines", lines.len());
            let cell = |(x, y): (i32, i32)| {
                let col = ((x - rect.left) as f64 / (width as f64 / cols as f64)).floor() as usize;
                let row = ((y - rect.top) as f64 / (height as f64 / rows as f64)).floor() as usize;
                (row.min(rows - 1), col.min(cols - 1))
            };
            for (from, to) in lines {
                for t in 0..=10 {
                    let at = (
                        from.0 + (to.0 - from.0) * t / 10,
                        from.1 + (to.1 - from.1) * t / 10,
                    );
                    // Rounding may put an end on the boundary pixel: one pixel of slack.
                    let (row, col) = cell(at);
                    let (row_in, col_in) = cell((at.0 + 1, at.1 - 1));
                    assert!(
                        col > row || col_in > row_in,
                        "{rows}×{cols}: {at:?} is cell ({row}, {col})"
                    );
                }
            }
        }
    }

    #[test]
    fn a_single_token_has_nothing_to_hatch() {
        let rect = PlotRect {
            left: 0,
            top: 0,
            width: 100,
            height: 100,
        };
        assert!(look_ahead_hatch(rect, 1, 1, 6).is_empty());
    }
}
