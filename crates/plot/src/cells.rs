//! A matrix's cells as filled rectangles: the cells of a static figure (SVG, PNG). The app's
//! canvases blit the same colours as image data instead (`colormap::fill_rgba`).

use crate::colormap::color_for;
use crate::mask::{CellMask, MASKED};
use crate::{plot_err, PlotRect, PlotResult};
use attnscope_core::Matrix;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The pixel edge of cell boundary `i` of `n` across a span starting at `start`, `len` long.
fn edge(start: i32, len: i32, i: usize, n: usize) -> i32 {
    start + (len as i64 * i as i64 / n.max(1) as i64) as i32
}

/// Fills the data area `rect` of `root` with `matrix`'s cells, row 0 at the top, coloured by
/// viridis over `range`; the cells `mask` hides are [`MASKED`] grey.
pub fn draw_cells<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    matrix: &Matrix,
    (low, high): (f32, f32),
    rect: PlotRect,
    mask: CellMask,
) -> PlotResult<()> {
    let (rows, cols) = (matrix.rows(), matrix.cols());
    for r in 0..rows {
        let (y0, y1) = (
            edge(rect.top, rect.height, r, rows),
            edge(rect.top, rect.height, r + 1, rows),
        );
        for c in 0..cols {
            let (x0, x1) = (
                edge(rect.left, rect.width, c, cols),
                edge(rect.left, rect.width, c + 1, cols),
            );
            let [red, green, blue] = if mask.hides(r, c) {
                MASKED
            } else {
                color_for(matrix.get(r, c).unwrap_or(0.0), low, high)
            };
            root.draw(&Rectangle::new(
                [(x0, y0), (x1, y1)],
                RGBColor(red, green, blue).filled(),
            ))
            .map_err(plot_err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn edges_tile_the_span_exactly() {
        let edges: Vec<i32> = (0..=3).map(|i| super::edge(10, 100, i, 3)).collect();
        assert_eq!(edges, vec![10, 43, 76, 110]);
    }
}
