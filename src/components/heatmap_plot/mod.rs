//! A heatmap widget: the canvas (HiDPI, drawn only on screen: [`paint`]), the exact value
//! under the pointer or keyboard cursor ([`cursor`]), outlines of the cursor's cell and of
//! highlighted tokens ([`markers`]), zoom, and PNG/SVG/CSV export ([`exports`]).

mod cursor;
mod exports;
mod markers;
mod paint;

use super::export_buttons::ExportButtons;
use super::use_ui;
use crate::plot::heatmap::AxisLabels;
use crate::plot::mask::CellMask;
use attnscope_core::Matrix;
use cursor::{readout, use_cell_cursor, CellCursor};
use exports::exports;
use markers::{bands, cell_marker};
use paint::use_paint;
pub use paint::FIRST_HEATMAP_MARK;
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// Props of [`HeatmapPlot`].
#[derive(Properties, PartialEq)]
pub struct HeatmapPlotProps {
    /// The canvas's id.
    pub id: AttrValue,
    /// The figure's caption.
    pub caption: AttrValue,
    /// The values (row r drawn r cells from the top).
    pub matrix: Arc<Matrix>,
    /// The values at the ends of the colour scale.
    pub range: (f32, f32),
    /// Caption of the column axis.
    pub x_label: AttrValue,
    /// Caption of the row axis.
    pub y_label: AttrValue,
    /// How a row index is named in the readout ("pos").
    pub row_name: AttrValue,
    /// How a column index is named in the readout ("dim").
    pub col_name: AttrValue,
    /// Height of the canvas in CSS pixels.
    pub css_height: f64,
    /// File name (without extension) of exports.
    pub export_name: AttrValue,
    /// Called with (row, column) when a cell is clicked or Enter is pressed on it.
    #[prop_or_default]
    pub on_pick: Option<Callback<(usize, usize)>>,
    /// Names of rows and columns (tokens), drawn on the axes and used in the readout.
    #[prop_or_default]
    pub labels: Option<Rc<AxisLabels>>,
    /// A row to outline (a token hovered elsewhere on the page).
    #[prop_or_default]
    pub highlight_row: Option<usize>,
    /// A column to outline.
    #[prop_or_default]
    pub highlight_col: Option<usize>,
    /// Whether a CSV export of the values is offered.
    #[prop_or_default]
    pub csv: bool,
    /// Whether zoom buttons are offered (the plot then scrolls to pan).
    #[prop_or_default]
    pub zoomable: bool,
    /// The cells a mask hides (a decoder's look-ahead mask): drawn grey and hatched, with a
    /// legend, and read out as masked.
    #[prop_or_default]
    pub mask: CellMask,
}

/// The largest zoom factor.
const MAX_ZOOM: u32 = 4;

/// A heatmap of a matrix with axes, colour bar, readout and export.
#[component]
pub fn HeatmapPlot(props: &HeatmapPlotProps) -> Html {
    let ui = use_ui();
    let canvas_ref = use_node_ref();
    let zoom = use_state(|| 1u32);
    let css_height = props.css_height * f64::from(*zoom);

    let (geometry, failure) = use_paint(props, canvas_ref.clone(), css_height, *zoom);

    let (rows, cols) = (props.matrix.rows(), props.matrix.cols());
    let CellCursor {
        current,
        onmousemove,
        onmouseleave,
        onclick,
        onkeydown,
    } = use_cell_cursor(&props.matrix, &geometry, props.on_pick.clone());
    let readout = readout(props, current);
    // The markers are placed through the CSSOM (`data-css`): a style attribute is refused by
    // the app's and a host page's strict style-src.
    let markers_root = crate::hooks::data_css::use_data_css();
    let geometry_now = *geometry.borrow();
    let marker = current.map(|cell| cell_marker(geometry_now, (rows, cols), cell));
    let bands = bands(props, geometry_now, (rows, cols));
    let (on_png, on_svg, on_csv) = exports(props, &canvas_ref, css_height, ui);
    let readout_id = format!("{}-readout", props.id);
    html! {
        <figure class="plot">
            <figcaption>
                <span class="plot-title">{ &props.caption }</span>
                <ExportButtons what={props.caption.clone()} {on_png} {on_svg} {on_csv} />
            </figcaption>
            if props.zoomable {
                <div class="zoom" role="group" aria-label="Zoom">
                    <button type="button" aria-label={format!("Zoom out of {}", props.caption)} disabled={*zoom <= 1}
                        onclick={{ let zoom = zoom.clone(); Callback::from(move |_: MouseEvent| zoom.set((*zoom / 2).max(1))) }}>{ "−" }</button>
                    <span class="zoom-level">{ format!("{}×", *zoom) }</span>
                    <button type="button" aria-label={format!("Zoom into {}", props.caption)} disabled={*zoom >= MAX_ZOOM}
                        onclick={{ let zoom = zoom.clone(); Callback::from(move |_: MouseEvent| zoom.set((*zoom * 2).min(MAX_ZOOM))) }}>{ "+" }</button>
                </div>
            }
            <div class={classes!("plot-canvas-wrap", (*zoom > 1).then_some("zoomed"))} ref={markers_root}>
                <canvas
                    id={props.id.clone()}
                    ref={canvas_ref}
                    tabindex="0"
                    role="img"
                    aria-label={format!("{}: {rows} × {cols} heatmap. Arrow keys move a cursor over the cells.", props.caption)}
                    aria-describedby={readout_id.clone()}
                    data-rows={rows.to_string()}
                    data-cols={cols.to_string()}
                    data-range={format!("{},{}", props.range.0, props.range.1)}
                    {onmousemove} {onmouseleave} {onclick} {onkeydown}
                />
                { for marker }
                { bands }
            </div>
            <p id={readout_id} class="readout" aria-live="polite">{ readout }</p>
            if let Some(why) = &*failure { <p class="field-message error" role="alert">{ why }</p> }
        </figure>
    }
}
