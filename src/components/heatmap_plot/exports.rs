//! The heatmap's exports: PNG (the frame and cells drawn again, at the canvas's size, from
//! the current values), SVG (the same frame drawn by plotters' SVG backend with the cells
//! embedded as one PNG image) and, where offered, CSV. Every export is built from the props,
//! never from pixels already on the page: a canvas that was off screen when its values
//! changed still holds its older picture (`use_on_screen`), and an export must show the
//! result the rest of the page shows.

use super::HeatmapPlotProps;
use crate::components::export_buttons::svg_export_size;
use crate::components::UiContext;
use crate::plot::heatmap::{draw_heatmap_frame, AxisLabels, HeatmapSpec};
use crate::plot::mask::CellMask;
use crate::plot::{canvas, export, PlotStyle};
use attnscope_core::Matrix;
use std::rc::Rc;
use std::sync::Arc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// An export: returns why it failed, if it did.
type Export = Callback<(), Result<(), String>>;

/// What an export draws, taken from the props when the callbacks are built (so a click
/// exports the values of the render the reader is looking at).
#[derive(Clone)]
struct Picture {
    matrix: Arc<Matrix>,
    range: (f32, f32),
    x_label: AttrValue,
    y_label: AttrValue,
    labels: Option<Rc<AxisLabels>>,
    mask: CellMask,
    name: AttrValue,
}

impl Picture {
    fn of(props: &HeatmapPlotProps) -> Self {
        Self {
            matrix: props.matrix.clone(),
            range: props.range,
            x_label: props.x_label.clone(),
            y_label: props.y_label.clone(),
            labels: props.labels.clone(),
            mask: props.mask,
            name: props.export_name.clone(),
        }
    }

    /// The frame's description for the plot functions.
    fn spec(&self) -> HeatmapSpec<'_> {
        HeatmapSpec {
            matrix: &self.matrix,
            range: self.range,
            x_label: &self.x_label,
            y_label: &self.y_label,
            labels: self.labels.as_deref(),
            mask: self.mask,
        }
    }

    /// The PNG: a detached canvas the size of the one on the page, painted as the paint
    /// effect paints it (the page's device ratio and theme, the frame, then the cells).
    fn png(&self, page: &HtmlCanvasElement, ui: UiContext) -> Result<(), String> {
        let copy = canvas::detached_canvas(page.width().max(1), page.height().max(1))?;
        let style = ui.plot_style(canvas::device_ratio());
        let rect = draw_heatmap_frame(&canvas::drawing_area(&copy)?, &self.spec(), &style)?;
        canvas::blit_cells(&copy, &self.matrix, self.range, rect, (self.mask, &style))?;
        let url = export::png_data_url(&copy)?;
        export::download_url(&url, &format!("{}.png", self.name))
    }

    /// The SVG at `size` CSS pixels: the frame as vectors, the cells as one embedded image
    /// (one pixel per cell, so a 128 × 128 map stays a small file).
    fn svg(&self, size: (u32, u32), ui: UiContext) -> Result<(), String> {
        let style = PlotStyle::for_theme(ui.dark, 1.0);
        let (svg, rect) =
            export::svg_document(size, |root| draw_heatmap_frame(root, &self.spec(), &style))?;
        let cells = canvas::cells_canvas(&self.matrix, self.range, self.mask)?;
        let mut document = export::embed_image(&svg, rect, &export::png_data_url(&cells)?);
        // The hatch goes over the embedded cells, as on the page.
        let size = (self.matrix.rows(), self.matrix.cols());
        export::append_hatch(&mut document, rect, size, self.mask, &style);
        export::download_text(&document, "image/svg+xml", &format!("{}.svg", self.name))
    }

    /// The values as CSV, rows and columns named by the labels when there are any.
    fn csv(&self) -> Result<(), String> {
        let csv = export::matrix_csv(&self.matrix, self.labels.as_deref());
        export::download_text(&csv, "text/csv", &format!("{}.csv", self.name))
    }
}

/// The PNG, SVG and optional CSV exports of the heatmap on `canvas_ref` at `css_height`.
pub fn exports(
    props: &HeatmapPlotProps,
    canvas_ref: &NodeRef,
    css_height: f64,
    ui: UiContext,
) -> (Export, Export, Option<Export>) {
    let picture = Picture::of(props);
    let on_png = {
        let (picture, canvas_ref) = (picture.clone(), canvas_ref.clone());
        Callback::from(move |()| {
            let page = canvas_ref
                .cast::<HtmlCanvasElement>()
                .ok_or_else(|| "the plot is not on the page".to_owned())?;
            picture.png(&page, ui)
        })
    };
    let on_svg = {
        let (picture, canvas_ref) = (picture.clone(), canvas_ref.clone());
        Callback::from(move |()| picture.svg(svg_export_size(&canvas_ref, css_height)?, ui))
    };
    let on_csv = props.csv.then(|| Callback::from(move |()| picture.csv()));
    (on_png, on_svg, on_csv)
}
