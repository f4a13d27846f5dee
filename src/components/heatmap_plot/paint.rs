//! Painting the heatmap: the frame (axes, labels, colour bar) through plotters, the cells
//! blitted as one image, only while the canvas is on screen, at the canvas's measured width.

use super::HeatmapPlotProps;
use crate::components::use_ui;
use crate::hooks::screen::{mark_stale, use_on_screen};
use crate::hooks::width::use_css_width;
use crate::plot::heatmap::{draw_heatmap_frame, HeatmapSpec};
use crate::plot::{canvas, PlotRect};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

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

/// The plot's geometry after its last paint: data area (device px) and device px per CSS px.
#[derive(Debug, Clone, Copy, Default)]
pub struct Geometry {
    /// The data area, in device pixels.
    pub rect: PlotRect,
    /// Device pixels per CSS pixel.
    pub scale: f64,
}

/// Paints `props`' matrix on `canvas_ref` at `css_height` and `zoom` whenever what is drawn,
/// the theme, the width or the on-screen state changes; returns the geometry of the last
/// paint (for hit tests and markers) and why the last paint failed, if it did.
#[hook]
pub fn use_paint(
    props: &HeatmapPlotProps,
    canvas_ref: NodeRef,
    css_height: f64,
    zoom: u32,
) -> (Rc<RefCell<Geometry>>, UseStateHandle<Option<String>>) {
    let ui = use_ui();
    let geometry = use_mut_ref(Geometry::default);
    let failure = use_state(|| None::<String>);
    let on_screen = use_on_screen(canvas_ref.clone());
    let width = use_css_width(canvas_ref.clone());
    let deps = (
        props.matrix.clone(),
        props.range,
        ui,
        (props.x_label.clone(), props.y_label.clone()),
        css_height,
        (props.labels.clone(), props.mask),
        zoom,
        on_screen,
        width,
    );
    let (shared, failed) = (geometry.clone(), failure.clone());
    use_effect_with(deps, move |deps| {
        let (
            matrix,
            range,
            ui,
            (x_label, y_label),
            css_height,
            (labels, mask),
            zoom,
            on_screen,
            width,
        ) = deps;
        let Some(element) = canvas_ref.cast::<HtmlCanvasElement>() else {
            return;
        };
        // Off screen, nothing is drawn: scrolling it in draws the latest values.
        mark_stale(&element, !*on_screen);
        if !*on_screen {
            return;
        }
        let started = crate::dom::now_ms();
        // A new zoom changes the width before the observer can say so: measure then.
        let zoomed = format!("{}%", 100 * zoom);
        let style = element.style();
        let known_width = if style.get_property_value("width").ok().as_deref() == Some(&zoomed) {
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
            mask: *mask,
        };
        let painted = canvas::drawing_area(&element)
            .and_then(|root| draw_heatmap_frame(&root, &spec, &style))
            .and_then(|rect| {
                canvas::blit_cells(&element, matrix, *range, rect, (*mask, &style)).map(|()| rect)
            });
        match painted {
            Ok(rect) => {
                mark_first_heatmap();
                *shared.borrow_mut() = Geometry { rect, scale };
                canvas::publish_rect(&element, rect);
                let ms = crate::dom::now_ms() - started;
                let _ = element.set_attribute("data-draw-ms", &format!("{ms:.2}"));
                failed.set(None);
            }
            Err(why) => failed.set(Some(why)),
        }
    });
    (geometry, failure)
}
