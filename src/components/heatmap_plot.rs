//! A heatmap widget: canvas (HiDPI), exact value under the pointer or keyboard cursor,
//! PNG/SVG export.

use super::export_buttons::ExportButtons;
use super::{arrow_step, clamp_step, use_ui};
use crate::hooks::screen::use_on_screen;
use crate::hooks::width::use_css_width;
use crate::plot::heatmap::{cell_at, draw_heatmap_frame, AxisLabels, HeatmapSpec};
use crate::plot::{canvas, export, PlotRect, PlotStyle};
use attnscope_core::Matrix;
use std::rc::Rc;
use std::sync::Arc;
use web_sys::HtmlCanvasElement;
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
}

/// The User Timing mark set when the page's first heatmap is painted: the cold-start
/// benchmark (tests/e2e/bench/cold-start.mjs) reads it as navigation → first heatmap.
pub const FIRST_HEATMAP_MARK: &str = "attnscope-first-heatmap";

/// Sets [`FIRST_HEATMAP_MARK`] once per page.
fn mark_first_heatmap() {
    let Some(performance) = crate::dom::window().performance() else {
        return;
    };
    if performance.get_entries_by_name(FIRST_HEATMAP_MARK).length() == 0 {
        let _ = performance.mark(FIRST_HEATMAP_MARK);
    }
}

/// The largest zoom factor.
const MAX_ZOOM: u32 = 4;

/// The plot's geometry after its last paint: data area (device px) and device px per CSS px.
#[derive(Debug, Clone, Copy, Default)]
struct Geometry {
    rect: PlotRect,
    scale: f64,
}

/// A heatmap of a matrix with axes, colour bar, readout and export.
#[component]
pub fn HeatmapPlot(props: &HeatmapPlotProps) -> Html {
    let ui = use_ui();
    let canvas_ref = use_node_ref();
    let geometry = use_mut_ref(Geometry::default);
    let cursor = use_state(|| None::<(usize, usize)>);
    let failure = use_state(|| None::<String>);
    let zoom = use_state(|| 1u32);
    let css_height = props.css_height * f64::from(*zoom);
    let on_screen = use_on_screen(canvas_ref.clone());
    let width = use_css_width(canvas_ref.clone());

    {
        let (canvas_ref, geometry, failure) =
            (canvas_ref.clone(), geometry.clone(), failure.clone());
        let deps = (
            props.matrix.clone(),
            props.range,
            ui,
            props.x_label.clone(),
            props.y_label.clone(),
            css_height,
            props.labels.clone(),
            *zoom,
            on_screen,
            width,
        );
        use_effect_with(
            deps,
            move |(
                matrix,
                range,
                ui,
                x_label,
                y_label,
                css_height,
                labels,
                zoom,
                on_screen,
                width,
            )| {
                let Some(element) = canvas_ref.cast::<HtmlCanvasElement>() else {
                    return;
                };
                // Off screen, nothing is drawn: scrolling it in draws the latest values.
                crate::hooks::screen::mark_stale(&element, !*on_screen);
                if !*on_screen {
                    return;
                }
                let started = crate::dom::now_ms();
                // A new zoom changes the width before the observer can say so: measure then.
                let zoomed = format!("{}%", 100 * zoom);
                let style = element.style();
                let known_width =
                    if style.get_property_value("width").ok().as_deref() == Some(&zoomed) {
                        *width
                    } else {
                        let _ = style.set_property("width", &zoomed);
                        None
                    };
                let scale = canvas::fit_to_css_box(&element, *css_height, known_width);
                let style = ui.plot_style(scale);
                let spec = HeatmapSpec {
                    matrix,
                    range: *range,
                    x_label,
                    y_label,
                    labels: labels.as_deref(),
                };
                let painted = canvas::drawing_area(&element)
                    .and_then(|root| draw_heatmap_frame(&root, &spec, &style))
                    .and_then(|rect| {
                        canvas::blit_cells(&element, matrix, *range, rect).map(|()| rect)
                    });
                match painted {
                    Ok(rect) => {
                        mark_first_heatmap();
                        *geometry.borrow_mut() = Geometry { rect, scale };
                        canvas::publish_rect(&element, rect);
                        let _ = element.set_attribute(
                            "data-draw-ms",
                            &format!("{:.2}", crate::dom::now_ms() - started),
                        );
                        failure.set(None);
                    }
                    Err(why) => failure.set(Some(why)),
                }
            },
        );
    }

    let matrix = props.matrix.clone();
    let (rows, cols) = (matrix.rows(), matrix.cols());
    let current = cursor.filter(|&(r, c)| r < rows && c < cols);

    let onmousemove = {
        let (cursor, geometry, matrix) = (cursor.clone(), geometry.clone(), matrix.clone());
        Callback::from(move |event: MouseEvent| {
            let Geometry { rect, scale } = *geometry.borrow();
            let point = (
                event.offset_x() as f64 * scale,
                event.offset_y() as f64 * scale,
            );
            let cell = rect
                .fraction_at(point.0, point.1)
                .and_then(|f| cell_at(&matrix, f));
            if cell.is_some() && cell != *cursor {
                cursor.set(cell);
            }
        })
    };
    let onmouseleave = {
        let cursor = cursor.clone();
        Callback::from(move |_: MouseEvent| cursor.set(None))
    };
    let onclick = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |_: MouseEvent| {
            if let (Some(on_pick), Some(cell)) = (&on_pick, current) {
                on_pick.emit(cell);
            }
        })
    };
    let onkeydown = {
        let (cursor, on_pick) = (cursor.clone(), props.on_pick.clone());
        Callback::from(move |event: KeyboardEvent| {
            let (r, c) = current.unwrap_or((0, 0));
            if let Some((dr, dc)) = arrow_step(&event) {
                event.prevent_default();
                cursor.set(Some((clamp_step(r, dr, rows), clamp_step(c, dc, cols))));
            } else if event.key() == "Home" {
                event.prevent_default();
                cursor.set(Some((0, 0)));
            } else if event.key() == "Enter" {
                if let (Some(on_pick), Some(cell)) = (&on_pick, current) {
                    on_pick.emit(cell);
                }
            }
        })
    };

    let name = |names: Option<&Vec<String>>, i: usize| {
        names
            .and_then(|n| n.get(i))
            .map_or(String::new(), |n| format!(" “{n}”"))
    };
    let labels = props.labels.as_deref();
    let readout = match current.and_then(|(r, c)| matrix.get(r, c).map(|v| (r, c, v))) {
        Some((r, c, v)) => format!(
            "{} {r}{} · {} {c}{} = {v:.6}",
            props.row_name,
            name(labels.map(|l| &l.rows), r),
            props.col_name,
            name(labels.map(|l| &l.cols), c)
        ),
        None => format!(
            "Hover a cell, or focus the plot and use the arrow keys, to read {} × {} values.",
            props.row_name, props.col_name
        ),
    };
    // The markers are placed through the CSSOM (`data-css`): a style attribute is refused by
    // the app's and a host page's strict style-src.
    let markers_root = crate::hooks::data_css::use_data_css();
    let marker = current.map(|(r, c)| {
        let Geometry { rect, scale } = *geometry.borrow();
        let (cw, ch) = (
            rect.width as f64 / cols as f64,
            rect.height as f64 / rows as f64,
        );
        let style = format!(
            "left:{:.1}px;top:{:.1}px;width:{:.1}px;height:{:.1}px",
            (rect.left as f64 + c as f64 * cw) / scale,
            (rect.top as f64 + r as f64 * ch) / scale,
            (cw / scale).max(3.0),
            (ch / scale).max(3.0)
        );
        html! { <div class="cell-marker" aria-hidden="true" data-css={style}></div> }
    });
    let bands = {
        let Geometry { rect, scale } = *geometry.borrow();
        let (cw, ch) = (
            rect.width as f64 / cols.max(1) as f64,
            rect.height as f64 / rows.max(1) as f64,
        );
        let (left, top) = (rect.left as f64 / scale, rect.top as f64 / scale);
        let row = props.highlight_row.filter(|&i| i < rows).map(|i| {
            let style = format!(
                "left:{left:.1}px;top:{:.1}px;width:{:.1}px;height:{:.1}px",
                top + i as f64 * ch / scale,
                rect.width as f64 / scale,
                (ch / scale).max(2.0)
            );
            html! { <div class="band-marker" aria-hidden="true" data-css={style}></div> }
        });
        let col = props.highlight_col.filter(|&i| i < cols).map(|i| {
            let style = format!(
                "left:{:.1}px;top:{top:.1}px;width:{:.1}px;height:{:.1}px",
                left + i as f64 * cw / scale,
                (cw / scale).max(2.0),
                rect.height as f64 / scale
            );
            html! { <div class="band-marker" aria-hidden="true" data-css={style}></div> }
        });
        html! { <>{ for row }{ for col }</> }
    };

    let on_png = {
        let (canvas_ref, name) = (canvas_ref.clone(), props.export_name.clone());
        Callback::from(move |()| {
            let element = canvas_ref
                .cast::<HtmlCanvasElement>()
                .ok_or("the plot is not on the page")?;
            export::download_url(&export::png_data_url(&element)?, &format!("{name}.png"))
        })
    };
    let on_svg = {
        let canvas_ref = canvas_ref.clone();
        let (matrix, range, name) = (props.matrix.clone(), props.range, props.export_name.clone());
        let (x_label, y_label, css_height, labels) = (
            props.x_label.clone(),
            props.y_label.clone(),
            css_height,
            props.labels.clone(),
        );
        Callback::from(move |()| {
            let element = canvas_ref
                .cast::<HtmlCanvasElement>()
                .ok_or("the plot is not on the page")?;
            let size = (element.client_width().max(120) as u32, css_height as u32);
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
            export::download_text(
                &export::embed_image(&svg, rect, &cells),
                "image/svg+xml",
                &format!("{name}.svg"),
            )
        })
    };

    let on_csv = props.csv.then(|| {
        let (matrix, labels, name) = (
            props.matrix.clone(),
            props.labels.clone(),
            props.export_name.clone(),
        );
        Callback::from(move |()| {
            export::download_text(
                &export::matrix_csv(&matrix, labels.as_deref()),
                "text/csv",
                &format!("{name}.csv"),
            )
        })
    });
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
