//! A line-plot widget: canvas (HiDPI), the exact value of the nearest curve under the pointer
//! or keyboard cursor, PNG/SVG export.

use super::export_buttons::ExportButtons;
use super::{arrow_step, clamp_step, use_ui};
use crate::plot::curves::{draw_curves, nearest_point, CurvesSpec, Series};
use crate::plot::{canvas, export, PlotRect, PlotStyle};
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

/// Curves with axes, legend, readout and export.
#[component]
pub fn CurvesPlot(props: &CurvesPlotProps) -> Html {
    let ui = use_ui();
    let canvas_ref = use_node_ref();
    let geometry = use_mut_ref(|| (PlotRect::default(), 1.0f64));
    // (series index, x)
    let cursor = use_state(|| None::<(usize, usize)>);
    let failure = use_state(|| None::<String>);
    let len = props
        .series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0);
    let current = cursor.filter(|&(s, x)| s < props.series.len() && x < len);

    {
        let (canvas_ref, geometry, failure) =
            (canvas_ref.clone(), geometry.clone(), failure.clone());
        let deps = (
            props.series.clone(),
            props.y_range,
            ui,
            current.map(|c| c.1),
            props.css_height,
        );
        let (x_label, y_label) = (props.x_label.clone(), props.y_label.clone());
        use_effect_with(deps, move |(series, y_range, ui, cursor_x, css_height)| {
            let Some(element) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            let scale = canvas::fit_to_css_box(&element, *css_height, None);
            let style = ui.plot_style(scale);
            let spec = CurvesSpec {
                series,
                y_range: *y_range,
                x_label: &x_label,
                y_label: &y_label,
                cursor_x: *cursor_x,
            };
            match canvas::drawing_area(&element).and_then(|root| draw_curves(&root, &spec, &style))
            {
                Ok(rect) => {
                    *geometry.borrow_mut() = (rect, scale);
                    canvas::publish_rect(&element, rect);
                    failure.set(None);
                }
                Err(why) => failure.set(Some(why)),
            }
        });
    }

    let spec_for_hit = {
        let series = props.series.clone();
        let y_range = props.y_range;
        move |fraction: (f64, f64)| {
            let spec = CurvesSpec {
                series: &series,
                y_range,
                x_label: "",
                y_label: "",
                cursor_x: None,
            };
            nearest_point(&spec, fraction)
        }
    };
    let onmousemove = {
        let (cursor, geometry) = (cursor.clone(), geometry.clone());
        Callback::from(move |event: MouseEvent| {
            let (rect, scale) = *geometry.borrow();
            let point = (
                event.offset_x() as f64 * scale,
                event.offset_y() as f64 * scale,
            );
            let hit = rect.fraction_at(point.0, point.1).and_then(&spec_for_hit);
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
            let Some((ds, dx)) = arrow_step(&event) else {
                return;
            };
            if count == 0 {
                return;
            }
            event.prevent_default();
            let (s, x) = current.unwrap_or((0, 0));
            cursor.set(Some((
                clamp_step(s, ds.signum(), count),
                clamp_step(x, dx, len),
            )));
        })
    };

    let readout = match current.and_then(|(s, x)| {
        let series = &props.series[s];
        series.values.get(x).map(|v| (series, x, v))
    }) {
        Some((series, x, v)) => format!("{} {x} · {} = {v:.6}", props.x_name, series.label),
        None if count == 0 => "Pick dimensions to draw their curves.".to_owned(),
        None => format!("Hover a curve, or focus the plot and use the arrow keys (←/→ {}, ↑/↓ curve), to read values.", props.x_name),
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
            let element = canvas_ref
                .cast::<HtmlCanvasElement>()
                .ok_or("the plot is not on the page")?;
            let size = (element.client_width().max(120) as u32, css_height as u32);
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
    };

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
