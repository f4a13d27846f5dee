//! The plot functions draw into real canvases in headless Chromium; pixels are read back.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p attnscope --test plot_canvas`
//! (scripts/test.sh does; it needs CHROMEDRIVER and webdriver.json's flags).
#![cfg(target_arch = "wasm32")]

use attnscope::plot::canvas::{blit_cells, drawing_area, fit_to_css_box};
use attnscope::plot::colormap::{color_for, line_palette};
use attnscope::plot::curves::{draw_curves, CurvesSpec, Series};
use attnscope::plot::export::{embed_image, svg_document};
use attnscope::plot::heatmap::{draw_heatmap_frame, HeatmapSpec};
use attnscope::plot::mask::{CellMask, MASKED};
use attnscope::plot::{PlotRect, PlotStyle};
use attnscope_core::{positional_encoding, Matrix, PeParams};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn new_canvas(css_width: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas
        .style()
        .set_property("width", &format!("{css_width}px"))
        .unwrap();
    canvas.style().set_property("display", "block").unwrap();
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

fn pixel(canvas: &HtmlCanvasElement, x: f64, y: f64) -> [u8; 4] {
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let data = context
        .get_image_data(x.floor(), y.floor(), 1.0, 1.0)
        .unwrap()
        .data();
    [data[0], data[1], data[2], data[3]]
}

fn cell_centre(rect: PlotRect, matrix: &Matrix, row: usize, col: usize) -> (f64, f64) {
    (
        rect.left as f64 + (col as f64 + 0.5) * rect.width as f64 / matrix.cols() as f64,
        rect.top as f64 + (row as f64 + 0.5) * rect.height as f64 / matrix.rows() as f64,
    )
}

fn draw_heatmap(
    canvas: &HtmlCanvasElement,
    matrix: &Matrix,
    range: (f32, f32),
    dark: bool,
) -> PlotRect {
    draw_masked_heatmap(canvas, matrix, range, (dark, CellMask::None))
}

fn draw_masked_heatmap(
    canvas: &HtmlCanvasElement,
    matrix: &Matrix,
    range: (f32, f32),
    (dark, mask): (bool, CellMask),
) -> PlotRect {
    let scale = fit_to_css_box(canvas, 320.0, None);
    let style = PlotStyle::for_theme(dark, scale);
    let spec = HeatmapSpec {
        matrix,
        range,
        x_label: "dimension",
        y_label: "position",
        labels: None,
        mask,
    };
    let rect = draw_heatmap_frame(&drawing_area(canvas).unwrap(), &spec, &style).unwrap();
    blit_cells(canvas, matrix, range, rect, (mask, &style)).unwrap();
    rect
}

#[wasm_bindgen_test]
fn the_look_ahead_mask_is_grey_and_hatched_and_the_rest_keeps_its_values() {
    // A causal map: row i spreads its weight over keys 0..=i.
    let t = 12;
    let data = (0..t * t)
        .map(|k| {
            let (i, j) = (k / t, k % t);
            if j <= i {
                1.0 / (i + 1) as f32
            } else {
                0.0
            }
        })
        .collect();
    let map = Matrix::from_vec(t, t, data).unwrap();
    let canvas = new_canvas(480);
    let rect = draw_masked_heatmap(&canvas, &map, (0.0, 1.0), (false, CellMask::LookAhead));
    let mut grey = 0;
    for i in 0..t {
        for j in 0..t {
            let (x, y) = cell_centre(rect, &map, i, j);
            let [r, g, b, _] = pixel(&canvas, x, y);
            if j > i {
                // The fill, the hatch or their blend: always a neutral grey.
                assert!(r == g && g == b, "masked cell ({i}, {j}): {r} {g} {b}");
                grey += usize::from(r == MASKED[0]);
            } else {
                let want = color_for(map.get(i, j).unwrap(), 0.0, 1.0);
                assert_eq!([r, g, b], want, "cell ({i}, {j})");
            }
        }
    }
    assert!(grey > 0, "some masked centres show the plain fill");
    // Across the masked part of the first row the hatch lines cross, darker than the fill.
    let (x0, y) = cell_centre(rect, &map, 0, 2);
    let x1 = f64::from(rect.left + rect.width) - 2.0;
    let crossed = (0..((x1 - x0) as usize))
        .map(|dx| pixel(&canvas, x0 + dx as f64, y))
        .filter(|[r, g, b, _]| r == g && g == b && *r < MASKED[0] - 20)
        .count();
    assert!(crossed > 0, "hatch lines over the masked cells");
}

#[wasm_bindgen_test]
fn every_heatmap_cell_has_the_colour_of_its_value() {
    let pe = positional_encoding(&PeParams::new(24, 16, 10_000.0).unwrap()).into_matrix();
    let canvas = new_canvas(480);
    let rect = draw_heatmap(&canvas, &pe, (-1.0, 1.0), false);
    assert!(rect.width > 200 && rect.height > 150, "{rect:?}");
    for row in 0..pe.rows() {
        for col in 0..pe.cols() {
            let (x, y) = cell_centre(rect, &pe, row, col);
            let [r, g, b] = color_for(pe.get(row, col).unwrap(), -1.0, 1.0);
            assert_eq!(pixel(&canvas, x, y), [r, g, b, 255], "cell ({row}, {col})");
        }
    }
    // Outside the data area is the theme's background, not cells.
    assert_eq!(pixel(&canvas, 1.0, 1.0), [255, 255, 255, 255]);
}

#[wasm_bindgen_test]
fn a_large_matrix_is_drawn_without_one_element_per_cell() {
    let pe = positional_encoding(&PeParams::new(512, 512, 10_000.0).unwrap()).into_matrix();
    let canvas = new_canvas(600);
    let rect = draw_heatmap(&canvas, &pe, (-1.0, 1.0), true);
    // PE(0, 1) = 1 (top of the scale), PE(0, 0) = 0 (middle); dark background outside.
    let (x, y) = cell_centre(rect, &pe, 0, 1);
    let (x0, _) = cell_centre(rect, &pe, 0, 0);
    let top = color_for(1.0, -1.0, 1.0);
    assert_eq!(&pixel(&canvas, x.max(x0 + 1.0), y)[..3], &top[..]);
    assert_eq!(pixel(&canvas, 1.0, 1.0), [0x16, 0x1a, 0x22, 255]);
}

#[wasm_bindgen_test]
fn a_known_width_sizes_the_canvas_without_measuring_it() {
    // 400 CSS px wide on the page; a ResizeObserver's 300 is taken as given (no layout read),
    // and an unknown (None) or zero width falls back to measuring.
    let canvas = new_canvas(400);
    let scale = fit_to_css_box(&canvas, 100.0, Some(300));
    assert_eq!(canvas.width(), (300.0 * scale).round() as u32);
    assert_eq!(canvas.height(), (100.0 * scale).round() as u32);
    fit_to_css_box(&canvas, 100.0, Some(0));
    assert_eq!(canvas.width(), (400.0 * scale).round() as u32);
    fit_to_css_box(&canvas, 100.0, None);
    assert_eq!(canvas.width(), (400.0 * scale).round() as u32);
}

#[wasm_bindgen_test]
fn curves_are_drawn_in_the_palette_colours() {
    let canvas = new_canvas(400);
    let scale = fit_to_css_box(&canvas, 260.0, None);
    let style = PlotStyle::for_theme(false, scale);
    let series = vec![
        Series {
            label: "flat".into(),
            values: vec![0.5; 50],
        },
        Series {
            label: "low".into(),
            values: vec![-0.5; 50],
        },
    ];
    let spec = CurvesSpec {
        series: &series,
        y_range: (-1.0, 1.0),
        x_label: "pos",
        y_label: "v",
        cursor_x: None,
    };
    let rect = draw_curves(&drawing_area(&canvas).unwrap(), &spec, &style).unwrap();
    let palette = line_palette(false);
    let x = rect.left as f64 + rect.width as f64 * 0.25;
    for (value, color) in [(0.5, palette[0]), (-0.5, palette[1])] {
        let y = rect.top as f64 + (1.0 - value) / 2.0 * rect.height as f64;
        let found =
            (-2..=2).any(|dy| pixel(&canvas, x, y + dy as f64)[..3] == [color.0, color.1, color.2]);
        assert!(found, "a line of colour {color:?} at y = {value}");
    }
}

#[wasm_bindgen_test]
fn svg_export_has_axes_as_text_and_the_cells_as_one_image() {
    let pe = positional_encoding(&PeParams::new(8, 8, 10_000.0).unwrap()).into_matrix();
    let spec = HeatmapSpec {
        matrix: &pe,
        range: (-1.0, 1.0),
        x_label: "dimension",
        y_label: "position",
        labels: None,
        mask: CellMask::None,
    };
    let style = PlotStyle::for_theme(false, 1.0);
    let (svg, rect) =
        svg_document((480, 320), |root| draw_heatmap_frame(root, &spec, &style)).unwrap();
    let svg = embed_image(&svg, rect, "data:image/png;base64,AAAA");
    let parsed = web_sys::DomParser::new()
        .unwrap()
        .parse_from_string(&svg, web_sys::SupportedType::ImageSvgXml)
        .unwrap();
    assert!(
        parsed.query_selector("parsererror").unwrap().is_none(),
        "{svg}"
    );
    assert_eq!(parsed.query_selector_all("image").unwrap().length(), 1);
    let texts = parsed.query_selector_all("text").unwrap();
    let labels: Vec<String> = (0..texts.length())
        .filter_map(|i| texts.item(i)?.text_content())
        .map(|t| t.trim().to_owned())
        .collect();
    assert!(
        labels.iter().any(|t| t == "dimension") && labels.iter().any(|t| t == "position"),
        "{labels:?}"
    );
    // The colour bar is a handful of rectangles, not one per cell.
    assert!(parsed.query_selector_all("rect").unwrap().length() < 150);
}
