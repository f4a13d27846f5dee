//! The heatmap's exports: PNG (the canvas as drawn), SVG (the same frame drawn by plotters'
//! SVG backend with the cells embedded as one PNG image) and, where offered, CSV.

use super::HeatmapPlotProps;
use crate::components::export_buttons::{png_export, svg_export_size};
use crate::components::UiContext;
use crate::plot::heatmap::{draw_heatmap_frame, HeatmapSpec};
use crate::plot::{canvas, export, PlotStyle};
use yew::prelude::*;

/// An export: returns why it failed, if it did.
type Export = Callback<(), Result<(), String>>;

/// The PNG, SVG and optional CSV exports of the heatmap on `canvas_ref` at `css_height`.
pub fn exports(
    props: &HeatmapPlotProps,
    canvas_ref: &NodeRef,
    css_height: f64,
    ui: UiContext,
) -> (Export, Export, Option<Export>) {
    let on_png = png_export(canvas_ref, props.export_name.clone());
    let on_svg = {
        let canvas_ref = canvas_ref.clone();
        let (matrix, range, name) = (props.matrix.clone(), props.range, props.export_name.clone());
        let (x_label, y_label, labels) = (
            props.x_label.clone(),
            props.y_label.clone(),
            props.labels.clone(),
        );
        Callback::from(move |()| {
            let size = svg_export_size(&canvas_ref, css_height)?;
            let style = PlotStyle::for_theme(ui.dark, 1.0);
            let spec = HeatmapSpec {
                matrix: &matrix,
                range,
                x_label: &x_label,
                y_label: &y_label,
                labels: labels.as_deref(),
            };
            let (svg, rect) =
                export::svg_document(size, |root| draw_heatmap_frame(root, &spec, &style))?;
            let cells = export::png_data_url(&canvas::cells_canvas(&matrix, range)?)?;
            let document = export::embed_image(&svg, rect, &cells);
            export::download_text(&document, "image/svg+xml", &format!("{name}.svg"))
        })
    };
    let on_csv = props.csv.then(|| {
        let (matrix, labels, name) = (
            props.matrix.clone(),
            props.labels.clone(),
            props.export_name.clone(),
        );
        Callback::from(move |()| {
            let csv = export::matrix_csv(&matrix, labels.as_deref());
            export::download_text(&csv, "text/csv", &format!("{name}.csv"))
        })
    });
    (on_png, on_svg, on_csv)
}
