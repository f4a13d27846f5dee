//! Plots: the pure draw functions of `attnscope-plot` (shared with the command line's
//! figures), and what only a browser page needs — the canvas backend, fast cell blitting and
//! downloads.

pub use attnscope_plot::{
    cells, colormap, curves, grid, head_lines, heatmap, mask, plot_err, pooling, PlotRect,
    PlotResult, PlotStyle,
};

pub mod canvas;
pub mod export;
pub mod fast_canvas;
