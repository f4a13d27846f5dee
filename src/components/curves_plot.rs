//! A line-plot widget: canvas (HiDPI), the exact value of the nearest curve under the pointer
//! or keyboard cursor, PNG/SVG export.

use super::export_buttons::{png_export, svg_export_size, ExportButtons};
use super::{arrow_step, clamp_step, use_ui, UiContext};
use crate::plot::curves::{draw_curves, nearest_point, CurvesSpec, Series};
use crate::plot::{canvas, export, PlotRect, PlotStyle};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Props of [`CurvesPlot`].
#[derive(Properties, PartialEq)]
pub struct CurvesPlotProps {
    /// The canvas's id.
    pub id: AttrValue,
    /// The figure's caption.
    pub caption: AttrValue,
    /// The lines.
    pub series: Rc<Vec<Series>>,
    /// The y range drawn.
    pub y_range: (f32, f32),
    /// Caption of the x axis.
    pub x_label: AttrValue,
    /// Caption of the y axis.
    pub y_label: AttrValue,
    /// How an x index is named in the readout ("pos").
    pub x_name: AttrValue,
    /// Height of the canvas in CSS pixels.
    pub css_height: f64,
    /// File name (without extension) of exports.
    pub export_name: AttrValue,
}

/// The data area of the last paint (device px) and device px per CSS px.
type Geometry = Rc<RefCell<(PlotRect, f64)>>;

/// Curves with axes, legend, readout and export.
#[component]
pub fn CurvesPlot(props: &CurvesPlotProps) -> Html {
    let ui = use_ui();
    let canvas_ref = use_node_ref();
    let len = props.series.iter().map(|s| s.values.len()).max();
    // Curves may differ in length: x runs to the longest.
    let len = len.unwrap_or(0);
    // (series index, x)
    let cursor = use_state(|| None::<(usize, usize)>);
    // A cursor left from other curves (fewer, shorter) is ignored, not clamped, until the
    // reader moves it.
    let current = cursor.filter(|&(s, x)| s < props.series.len() && x < len);
    let (geometry, failure) = use_paint(props, canvas_ref.clone(), current.map(|c| c.1));
    let (onmousemove, onmouseleave, onkeydown) = cursor_handlers(props, &cursor, &geometry, len);
    let readout = readout(props, current);
    let on_png = png_export(&canvas_ref, props.export_name.clone());
    let on_svg = svg_export(props, &canvas_ref, ui);
    let count = props.series.len();
    let readout_id = format!("{}-readout", props.id);
    html! {
        <figure class="plot">
            <figcaption>
                <span class="plot-title">{ &props.caption }</span>
                <ExportButtons what={props.caption.clone()} {on_png} {on_svg} />
            </figcaption>
            <div class="plot-canvas-wrap">
                <canvas
                    id={props.id.clone()}
                    ref={canvas_ref}
                    tabindex="0"
                    role="img"
                    aria-label={format!("{}: {count} curves over {len} {}s. Arrow keys move a cursor.", props.caption, props.x_name)}
                    aria-describedby={readout_id.clone()}
                    {onmousemove} {onmouseleave} {onkeydown}
                />
            </div>
            <p id={readout_id} class="readout" aria-live="polite">{ readout }</p>
            if let Some(why) = &*failure { <p class="field-message error" role="alert">{ why }</p> }
        </figure>
    }
}

/// Paints the curves (with a rule at `cursor_x`) whenever they, the theme or the height
/// change; returns the last paint's geometry and why it failed, if it did.
#[hook]
fn use_paint(
    props: &CurvesPlotProps,
    canvas_ref: NodeRef,
    cursor_x: Option<usize>,
) -> (Geometry, UseStateHandle<Option<String>>) {
    let ui = use_ui();
    let geometry = use_mut_ref(|| (PlotRect::default(), 1.0f64));
    let failure = use_state(|| None::<String>);
    let deps = (
        props.series.clone(),
        props.y_range,
        ui,
        cursor_x,
        props.css_height,
        (props.x_label.clone(), props.y_label.clone()),
    );
    // Repaints when the curves (by `Rc`), the range, the theme or layout (`ui`), the cursor's x,
    // the height or an axis caption change.
    let (shared, failed) = (geometry.clone(), failure.clone());
    use_effect_with(
        deps,
        move |(series, y_range, ui, cursor_x, css_height, (x_label, y_label))| {
            let Some(element) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            let scale = canvas::fit_to_css_box(&element, *css_height, None);
            let style = ui.plot_style(scale);
            let spec = CurvesSpec {
                series,
                y_range: *y_range,
                x_label: x_label.as_str(),
                y_label: y_label.as_str(),
                cursor_x: *cursor_x,
            };
            match canvas::drawing_area(&element).and_then(|root| draw_curves(&root, &spec, &style))
            {
                Ok(rect) => {
                    // The pointer handlers map offsets through this; tests read the published rect.
                    *shared.borrow_mut() = (rect, scale);
                    canvas::publish_rect(&element, rect);
                    failed.set(None);
                }
                // Said under the plot; the last good geometry stays for the pointer.
                Err(why) => failed.set(Some(why)),
            }
        },
    );
    (geometry, failure)
}

/// The canvas's pointer and keyboard handlers: the pointer picks the nearest curve's point,
/// ←/→ move along x (Shift: ten), ↑/↓ to the previous or next curve.
fn cursor_handlers(
    props: &CurvesPlotProps,
    cursor: &UseStateHandle<Option<(usize, usize)>>,
    geometry: &Geometry,
    len: usize,
) -> (
    Callback<MouseEvent>,
    Callback<MouseEvent>,
    Callback<KeyboardEvent>,
) {
    let (series, y_range) = (props.series.clone(), props.y_range);
    let nearest = move |fraction: (f64, f64)| {
        let spec = CurvesSpec {
            series: &series,
            y_range,
            x_label: "",
            y_label: "",
            cursor_x: None,
        };
        nearest_point(&spec, fraction)
    };
    let onmousemove = {
        let (cursor, geometry) = (cursor.clone(), geometry.clone());
        Callback::from(move |event: MouseEvent| {
            // offsetX/Y are CSS px within the canvas; the geometry is in device px.
            let (rect, scale) = *geometry.borrow();
            let (x, y) = (
                event.offset_x() as f64 * scale,
                event.offset_y() as f64 * scale,
            );
            let hit = rect.fraction_at(x, y).and_then(&nearest);
            // Only a hit moves the cursor (over the margins it stays); only a change re-renders.
            if hit.is_some() && hit != *cursor {
                cursor.set(hit);
            }
        })
    };
    let onmouseleave = {
        let cursor = cursor.clone();
        Callback::from(move |_: MouseEvent| cursor.set(None))
    };
    let count = props.series.len();
    let onkeydown = {
        let cursor = cursor.clone();
        Callback::from(move |event: KeyboardEvent| {
            let Some((ds, dx)) = arrow_step(&event).filter(|_| count > 0) else {
                return;
            };
            event.prevent_default();
            let (s, x) = cursor
                .filter(|&(s, x)| s < count && x < len)
                .unwrap_or((0, 0));
            // ↑/↓ move one curve even with Shift (`signum`); ←/→ move ten points with it. With no
            // valid cursor the step is taken from the first curve's first point.
            let next = (clamp_step(s, ds.signum(), count), clamp_step(x, dx, len));
            cursor.set(Some(next));
        })
    };
    (onmousemove, onmouseleave, onkeydown)
}

/// The readout: "pos 3 · dim 11 (cos, i=5) = 0.998000", or how to get one.
fn readout(props: &CurvesPlotProps, current: Option<(usize, usize)>) -> String {
    let value = current.and_then(|(s, x)| {
        // `current` was checked against `series`, so the index holds.
        let series = &props.series[s];
        series.values.get(x).map(|v| (series, x, v))
    });
    match value {
        Some((series, x, v)) => format!("{} {x} · {} = {v:.6}", props.x_name, series.label),
        None if props.series.is_empty() => "Pick dimensions to draw their curves.".to_owned(),
        None => format!("Hover a curve, or focus the plot and use the arrow keys (←/→ {}, ↑/↓ curve), to read values.", props.x_name),
    }
}

/// The SVG export: the same curves drawn by plotters' SVG backend at the plot's width.
fn svg_export(
    props: &CurvesPlotProps,
    canvas_ref: &NodeRef,
    ui: UiContext,
) -> Callback<(), Result<(), String>> {
    let canvas_ref = canvas_ref.clone();
    let (series, y_range, name) = (
        props.series.clone(),
        props.y_range,
        props.export_name.clone(),
    );
    let (x_label, y_label, css_height) = (
        props.x_label.clone(),
        props.y_label.clone(),
        props.css_height,
    );
    Callback::from(move |()| {
        let size = svg_export_size(&canvas_ref, css_height)?;
        // Scale 1: the SVG is in CSS px whatever the screen's pixel ratio, and without the
        // presentation mode's larger type.
        let style = PlotStyle::for_theme(ui.dark, 1.0);
        let spec = CurvesSpec {
            series: &series,
            y_range,
            x_label: &x_label,
            y_label: &y_label,
            cursor_x: None,
        };
        let (svg, _) = export::svg_document(size, |root| draw_curves(root, &spec, &style))?;
        export::download_text(&svg, "image/svg+xml", &format!("{name}.svg"))
    })
}
