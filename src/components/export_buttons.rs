//! PNG, SVG (and optionally CSV) export buttons of a plot, with an inline message if an export
//! fails.

use yew::prelude::*;

/// Props of [`ExportButtons`].
#[derive(Properties, PartialEq)]
pub struct ExportButtonsProps {
    /// What is exported, for the buttons' accessible names ("PE matrix").
    pub what: AttrValue,
    /// Exports a PNG; returns why not on failure.
    pub on_png: Callback<(), Result<(), String>>,
    /// Exports an SVG; returns why not on failure.
    pub on_svg: Callback<(), Result<(), String>>,
    /// Exports the values as CSV, where offered.
    #[prop_or_default]
    pub on_csv: Option<Callback<(), Result<(), String>>>,
}

/// "PNG", "SVG" and, where offered, "CSV" buttons.
#[component]
pub fn ExportButtons(props: &ExportButtonsProps) -> Html {
    let failure = use_state(|| None::<String>);
    let run = |export: Callback<(), Result<(), String>>| {
        let failure = failure.clone();
        Callback::from(move |_: MouseEvent| failure.set(export.emit(()).err()))
    };
    html! {
        <div class="export" role="group" aria-label={format!("Export the {}", props.what)}>
            <button type="button" onclick={run(props.on_png.clone())} aria-label={format!("Download the {} as PNG", props.what)}>{ "PNG" }</button>
            <button type="button" onclick={run(props.on_svg.clone())} aria-label={format!("Download the {} as SVG", props.what)}>{ "SVG" }</button>
            if let Some(on_csv) = &props.on_csv {
                <button type="button" onclick={run(on_csv.clone())} aria-label={format!("Download the {} as CSV", props.what)}>{ "CSV" }</button>
            }
            if let Some(why) = &*failure { <span class="field-message error" role="alert">{ format!("Export failed: {why}") }</span> }
        </div>
    }
}

/// The PNG export of the canvas behind `canvas_ref`, downloaded as `{name}.png` (what the
/// reader sees, at the screen's resolution).
pub fn png_export(canvas_ref: &NodeRef, name: AttrValue) -> Callback<(), Result<(), String>> {
    let canvas_ref = canvas_ref.clone();
    Callback::from(move |()| {
        let element = plotted_canvas(&canvas_ref)?;
        let url = crate::plot::export::png_data_url(&element)?;
        crate::plot::export::download_url(&url, &format!("{name}.png"))
    })
}

/// The CSS size of an SVG export of the plot on `canvas_ref`: its width on the page (at
/// least 120 px) × `css_height`.
pub fn svg_export_size(canvas_ref: &NodeRef, css_height: f64) -> Result<(u32, u32), String> {
    let element = plotted_canvas(canvas_ref)?;
    Ok((element.client_width().max(120) as u32, css_height as u32))
}

/// The canvas behind `canvas_ref`, or why there is none.
fn plotted_canvas(canvas_ref: &NodeRef) -> Result<web_sys::HtmlCanvasElement, String> {
    canvas_ref
        .cast::<web_sys::HtmlCanvasElement>()
        .ok_or_else(|| "the plot is not on the page".to_owned())
}
