//! Reusable yew components: controls and plot widgets that views compose.

pub mod curves_plot;
pub mod export_buttons;
pub mod figure_plot;
pub mod head_grid;
pub mod head_lines;
pub mod heatmap_plot;
pub mod live_text;
pub mod load_status;
pub mod model_loader;
pub mod notices;
pub mod number_field;
pub mod pooling_view;
pub mod probability_bars;
pub mod token_chips;
pub mod transformer_views;
pub mod value_table;

use yew::prelude::*;

/// What every plot needs from the page: the theme and a counter bumped on resize.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UiContext {
    /// Whether the dark theme is active.
    pub dark: bool,
    /// Bumped when the window is resized, so canvases re-measure.
    pub layout_generation: u32,
    /// Presenter mode: plots draw their text and lines larger.
    pub present: bool,
}

impl UiContext {
    /// The plot style on screen: the theme's colours at `device_scale` device pixels per CSS
    /// pixel, and half as large again in presenter mode (labels readable on a projector).
    pub fn plot_style(&self, device_scale: f64) -> crate::plot::PlotStyle {
        let factor = if self.present { 1.5 } else { 1.0 };
        crate::plot::PlotStyle::for_theme(self.dark, device_scale * factor)
    }
}

/// The page's [`UiContext`] (a light, un-resized page outside a provider).
#[hook]
pub fn use_ui() -> UiContext {
    use_context::<UiContext>().unwrap_or(UiContext {
        dark: false,
        layout_generation: 0,
        present: false,
    })
}

/// A keyboard cursor step from a key: (row delta, column delta), `None` for other keys.
/// Shift moves ten cells at a time.
pub fn arrow_step(event: &KeyboardEvent) -> Option<(i64, i64)> {
    let big = if event.shift_key() { 10 } else { 1 };
    match event.key().as_str() {
        "ArrowUp" => Some((-big, 0)),
        "ArrowDown" => Some((big, 0)),
        "ArrowLeft" => Some((0, -big)),
        "ArrowRight" => Some((0, big)),
        _ => None,
    }
}

/// `value + delta`, kept inside `0..len`.
pub fn clamp_step(value: usize, delta: i64, len: usize) -> usize {
    (value as i64 + delta).clamp(0, len.saturating_sub(1) as i64) as usize
}
