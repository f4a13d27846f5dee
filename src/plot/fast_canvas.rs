//! A plotters backend that measures text with a canvas's own `measureText`.
//!
//! plotters' web font code measures each label by appending a `<span>` with a `style`
//! attribute to `<body>` and reading its size: that forces a layout of the whole page per
//! label (about a dozen per plot), and a strict style-src (the app's, a host page's) refuses
//! the attribute. Drawing is delegated to the wrapped backend: plotters-canvas on screen,
//! plotters-svg for an SVG export (measured on a scratch canvas).

use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use web_sys::CanvasRenderingContext2d;

/// A backend `B` with fast, layout-free text measurement by a canvas 2D context.
pub struct Measured<B> {
    /// The backend that draws.
    inner: B,
    /// The 2D context that fonts are set on and text measured with.
    context: CanvasRenderingContext2d,
}

/// plotters-canvas, measuring text on its own canvas.
pub type FastCanvas = Measured<CanvasBackend>;

impl<B> Measured<B> {
    /// Wraps a backend and the 2D context that measures its text (the same canvas's, or a
    /// scratch canvas for a backend that has none).
    pub fn new(inner: B, context: CanvasRenderingContext2d) -> Self {
        Self { inner, context }
    }
}

/// What a drawing call of the wrapped backend `B` returns.
type CanvasResult<B> = Result<(), DrawingErrorKind<<B as DrawingBackend>::ErrorType>>;

/// Every call but `estimate_text_size` goes straight to the wrapped backend.
impl<B: DrawingBackend> DrawingBackend for Measured<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> CanvasResult<B> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> CanvasResult<B> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> CanvasResult<B> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> CanvasResult<B> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> CanvasResult<B> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> CanvasResult<B> {
        self.inner.draw_path(path, style)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> CanvasResult<B> {
        self.inner.fill_polygon(vertices, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> CanvasResult<B> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> CanvasResult<B> {
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let size = style.size();
        // The same CSS font plotters-canvas draws with (style, px size, family), so the width
        // measured is the width drawn. The font stays set: each `draw_text` sets its own.
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            size,
            style.family().as_str()
        ));
        let width = self
            .context
            .measure_text(text)
            .map(|m| m.width())
            // Where `measureText` fails, 0.6 em a character, a rough average for Latin text.
            .unwrap_or(size * 0.6 * text.chars().count() as f64);
        // Rounded up, so a label never gets less room than it takes; the height is the size.
        Ok((width.ceil() as u32, size.ceil() as u32))
    }
}
