//! The head view (after BertViz): each token on the left joined to each token on the right
//! by a line whose opacity is the attention weight, one colour per head of the layer.
//! Hovering a token on the left shows only its lines.

use super::{use_ui, UiContext};
use crate::hooks::screen::use_on_screen;
use crate::hooks::width::use_css_width;
use crate::plot::canvas::context_for_css_box;
use crate::plot::colormap::line_palette;
use crate::plot::head_lines::{lines, row_height, row_y, view_height, OPACITY_LEVELS};
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
    ///
    /// 0-based; a layer the maps do not have draws no lines (only the labels).
    pub layer: usize,
    /// Token texts.
    pub tokens: Rc<Vec<String>>,
    /// The token whose lines alone are drawn.
    pub highlight: Option<usize>,
    /// Called with the token under the pointer.
    pub on_highlight: Callback<Option<usize>>,
}

/// Lines between the tokens for every shown head of one layer.
#[component]
pub fn HeadLines(props: &HeadLinesProps) -> Html {
    let ui = use_ui();
    let canvas_ref = use_node_ref();
    let heads = props.attention.heads;
    // The heads the reader switched off in this view. Kept as a set, not one flag per head
    // sized from the first maps seen, so a model with more heads (a brought 12-head MiniLM
    // after the 4-head sentiment model) draws every head and every toggle works.
    let hidden = use_state(Vec::<usize>::new);
    let shown: Vec<bool> = (0..heads).map(|h| !hidden.contains(&h)).collect();
    let t = props.attention.len;
    let row = row_height(t);
    let css_height = view_height(t);
    let on_screen = use_on_screen(canvas_ref.clone());
    let width = use_css_width(canvas_ref.clone());
    {
        let canvas_ref = canvas_ref.clone();
        // Everything the drawing reads: a change of any of them redraws, nothing else does.
        // `on_screen` and `width` are there so that scrolling in or resizing draws the latest.
        let deps = (
            props.attention.clone(),
            props.layer,
            shown.clone(),
            props.highlight,
            props.tokens.clone(),
            ui,
            on_screen,
            width,
        );
        use_effect_with(
            deps,
            move |(attention, layer, shown, highlight, tokens, ui, on_screen, width)| {
                let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else {
                    return;
                };
                // Off screen, nothing is drawn: scrolling it in draws the latest lines.
                crate::hooks::screen::mark_stale(&canvas, !*on_screen);
                if !*on_screen {
                    return;
                }
                let scene = Scene {
                    attention,
                    layer: *layer,
                    shown,
                    highlight: *highlight,
                    tokens,
                };
                draw(&canvas, &scene, *ui, (css_height, *width));
            },
        );
    }
    let onmousemove = {
        let on_highlight = props.on_highlight.clone();
        Callback::from(move |event: MouseEvent| {
            // Row i is centred at (i + 1.5) rows (`row_y`), so it spans [i + 1, i + 2) rows from
            // the top; the first row of padding and anything below the last token is no token.
            let at = (event.offset_y() as f64 / row - 1.0).floor();
            let index = (at >= 0.0 && (at as usize) < t).then_some(at as usize);
            on_highlight.emit(index);
        })
    };
    let onmouseleave = props.on_highlight.reform(|_: MouseEvent| None);
    let palette = line_palette(ui.dark);
    let root = crate::hooks::data_css::use_data_css();
    html! {
        <figure class="plot head-lines" ref={root}>
            <figcaption>
                <span class="plot-title">{ format!("Head view · layer {}", props.layer + 1) }</span>
                <span class="head-toggles" role="group" aria-label="Heads drawn">
                    { for (0..heads).map(|h| {
                        let on = shown[h];
                        let c = palette[h % palette.len()];
                        let toggle = {
                            let hidden = hidden.clone();
                            Callback::from(move |_: MouseEvent| {
                                let mut next = (*hidden).clone();
                                match next.iter().position(|&x| x == h) {
                                    Some(i) => { next.remove(i); }
                                    None => next.push(h),
                                }
                                hidden.set(next);
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

/// What the head view draws: one layer's maps, the heads shown, the highlighted token.
struct Scene<'a> {
    attention: &'a SelfAttention,
    layer: usize,
    shown: &'a [bool],
    highlight: Option<usize>,
    tokens: &'a [String],
}

/// Draws `scene` on `canvas` at (CSS height, measured CSS width): one path per head and
/// opacity level, then the token labels on both sides (thinned to fit, the highlighted one
/// bold).
fn draw(
    canvas: &HtmlCanvasElement,
    scene: &Scene<'_>,
    ui: UiContext,
    (css_height, width): (f64, Option<u32>),
) {
    let Scene {
        attention,
        layer,
        shown,
        highlight,
        tokens,
    } = *scene;
    let Ok((context, scale)) = context_for_css_box(canvas, css_height, width) else {
        return;
    };
    let style = ui.plot_style(scale);
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    let color = |c: plotters::style::RGBColor| format!("rgb({},{},{})", c.0, c.1, c.2);
    context.set_fill_style_str(&color(style.background));
    context.fill_rect(0.0, 0.0, w, h);
    // Labels take at most 28 % of the width on each side (140 CSS px), the lines the middle.
    let text_w = (w * 0.28).min(140.0 * scale);
    let (left_x, right_x) = (text_w, w - text_w);
    let y = |i: usize| row_y(attention.len, i) * scale;
    let row = row_height(attention.len);
    // With many tokens rows get thinner than a label: only every n-th label is drawn (the
    // highlighted one always).
    let label_every = crate::plot::heatmap::label_stride(row, 14.0);
    let palette = line_palette(ui.dark);
    context.set_line_width(2.0 * scale);
    let (x0, x1) = (left_x + 6.0 * scale, right_x - 6.0 * scale);
    for head in (0..attention.heads).filter(|&h| shown.get(h) == Some(&true)) {
        if layer >= attention.layers {
            break;
        }
        let map = attention.map(layer, head);
        context.set_stroke_style_str(&color(palette[head % palette.len()]));
        // One path per opacity level: a few canvas calls per head, not one per line.
        let mut paths = vec![String::new(); OPACITY_LEVELS];
        for line in lines(map, attention.len, highlight) {
            // Whole device pixels: integer formatting is far cheaper than f64's.
            let _ = write!(
                paths[line.level - 1],
                "M{} {}L{} {}",
                x0 as i32,
                y(line.from) as i32,
                x1 as i32,
                y(line.to) as i32
            );
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
        let bold = highlight == Some(i);
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
}
