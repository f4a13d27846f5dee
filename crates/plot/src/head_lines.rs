//! The head view (after BertViz): each token on the left joined to each token on the right by
//! a line whose opacity is the attention weight, one colour per head of a layer. The layout
//! and the choice of lines live here once; the app strokes them on a canvas (a path per
//! opacity level), [`draw_head_lines`] on any plotters backend.

use crate::colormap::line_palette;
use crate::heatmap::label_stride;
use crate::{plot_err, PlotResult, PlotStyle};
use attnscope_core::trace::SelfAttention;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Height of one token row, CSS px.
pub const ROW: f64 = 18.0;
/// Tallest the view grows (CSS px): long inputs get thinner rows and thinned labels, so the
/// canvas stays cheap to rasterise on every keystroke.
pub const MAX_HEIGHT: f64 = 640.0;
/// Weights below this are not drawn (they would be invisible).
pub const FAINTEST: f32 = 0.01;
/// Each token draws its lines to at most this many keys (its strongest): at T = 128 every
/// line would be 65,536 per head, and even 8 per token (4,096 antialiased lines) took
/// Chromium's software rasteriser 125 ms a frame.
pub const MAX_LINES_PER_TOKEN: usize = 4;
/// Line opacities are drawn in this many steps (one canvas path each).
pub const OPACITY_LEVELS: usize = 16;

/// Height of one token row for `t` tokens, CSS px.
pub fn row_height(t: usize) -> f64 {
    (MAX_HEIGHT / (t as f64 + 2.0)).clamp(4.0, ROW)
}

/// Height of the whole view for `t` tokens, CSS px.
pub fn view_height(t: usize) -> f64 {
    let row = row_height(t);
    (t as f64 * row + 2.0 * row).max(3.0 * ROW)
}

/// The vertical centre of token row `i`, CSS px.
pub fn row_y(t: usize, i: usize) -> f64 {
    row_height(t) * (i as f64 + 1.5)
}

/// The positions of the `k` largest weights of `row` that reach [`FAINTEST`].
pub fn strongest(row: &[f32], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..row.len()).filter(|&j| row[j] >= FAINTEST).collect();
    if order.len() > k {
        order.select_nth_unstable_by(k - 1, |&a, &b| row[b].total_cmp(&row[a]));
        order.truncate(k);
    }
    order
}

/// One line: from query `from` to key `to`, at opacity level `level` (1..=[`OPACITY_LEVELS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// The query token (left).
    pub from: usize,
    /// The key token (right).
    pub to: usize,
    /// The opacity step.
    pub level: usize,
}

/// The lines of one head's `t × t` map, all queries or only `only`'s.
pub fn lines(map: &[f32], t: usize, only: Option<usize>) -> Vec<Line> {
    let mut out = Vec::new();
    for i in (0..t).filter(|&i| only.is_none_or(|k| k == i)) {
        let row = &map[i * t..(i + 1) * t];
        for j in strongest(row, MAX_LINES_PER_TOKEN) {
            let level = ((row[j].min(1.0) * OPACITY_LEVELS as f32).ceil() as usize)
                .clamp(1, OPACITY_LEVELS);
            out.push(Line {
                from: i,
                to: j,
                level,
            });
        }
    }
    out
}

/// Draws the head view of `layer` (every head) with the tokens' names on both sides.
pub fn draw_head_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    attention: &SelfAttention,
    layer: usize,
    tokens: &[String],
    style: &PlotStyle,
) -> PlotResult<()> {
    root.fill(&style.background).map_err(plot_err)?;
    let (w, _) = root.dim_in_pixel();
    let t = attention.len;
    let s = style.scale;
    let text_w = (w as f64 * 0.28).min(140.0 * s);
    let (left, right) = (text_w, w as f64 - text_w);
    let (x0, x1) = ((left + 6.0 * s) as i32, (right - 6.0 * s) as i32);
    let y = |i: usize| (row_y(t, i) * s) as i32;
    if layer < attention.layers {
        let palette = line_palette(style.dark);
        for head in 0..attention.heads {
            let color = palette[head % palette.len()];
            for line in lines(attention.map(layer, head), t, None) {
                let alpha = line.level as f64 / OPACITY_LEVELS as f64;
                let stroke = color.mix(alpha).stroke_width(style.px(2.0));
                root.draw(&PathElement::new(
                    vec![(x0, y(line.from)), (x1, y(line.to))],
                    stroke,
                ))
                .map_err(plot_err)?;
            }
        }
    }
    let every = label_stride(row_height(t), 14.0);
    let font = style.text(13.0);
    for (i, token) in tokens.iter().enumerate().step_by(every) {
        let at_left = font.pos(Pos::new(HPos::Right, VPos::Center));
        root.draw_text(token, &at_left, (left as i32, y(i)))
            .map_err(plot_err)?;
        let at_right = font.pos(Pos::new(HPos::Left, VPos::Center));
        root.draw_text(token, &at_right, (right as i32, y(i)))
            .map_err(plot_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strongest_keeps_the_largest_visible_weights() {
        let row = [0.3, 0.005, 0.2, 0.25, 0.245];
        let mut top = strongest(&row, 3);
        top.sort_unstable();
        assert_eq!(top, vec![0, 3, 4]);
        assert_eq!(strongest(&row, 8).len(), 4);
    }

    #[test]
    fn lines_are_the_strongest_keys_with_their_opacity() {
        let map = [0.9, 0.1, 0.5, 0.5];
        let lines = lines(&map, 2, Some(1));
        assert_eq!(lines.len(), 2);
        assert!(lines
            .iter()
            .all(|l| l.from == 1 && l.level == OPACITY_LEVELS / 2));
    }
}
