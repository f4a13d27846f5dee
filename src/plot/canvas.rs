//! Canvas plumbing: HiDPI sizing, the plotters canvas backend, and image-data cell blits.

use super::colormap::{fill_rgba, mask_rgba};
use super::fast_canvas::FastCanvas;
use super::mask::{draw_mask_hatch, CellMask};
use super::{plot_err, PlotRect, PlotResult, PlotStyle};
use attnscope_core::Matrix;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Sizes a canvas's backing store to its CSS width × `css_height`, times devicePixelRatio,
/// so plots stay crisp on HiDPI screens. Returns the scale (device pixels per CSS pixel).
/// The backing store is only reallocated when its size changes.
///
/// `known_width` is the canvas's CSS width when the caller has it (a ResizeObserver's, see
/// `hooks::width::use_css_width`); without it `clientWidth` is read, which forces a layout of
/// whatever the render before the draw changed (~1.6 ms a keystroke on `#/translate`).
pub fn fit_to_css_box(
    canvas: &HtmlCanvasElement,
    css_height: f64,
    known_width: Option<u32>,
) -> f64 {
    let ratio = device_ratio();
    let style = canvas.style();
    let height = format!("{css_height}px");
    // Style and size are written only when they differ: setting a canvas's width or height
    // clears it and reallocates its backing store, even to the same value.
    if style.get_property_value("height").ok().as_deref() != Some(height.as_str()) {
        let _ = style.set_property("height", &height);
    }
    let css_width = f64::from(
        known_width
            .filter(|&w| w > 0)
            .map_or_else(|| canvas.client_width(), |w| w as i32)
            // At least 120 CSS px: a canvas not laid out yet (hidden) reports 0, and a plot
            // needs some room for its axes.
            .max(120),
    );
    let (width, height) = (
        (css_width * ratio).round() as u32,
        (css_height * ratio).round() as u32,
    );
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    ratio
}

/// Device pixels per CSS pixel, clamped to 1–4 (a zoomed-out page reports less than 1, and a
/// backing store above 4× only costs memory).
pub fn device_ratio() -> f64 {
    web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 4.0)
}

/// The plotters drawing area over a whole canvas.
pub fn drawing_area(canvas: &HtmlCanvasElement) -> PlotResult<DrawingArea<FastCanvas, Shift>> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "the canvas has no 2D context".to_owned())?;
    Ok(FastCanvas::new(backend, context_2d(canvas)?).into_drawing_area())
}

/// The canvas's 2D context (the browser returns the same one on every call), or why not.
fn context_2d(canvas: &HtmlCanvasElement) -> PlotResult<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .map_err(plot_err)?
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| "the canvas has no 2D context".to_owned())
}

/// A canvas that is not on the page, `width × height` device pixels (an export draws into it).
pub fn detached_canvas(width: u32, height: u32) -> PlotResult<HtmlCanvasElement> {
    let canvas: HtmlCanvasElement = crate::dom::create("canvas")?;
    canvas.set_width(width);
    canvas.set_height(height);
    Ok(canvas)
}

/// A canvas of `cols × rows` pixels holding one pixel per matrix cell, coloured on `range`
/// (the cells `mask` hides in grey).
pub fn cells_canvas(
    matrix: &Matrix,
    (low, high): (f32, f32),
    mask: CellMask,
) -> PlotResult<HtmlCanvasElement> {
    // Sized by `paint_cells`, which sets `cols × rows`.
    let canvas = detached_canvas(1, 1)?;
    paint_cells(&canvas, matrix, (low, high), mask)?;
    Ok(canvas)
}

/// Makes `canvas` `cols × rows` pixels and paints one pixel per matrix cell, coloured on
/// `range` (CSS scales it; `image-rendering: pixelated` keeps the cells sharp); the cells
/// `mask` hides are grey.
pub fn paint_cells(
    canvas: &HtmlCanvasElement,
    matrix: &Matrix,
    (low, high): (f32, f32),
    mask: CellMask,
) -> PlotResult<()> {
    let (cols, rows) = (matrix.cols() as u32, matrix.rows() as u32);
    // Setting a canvas's size reallocates and clears it even when unchanged.
    if canvas.width() != cols.max(1) {
        canvas.set_width(cols.max(1));
    }
    if canvas.height() != rows.max(1) {
        canvas.set_height(rows.max(1));
    }
    // An empty matrix leaves a blank 1 × 1 canvas: `ImageData` refuses a zero size.
    if cols == 0 || rows == 0 {
        return Ok(());
    }
    let mut rgba = Vec::new();
    fill_rgba(matrix.as_slice(), low, high, &mut rgba);
    mask_rgba(&mut rgba, matrix.cols(), mask);
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), cols, rows)
        .map_err(plot_err)?;
    context_2d(canvas)?
        .put_image_data(&image, 0.0, 0.0)
        .map_err(plot_err)
}

/// The 2D context of a canvas, sized to its CSS width × `css_height` (HiDPI; `known_width` as
/// in [`fit_to_css_box`]), for views that draw directly rather than through plotters. Returns
/// the context and the scale.
pub fn context_for_css_box(
    canvas: &HtmlCanvasElement,
    css_height: f64,
    known_width: Option<u32>,
) -> PlotResult<(CanvasRenderingContext2d, f64)> {
    let scale = fit_to_css_box(canvas, css_height, known_width);
    Ok((context_2d(canvas)?, scale))
}

/// Paints the cells of `matrix` into `rect` of `canvas`, nearest-neighbour scaled, so every
/// cell has exactly its colour whatever the zoom; the cells `mask` hides are grey and hatched
/// (at `style`'s pixel density).
pub fn blit_cells(
    canvas: &HtmlCanvasElement,
    matrix: &Matrix,
    range: (f32, f32),
    rect: PlotRect,
    (mask, style): (CellMask, &PlotStyle),
) -> PlotResult<()> {
    // A fresh one-pixel-per-cell canvas on every call, scaled into `rect` below.
    let cells = cells_canvas(matrix, range, mask)?;
    let context = context_2d(canvas)?;
    // Else the browser interpolates between cells as it scales up, blurring their edges.
    context.set_image_smoothing_enabled(false);
    context
        .draw_image_with_html_canvas_element_and_dw_and_dh(
            &cells,
            rect.left as f64,
            rect.top as f64,
            rect.width as f64,
            rect.height as f64,
        )
        .map_err(plot_err)?;
    if mask == CellMask::None {
        return Ok(());
    }
    let size = (matrix.rows(), matrix.cols());
    draw_mask_hatch(&drawing_area(canvas)?, rect, size, mask, style)
}

/// Writes where the data area is (device pixels) onto the canvas as data attributes, so
/// tests and tools can find the pixel of a given cell.
pub fn publish_rect(canvas: &HtmlCanvasElement, rect: PlotRect) {
    for (name, value) in [
        ("data-plot-left", rect.left),
        ("data-plot-top", rect.top),
        ("data-plot-width", rect.width),
        ("data-plot-height", rect.height),
    ] {
        let _ = canvas.set_attribute(name, &value.to_string());
    }
}
