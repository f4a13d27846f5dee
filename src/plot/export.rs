//! Export of plots: PNG from the canvas, SVG from the same draw function on plotters' SVG
//! backend (heatmap cells embedded as one PNG image, not one element per cell).

use super::fast_canvas::Measured;
use super::mask::{look_ahead_hatch, CellMask, HATCH};
use super::{plot_err, PlotRect, PlotResult, PlotStyle};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_svg::SVGBackend;
use wasm_bindgen::JsCast;
use web_sys::{HtmlAnchorElement, HtmlCanvasElement};

/// Renders a plot with `draw` into an SVG document of `size` (CSS pixels). Its text is
/// measured on a scratch canvas ([`Measured`]), not in a styled page element.
pub fn svg_document<T>(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<Measured<SVGBackend<'_>>, Shift>) -> PlotResult<T>,
) -> PlotResult<(String, T)> {
    // A detached canvas: it is never added to the page, it only answers `measureText`.
    let scratch = crate::dom::create::<HtmlCanvasElement>("canvas")
        .ok()
        .and_then(|c| c.get_context("2d").ok().flatten())
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        .ok_or("no canvas to measure the figure's text")?;
    let mut svg = String::new();
    // The backend borrows `svg` mutably; the block ends that borrow before `svg` is returned.
    let drawn = {
        let backend = SVGBackend::with_string(&mut svg, size);
        let root = Measured::new(backend, scratch).into_drawing_area();
        let drawn = draw(&root)?;
        root.present().map_err(plot_err)?;
        drawn
    };
    Ok((svg, drawn))
}

/// Adds an `<image>` (a PNG data URL) covering `rect` as the last element of an SVG document.
///
/// Last, so the cells paint over the axes' background as on the canvas. `pixelated` keeps
/// one matrix value per block of pixels when the figure is scaled. A document without a
/// closing tag is returned unchanged.
pub fn embed_image(svg: &str, rect: PlotRect, png_data_url: &str) -> String {
    let image = format!(
        r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" image-rendering="pixelated" href="{}"/>"#,
        rect.left, rect.top, rect.width, rect.height, png_data_url
    );
    match svg.rfind("</svg>") {
        Some(end) => format!("{}{}\n{}", &svg[..end], image, &svg[end..]),
        None => svg.to_owned(),
    }
}

/// Adds `mask`'s hatch over the cells of a `rows × cols` map in `rect` to an SVG document,
/// as one path before its closing tag (nothing for a map without a mask).
pub fn append_hatch(
    svg: &mut String,
    rect: PlotRect,
    (rows, cols): (usize, usize),
    mask: CellMask,
    style: &PlotStyle,
) {
    if mask == CellMask::None {
        return;
    }
    let lines = look_ahead_hatch(rect, rows, cols, style.px(6.0) as i32);
    let d: String = lines
        .iter()
        .map(|((x0, y0), (x1, y1))| format!("M{x0} {y0}L{x1} {y1}"))
        .collect();
    let [r, g, b] = HATCH;
    let path = format!(
        r#"<path d="{d}" stroke="rgb({r},{g},{b})" stroke-width="{}" fill="none"/>"#,
        style.px(1.0)
    );
    if let Some(end) = svg.rfind("</svg>") {
        svg.insert_str(end, &(path + "\n"));
    }
}

/// The canvas's pixels as a PNG data URL.
pub fn png_data_url(canvas: &HtmlCanvasElement) -> PlotResult<String> {
    canvas.to_data_url_with_type("image/png").map_err(plot_err)
}

/// Offers `url` to the user as a download named `filename`.
///
/// A detached `<a download>` clicked from script: no page navigation, and the file name
/// comes from `filename`, not from the URL.
pub fn download_url(url: &str, filename: &str) -> PlotResult<()> {
    let anchor: HtmlAnchorElement = crate::dom::create("a")?;
    anchor.set_href(url);
    anchor.set_download(filename);
    anchor.click();
    Ok(())
}

/// Offers `text` to the user as a file named `filename` of type `mime`.
pub fn download_text(text: &str, mime: &str, filename: &str) -> PlotResult<()> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(plot_err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(plot_err)?;
    let result = download_url(&url, filename);
    // Revoking at once can cancel the download in some browsers: give it a minute.
    crate::dom::after_ms(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_goes_last_inside_the_svg() {
        let rect = PlotRect {
            left: 1,
            top: 2,
            width: 30,
            height: 40,
        };
        let svg = embed_image(
            "<svg a=\"1\">\n<rect/>\n</svg>\n",
            rect,
            "data:image/png;base64,AA",
        );
        assert!(svg.starts_with(
            "<svg a=\"1\">\n<rect/>\n<image x=\"1\" y=\"2\" width=\"30\" height=\"40\""
        ));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
///
/// RFC 4180 quoting: a quote inside the field is doubled.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The matrix as CSV: a header of column names, then one line per row (its name, then its
/// values). Without labels, rows and columns are named by index.
pub fn matrix_csv(
    matrix: &attnscope_core::Matrix,
    labels: Option<&super::heatmap::AxisLabels>,
) -> String {
    let name = |names: Option<&Vec<String>>, i: usize| {
        names
            .and_then(|n| n.get(i))
            .map_or_else(|| i.to_string(), |n| csv_field(n))
    };
    let mut out = String::new();
    for c in 0..matrix.cols() {
        out.push(',');
        out.push_str(&name(labels.map(|l| &l.cols), c));
    }
    out.push('\n');
    for r in 0..matrix.rows() {
        out.push_str(&name(labels.map(|l| &l.rows), r));
        for v in matrix.row(r) {
            // `{v}` is the shortest text that reads back as the same f32, so nothing is rounded.
            out.push_str(&format!(",{v}"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod csv_tests {
    use super::*;
    use crate::plot::heatmap::AxisLabels;

    #[test]
    fn csv_has_a_header_and_one_line_per_row() {
        let m = attnscope_core::Matrix::from_vec(2, 2, vec![0.25, 0.75, 1.0, 0.0]).unwrap();
        let labels = AxisLabels {
            rows: vec!["el".into(), "co,che".into()],
            cols: vec!["the".into(), "\"car\"".into()],
        };
        assert_eq!(
            matrix_csv(&m, Some(&labels)),
            ",the,\"\"\"car\"\"\"\nel,0.25,0.75\n\"co,che\",1,0\n"
        );
        assert_eq!(matrix_csv(&m, None), ",0,1\n0,0.25,0.75\n1,1,0\n");
    }
}
