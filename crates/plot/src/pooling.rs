//! Bar figures: the BiLSTM's attention pooling (one row per token, a bar as long as its
//! weight relative to the largest, and the weight; the app shows the same as text and a
//! table) and a decoder's next-token candidates.

use crate::{plot_err, PlotResult, PlotStyle};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Height of one token's row, CSS px.
pub const ROW: f64 = 22.0;

/// The height a pooling figure of `t` tokens needs, CSS px.
pub fn figure_height(t: usize) -> f64 {
    (t as f64 + 2.0) * ROW
}

/// Draws one bar per token with its name and weight; the bars are shaded by the weight.
pub fn draw_pooling<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    tokens: &[String],
    weights: &[f32],
    style: &PlotStyle,
) -> PlotResult<()> {
    draw_bars(
        root,
        "Attention pooling weight per token",
        tokens,
        weights,
        style,
    )
}

/// Draws `header`, then one bar per label with its value, as long as the value relative to
/// the largest and shaded by it (the pooling weights, a decoder's next tokens).
pub fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    header: &str,
    tokens: &[String],
    weights: &[f32],
    style: &PlotStyle,
) -> PlotResult<()> {
    root.fill(&style.background).map_err(plot_err)?;
    let (w, _) = root.dim_in_pixel();
    let s = style.scale;
    let max = weights.iter().copied().fold(0.0f32, f32::max);
    let label_w = (140.0 * s) as i32;
    let value_w = (70.0 * s) as i32;
    let bar_span = (w as i32 - label_w - value_w - (24.0 * s) as i32).max(1);
    let header_style = style.text(13.0).pos(Pos::new(HPos::Left, VPos::Center));
    root.draw_text(
        header,
        &header_style,
        ((8.0 * s) as i32, (ROW * 0.5 * s) as i32),
    )
    .map_err(plot_err)?;
    let palette = crate::colormap::line_palette(style.dark);
    for (i, (token, &weight)) in tokens.iter().zip(weights).enumerate() {
        let y = ((i as f64 + 1.5) * ROW * s) as i32;
        let name = style.text(13.0).pos(Pos::new(HPos::Right, VPos::Center));
        root.draw_text(token, &name, (label_w, y))
            .map_err(plot_err)?;
        let share = if max > 0.0 {
            f64::from(weight / max)
        } else {
            0.0
        };
        let x0 = label_w + (8.0 * s) as i32;
        let x1 = x0 + (share * bar_span as f64).round().max(1.0) as i32;
        let half = (ROW * 0.3 * s) as i32;
        let fill = palette[0].mix(0.35 + 0.65 * share).filled();
        root.draw(&Rectangle::new([(x0, y - half), (x1, y + half)], fill))
            .map_err(plot_err)?;
        let value = style.text(12.0).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw_text(&format!("{weight:.3}"), &value, (x1 + (6.0 * s) as i32, y))
            .map_err(plot_err)?;
    }
    Ok(())
}
