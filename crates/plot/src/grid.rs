//! The model view as a static figure: every head's map in a layer × head grid, heads that are
//! switched off marked. (The app draws the same maps into a grid of buttons.)

use crate::cells::draw_cells;
use crate::mask::CellMask;
use crate::{plot_err, PlotRect, PlotResult, PlotStyle};
use attnscope_core::trace::SelfAttention;
use attnscope_core::Matrix;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Draws every map of `attention`, rows = layers, columns = heads, each titled `L1 H1`.
pub fn draw_head_grid<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    attention: &SelfAttention,
    heads_off: &[(usize, usize)],
    style: &PlotStyle,
) -> PlotResult<()> {
    root.fill(&style.background).map_err(plot_err)?;
    let (layers, heads, t) = (attention.layers, attention.heads, attention.len);
    if layers == 0 || heads == 0 {
        return Ok(());
    }
    let cells = root.split_evenly((layers, heads));
    let title = style.text(12.0).pos(Pos::new(HPos::Center, VPos::Top));
    let pad = style.px(4.0) as i32;
    let title_h = style.px(18.0) as i32;
    for (index, area) in cells.iter().enumerate() {
        let (l, h) = (index / heads, index % heads);
        let (w, hgt) = area.dim_in_pixel();
        let side = (w as i32 - 2 * pad)
            .min(hgt as i32 - title_h - 2 * pad)
            .max(1);
        let left = (w as i32 - side) / 2;
        let off = heads_off.contains(&(l, h));
        let name = format!("L{} H{}{}", l + 1, h + 1, if off { " (off)" } else { "" });
        area.draw_text(&name, &title, (w as i32 / 2, pad))
            .map_err(plot_err)?;
        let map = Matrix::from_vec(t, t, attention.map(l, h).to_vec())
            .unwrap_or_else(|| Matrix::zeros(0, 0));
        let rect = PlotRect {
            left,
            top: title_h + pad,
            width: side,
            height: side,
        };
        draw_cells(area, &map, (0.0, 1.0), rect, CellMask::of(attention.causal))?;
        if off {
            let cross = style.foreground.stroke_width(style.px(2.0));
            let (x0, y0, x1, y1) = (rect.left, rect.top, rect.left + side, rect.top + side);
            area.draw(&PathElement::new(vec![(x0, y0), (x1, y1)], cross))
                .map_err(plot_err)?;
            area.draw(&PathElement::new(vec![(x0, y1), (x1, y0)], cross))
                .map_err(plot_err)?;
        }
    }
    Ok(())
}
