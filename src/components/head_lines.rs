//! The head view (after BertViz): each token on the left joined to each token on the right
//! by a line whose opacity is the attention weight, one colour per head of the layer.
//! Hovering a token on the left shows only its lines.

use super::use_ui;
use crate::plot::canvas::context_for_css_box;
use crate::plot::colormap::line_palette;
use crate::plot::PlotStyle;
use attnscope_core::trace::SelfAttention;
use std::fmt::Write;
use std::rc::Rc;
use std::sync::Arc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Props of [`HeadLines`].
#[derive(Properties, PartialEq)]
pub struct HeadLinesProps {
    /// The canvas's id.
    pub id: AttrValue,
    /// Every map of the forward.
    pub attention: Arc<SelfAttention>,
    /// The layer drawn.
    pub layer: usize,
    /// Token texts.
    pub tokens: Rc<Vec<String>>,
    /// The token whose lines alone are drawn.
    pub highlight: Option<usize>,
    /// Called with the token under the pointer.
    pub on_highlight: Callback<Option<usize>>,
}

/// Height of one token row, CSS px.
const ROW: f64 = 18.0;
/// Tallest the view grows (CSS px): long inputs get thinner rows and thinned labels, so the
/// canvas stays cheap to rasterise on every keystroke.
const MAX_HEIGHT: f64 = 640.0;

/// Height of one token row for `t` tokens, CSS px.
fn row_height(t: usize) -> f64 {
    (MAX_HEIGHT / (t as f64 + 2.0)).clamp(4.0, ROW)
}
/// Weights below this are not drawn (they would be invisible).
const FAINTEST: f32 = 0.01;
/// Each token draws its lines to at most this many keys (its strongest): at T = 128 every
/// line would be 65,536 per head, and even 8 per token (4,096 antialiased lines) took Chromium's
/// software rasteriser 125 ms a frame.
const MAX_LINES_PER_TOKEN: usize = 4;
/// Line opacities are drawn in this many steps (one canvas path each).
const OPACITY_LEVELS: usize = 16;

/// The positions of the `k` largest weights of `row` that reach [`FAINTEST`].
fn strongest(row: &[f32], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..row.len()).filter(|&j| row[j] >= FAINTEST).collect();
    if order.len() > k {
        order.select_nth_unstable_by(k - 1, |&a, &b| row[b].total_cmp(&row[a]));
        order.truncate(k);
    }
    order
}

/// Lines between the tokens for every shown head of one layer.
#[component]
pub fn HeadLines(props: &HeadLinesProps) -> Html {
    let ui = use_ui();
    let canvas_ref = use_node_ref();
    let heads = props.attention.heads;
    let shown = use_state(|| vec![true; heads]);
    let t = props.attention.len;
    let row = row_height(t);
    let css_height = (t as f64 * row + 2.0 * row).max(3.0 * ROW);
    {
        let canvas_ref = canvas_ref.clone();
        let deps = (
            props.attention.clone(),
            props.layer,
            (*shown).clone(),
            props.highlight,
            props.tokens.clone(),
            ui,
        );
        use_effect_with(
            deps,
            move |(attention, layer, shown, highlight, tokens, ui)| {
                let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else {
                    return;
                };
                let Ok((context, scale)) = context_for_css_box(&canvas, css_height) else {
                    return;
                };
                let style = PlotStyle::for_theme(ui.dark, scale);
                let (w, h) = (canvas.width() as f64, canvas.height() as f64);
                let color = |c: plotters::style::RGBColor| format!("rgb({},{},{})", c.0, c.1, c.2);
                context.set_fill_style_str(&color(style.background));
                context.fill_rect(0.0, 0.0, w, h);
                let text_w = (w * 0.28).min(140.0 * scale);
                let (left_x, right_x) = (text_w, w - text_w);
                let y = |i: usize| (row * (i as f64 + 1.5)) * scale;
                let label_every = crate::plot::heatmap::label_stride(row, 14.0);
                let palette = line_palette(ui.dark);
                context.set_line_width(2.0 * scale);
                let (x0, x1) = (left_x + 6.0 * scale, right_x - 6.0 * scale);
                for head in (0..attention.heads).filter(|&h| shown.get(h) == Some(&true)) {
                    if *layer >= attention.layers {
                        break;
                    }
                    let map = attention.map(*layer, head);
                    context.set_stroke_style_str(&color(palette[head % palette.len()]));
                    // One path per opacity level: a few canvas calls per head, not one per line.
                    let mut paths = vec![String::new(); OPACITY_LEVELS];
                    for i in 0..attention.len {
                        if highlight.is_some_and(|k| k != i) {
                            continue;
                        }
                        let row = &map[i * attention.len..(i + 1) * attention.len];
                        for j in strongest(row, MAX_LINES_PER_TOKEN) {
                            let weight = row[j];
                            let level = ((weight.min(1.0) * OPACITY_LEVELS as f32).ceil() as usize)
                                .clamp(1, OPACITY_LEVELS);
                            let path = &mut paths[level - 1];
                            // Whole device pixels: integer formatting is far cheaper than f64's.
                            let _ = write!(
                                path,
                                "M{} {}L{} {}",
                                x0 as i32,
                                y(i) as i32,
                                x1 as i32,
                                y(j) as i32
                            );
                        }
                    }
                    for (level, path) in paths.iter().enumerate() {
                        if path.is_empty() {
                            continue;
                        }
                        if let Ok(path) = web_sys::Path2d::new_with_path_string(path) {
                            context.set_global_alpha((level + 1) as f64 / OPACITY_LEVELS as f64);
                            context.stroke_with_path(&path);
                        }
                    }
                }
                context.set_global_alpha(1.0);
                context.set_fill_style_str(&color(style.foreground));
                context.set_font(&format!(
                    "{}px system-ui, sans-serif",
                    (13.0 * scale).round()
                ));
                context.set_text_baseline("middle");
                for (i, token) in tokens.iter().enumerate() {
                    let bold = *highlight == Some(i);
                    if i % label_every != 0 && !bold {
                        continue;
                    }
                    context.set_font(&format!(
                        "{}{}px system-ui, sans-serif",
                        if bold { "bold " } else { "" },
                        (13.0 * scale).round()
                    ));
                    context.set_text_align("right");
                    let _ = context.fill_text(token, left_x, y(i));
                    context.set_text_align("left");
                    let _ = context.fill_text(token, right_x, y(i));
                }
            },
        );
    }
    let onmousemove = {
        let on_highlight = props.on_highlight.clone();
        Callback::from(move |event: MouseEvent| {
            let at = (event.offset_y() as f64 / row - 1.0).floor();
            let index = (at >= 0.0 && (at as usize) < t).then_some(at as usize);
            on_highlight.emit(index);
        })
    };
    let onmouseleave = props.on_highlight.reform(|_: MouseEvent| None);
    let palette = line_palette(ui.dark);
    let root = super::use_data_css();
    html! {
        <figure class="plot head-lines" ref={root}>
            <figcaption>
                <span class="plot-title">{ format!("Head view · layer {}", props.layer + 1) }</span>
                <span class="head-toggles" role="group" aria-label="Heads drawn">
                    { for (0..heads).map(|h| {
                        let on = shown.get(h) == Some(&true);
                        let c = palette[h % palette.len()];
                        let toggle = {
                            let shown = shown.clone();
                            Callback::from(move |_: MouseEvent| {
                                let mut next = (*shown).clone();
                                if let Some(v) = next.get_mut(h) { *v = !*v; }
                                shown.set(next);
                            })
                        };
                        html! {
                            <button type="button" class="head-toggle" aria-pressed={on.to_string()}
                                data-css={format!("--swatch:rgb({},{},{})", c.0, c.1, c.2)} onclick={toggle}>
                                { format!("H{}", h + 1) }
                            </button>
                        }
                    }) }
                </span>
            </figcaption>
            <canvas id={props.id.clone()} ref={canvas_ref} role="img"
                aria-label={format!("Lines from each token (left) to the tokens it attends to (right) in layer {}; opacity is the weight.", props.layer + 1)}
                {onmousemove} {onmouseleave} />
        </figure>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strongest_keeps_the_largest_visible_weights() {
        let row = [0.3, 0.005, 0.2, 0.25, 0.245];
        let mut top = super::strongest(&row, 3);
        top.sort_unstable();
        assert_eq!(top, vec![0, 3, 4]);
        assert_eq!(super::strongest(&row, 8).len(), 4);
    }
}
