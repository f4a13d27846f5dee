//! The model view: a layer × head grid of small attention maps. Click (or Enter) opens a
//! head; the switch under each map turns the head off; arrow keys move across the grid.

use crate::plot::canvas::paint_cells;
use crate::plot::mask::CellMask;
use attnscope_core::trace::SelfAttention;
use attnscope_core::Matrix;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Props of [`HeadGrid`].
#[derive(Properties, PartialEq)]
pub struct HeadGridProps {
    /// An id prefix (one grid per model on the page).
    pub id: AttrValue,
    /// Every map of the forward.
    pub attention: Arc<SelfAttention>,
    /// The heads switched off.
    ///
    /// From the page's settings, so a switch shows its new state at once, before the forward
    /// that applies it has run.
    pub heads_off: Vec<(usize, usize)>,
    /// The head opened in the large views.
    pub open: (usize, usize),
    /// Called to open a head.
    pub on_open: Callback<(usize, usize)>,
    /// Called to switch a head off or on.
    pub on_toggle: Callback<(usize, usize)>,
}

/// The id of the canvas of (`l`, `h`)'s map in the grid with id prefix `prefix`.
fn cell_id(prefix: &str, l: usize, h: usize) -> String {
    format!("{prefix}-map-{l}-{h}")
}

/// The grid of every head's map.
#[component]
pub fn HeadGrid(props: &HeadGridProps) -> Html {
    let (layers, heads) = (props.attention.layers, props.attention.heads);
    let grid_ref = use_node_ref();
    use_paint_maps(props.attention.clone(), props.id.clone(), grid_ref.clone());
    let onkeydown = arrow_keys(props.id.clone(), props.on_open.clone(), (layers, heads));
    html! {
        <div class="head-grid" role="grid" aria-label="Every head's attention map: rows are layers, columns heads. Arrow keys move; Enter opens."
            data-css={format!("--heads:{heads}")} ref={grid_ref} {onkeydown}>
            { for (0..layers).map(|l| html! {
                <div class="head-grid-row" role="row">
                    <span class="head-grid-layer" role="rowheader">{ format!("layer {}", l + 1) }</span>
                    { for (0..heads).map(|h| head_cell(props, l, h)) }
                </div>
            }) }
        </div>
    }
}

/// Paints every map into its canvas after the render, when the canvases exist; only a new
/// forward or the grid coming on screen repaints, not a head opened or switched.
#[hook]
fn use_paint_maps(attention: Arc<SelfAttention>, prefix: AttrValue, grid_ref: NodeRef) {
    let on_screen = crate::hooks::screen::use_on_screen(grid_ref.clone());
    use_effect_with((attention, on_screen), move |(attention, on_screen)| {
        let Some(grid) = grid_ref.cast::<web_sys::Element>() else {
            return;
        };
        // The grid's column count (`--heads`) is a `data-css` style, applied through the CSSOM.
        crate::dom::apply_data_css(&grid);
        // Off screen, the maps are not painted: scrolling the grid in paints the latest.
        crate::hooks::screen::mark_stale(&grid, !*on_screen);
        if !*on_screen {
            return;
        }
        let t = attention.len;
        for l in 0..attention.layers {
            for h in 0..attention.heads {
                let Some(canvas) = crate::dom::by_id_near(&grid, &cell_id(&prefix, l, h))
                    .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                else {
                    continue;
                };
                let map = Matrix::from_vec(t, t, attention.map(l, h).to_vec())
                    .unwrap_or_else(|| Matrix::zeros(0, 0));
                // A fixed [0, 1] range for every map, so the small maps compare with each other.
                let _ = paint_cells(&canvas, &map, (0.0, 1.0), CellMask::of(attention.causal));
            }
        }
    });
}

/// The grid's arrow keys: move to the neighbouring head of a `size` = (layers, heads) grid,
/// open it and focus its button.
fn arrow_keys(
    prefix: AttrValue,
    on_open: Callback<(usize, usize)>,
    (layers, heads): (usize, usize),
) -> Callback<KeyboardEvent> {
    Callback::from(move |event: KeyboardEvent| {
        let Some((dl, dh)) = crate::components::arrow_step(&event) else {
            return;
        };
        let Some(target) = event.target_dyn_into::<web_sys::Element>() else {
            return;
        };
        let index = |name: &str| {
            target
                .get_attribute(name)
                .and_then(|v| v.parse::<usize>().ok())
        };
        let (Some(l), Some(h)) = (index("data-layer"), index("data-head")) else {
            return;
        };
        // The arrows would otherwise scroll the page while moving across the grid.
        event.prevent_default();
        let next = (
            crate::components::clamp_step(l, dl, layers),
            crate::components::clamp_step(h, dh, heads),
        );
        on_open.emit(next);
        if let Some(element) =
            crate::dom::by_id_near(&target, &format!("{prefix}-open-{}-{}", next.0, next.1))
        {
            let _ = element.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    })
}

/// One head's cell: its map (a button that opens it) and its on/off switch.
fn head_cell(props: &HeadGridProps, l: usize, h: usize) -> Html {
    let off = props.heads_off.contains(&(l, h));
    let open = props.open == (l, h);
    let on_open = props.on_open.reform(move |_: MouseEvent| (l, h));
    let on_toggle = props.on_toggle.reform(move |_: MouseEvent| (l, h));
    html! {
        <div class={classes!("head-cell", off.then_some("off"), open.then_some("open"))} role="gridcell">
            <button type="button" class="head-open" id={format!("{}-open-{l}-{h}", props.id)}
                data-layer={l.to_string()} data-head={h.to_string()}
                // Roving focus: only the open head is in the tab order; the arrows reach the rest.
                tabindex={if open { "0" } else { "-1" }}
                aria-pressed={open.to_string()}
                aria-label={format!("L{} H{}: open layer {} head {}{}", l + 1, h + 1, l + 1, h + 1, if off { " (switched off)" } else { "" })}
                onclick={on_open}>
                <canvas id={cell_id(&props.id, l, h)} class="head-map" aria-hidden="true"></canvas>
                <span class="head-name">{ format!("L{} H{}", l + 1, h + 1) }</span>
            </button>
            <button type="button" class="head-switch" aria-pressed={off.to_string()}
                data-layer={l.to_string()} data-head={h.to_string()}
                aria-label={format!("{}: layer {} head {}, press to switch it {}", if off { "off" } else { "on" }, l + 1, h + 1, if off { "on" } else { "off" })}
                onclick={on_toggle}>{ if off { "off" } else { "on" } }</button>
        </div>
    }
}
