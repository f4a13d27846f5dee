//! One embedded view: the component behind `<attn-scope>`, the `#/embed` route and the home
//! page's live view. It runs its model through the live-engine hook (so typing follows
//! keystroke by keystroke, exactly as on the app's pages) and draws one view with the app's
//! own components.

use super::detail::ResultDetail;
use super::options::{EmbedSpec, EngineChoice, ViewKind};
use crate::backend::Backend;
use crate::components::head_grid::HeadGrid;
use crate::components::head_lines::HeadLines;
use crate::components::heatmap_plot::HeatmapPlot;
use crate::components::live_text::LiveText;
use crate::components::pooling_view::PoolingView;
use crate::components::probability_bars::ProbabilityBars;
use crate::engine::live::{use_live_engine, LiveRequest, LoadState, Shown};
use crate::engine::page::{device_lost, use_page_backend};
use crate::plot::heatmap::AxisLabels;
use attnscope_core::positional_encoding::{positional_encoding, PeParams};
use attnscope_core::rollout::rollout;
use attnscope_core::{Interventions, Matrix};
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// What an embed tells its host.
#[derive(Debug, Clone, PartialEq)]
pub enum EmbedEvent {
    /// A forward finished and the view shows it.
    Result(Rc<ResultDetail>),
    /// Something is wrong, worded for a reader.
    Error(String),
}

/// Props of [`EmbedView`].
#[derive(Properties, PartialEq)]
pub struct EmbedViewProps {
    /// What to show.
    pub spec: EmbedSpec,
    /// Problems found in the options (shown, and sent as error events).
    pub problems: Vec<String>,
    /// Receives results and errors.
    pub on_event: Callback<EmbedEvent>,
    /// A link that opens the same view in the full app, if any.
    #[prop_or_default]
    pub app_link: Option<AttrValue>,
}

/// The reader's own changes: what they typed, heads they switched off, the head they opened.
#[derive(Debug, Clone, PartialEq)]
struct Local {
    text: String,
    input_at: Option<f64>,
    heads_off: Vec<(usize, usize)>,
    open: (usize, usize),
}

/// Positions and dimensions of the positional-encoding view.
const PE_SIZE: (usize, usize) = (64, 128);

/// One live view of one model.
#[component]
pub fn EmbedView(props: &EmbedViewProps) -> Html {
    let spec = &props.spec;
    let local = use_state(|| Local {
        text: spec.text.clone(),
        input_at: None,
        heads_off: spec.heads_off.clone(),
        open: (spec.layer, spec.head),
    });
    // A new `text`, `off`, `layer` or `head` from the host replaces the reader's changes.
    {
        let local = local.clone();
        let deps = (
            spec.text.clone(),
            spec.heads_off.clone(),
            spec.layer,
            spec.head,
        );
        use_effect_with(deps, move |(text, off, layer, head)| {
            let next = Local {
                text: text.clone(),
                input_at: None,
                heads_off: off.clone(),
                open: (*layer, *head),
            };
            if *local != next {
                local.set(next);
            }
        });
    }
    let page_backend = use_page_backend();
    // `auto` follows the reader's saved choice (the header's Engine menu), if any.
    let choice = match spec.engine {
        EngineChoice::Auto => EngineChoice::saved(),
        forced => forced,
    };
    let backend = choice.offered(page_backend);
    let models = if spec.view == ViewKind::Pe {
        vec![]
    } else {
        vec![spec.model]
    };
    let request = LiveRequest {
        text: local.text.clone(),
        interventions: Interventions {
            masked_tokens: spec.masked.clone(),
            heads_off: local.heads_off.clone(),
            ..Interventions::default()
        },
        input_at: local.input_at,
    };
    let live = use_live_engine(
        &backend,
        choice,
        &models,
        request,
        Callback::noop(),
        Callback::from(device_lost),
    );
    let slot = live.slot(spec.model.name);
    let shown = slot.and_then(|s| s.shown.clone());
    let at = shown
        .as_ref()
        .and_then(|s| s.maps())
        .map(|maps| clamp_head(local.open, maps.layers, maps.heads));
    let pe = use_memo((), |()| {
        let params = PeParams::new(PE_SIZE.0, PE_SIZE.1, 10_000.0).expect("valid PE size");
        Arc::new(positional_encoding(&params).into_matrix())
    });

    let mut problems = props.problems.clone();
    if let (Some(maps), Some(shown_at)) = (shown.as_ref().and_then(|s| s.maps()), at) {
        if (spec.layer, spec.head) == local.open && shown_at != local.open {
            problems.push(format!(
                "There is no layer {} head {} in {}: it has {} layers and {} heads (numbered from 0); showing layer {} head {}.",
                spec.layer, spec.head, spec.model.name, maps.layers, maps.heads, shown_at.0, shown_at.1
            ));
        }
    }
    if let Some(slot) = slot {
        if let LoadState::Failed(why) = &slot.load {
            problems.push(format!("{} could not be loaded: {why}", spec.model.name));
        }
        problems.extend(slot.error.clone());
    }
    use_events(props, shown.clone(), at, &local.heads_off, &pe, &problems);

    let on_edit = {
        let local = local.clone();
        Callback::from(move |(text, at): (String, f64)| {
            local.set(Local {
                text,
                input_at: Some(at),
                ..(*local).clone()
            })
        })
    };
    let engine_note = match (&backend, spec.engine, slot.and_then(|s| s.gpu_note())) {
        (Backend::Cpu(reason), EngineChoice::Gpu, _) => Some(format!(
            "The GPU engine was asked for, but {reason}; the CPU engine runs."
        )),
        (_, _, Some(note)) => Some(format!("The CPU engine runs: {note}.")),
        _ => None,
    };
    let status = match slot.map(|s| &s.load) {
        _ if spec.view == ViewKind::Pe => html! {},
        Some(LoadState::Loading(stage, fraction)) => {
            let id = format!("{}-progress", spec.model.name);
            html! {
                <div class="load-state">
                    <label for={id.clone()}>{ format!("{stage}…") }</label>
                    <progress id={id} max="1" value={fraction.to_string()}></progress>
                </div>
            }
        }
        None => html! { <p class="muted load-state">{ "Waiting for the compute backend…" }</p> },
        _ => html! {},
    };
    let summary = shown.as_ref().map(|s| summary(s)).unwrap_or_default();
    let highlight = use_state(|| None::<usize>);
    html! {
        <div class="embed-view" data-view={spec.view.name()} data-model={spec.model.name}>
            if !problems.is_empty() {
                <ul class="embed-problems notice" role="alert">
                    { for problems.iter().map(|p| html! { <li>{ p }</li> }) }
                </ul>
            }
            if spec.editable && spec.view != ViewKind::Pe {
                <LiveText id="embed-text" label="Text" text={local.text.clone()} autofocus={false}
                    help="The view follows every keystroke."
                    examples={spec.model.examples.to_vec()} {on_edit} />
            }
            { status }
            if let Some(note) = engine_note {
                <p class="muted engine-note">{ note }</p>
            }
            { summary }
            { body(spec, shown.as_ref(), at, &local, &highlight, &pe) }
            if let Some(href) = &props.app_link {
                <p class="embed-credit"><a href={href.clone()} target="_blank" rel="noopener">{ "Open in attnscope" }</a>{ " · runs in your browser, nothing is sent anywhere" }</p>
            }
        </div>
    }
}

/// The layer and head to draw: the ones asked for, kept inside the model.
fn clamp_head((layer, head): (usize, usize), layers: usize, heads: usize) -> (usize, usize) {
    (
        layer.min(layers.saturating_sub(1)),
        head.min(heads.saturating_sub(1)),
    )
}

/// Sends a result event for each new result, and each new problem once as an error event.
#[hook]
fn use_events(
    props: &EmbedViewProps,
    shown: Option<Rc<Shown>>,
    at: Option<(usize, usize)>,
    heads_off: &[(usize, usize)],
    pe: &Arc<Matrix>,
    problems: &[String],
) {
    let sent = use_mut_ref(Vec::<String>::new);
    {
        let on_event = props.on_event.clone();
        use_effect_with(problems.to_vec(), move |problems| {
            let mut sent = sent.borrow_mut();
            for problem in problems.iter().filter(|p| !sent.contains(p)) {
                on_event.emit(EmbedEvent::Error(problem.clone()));
            }
            *sent = problems.clone();
        });
    }
    let spec = props.spec.clone();
    let on_event = props.on_event.clone();
    let pe = pe.clone();
    let seq = shown.as_ref().map(|s| s.seq);
    let deps = (seq, at, heads_off.to_vec(), spec.view, spec.text.clone());
    use_effect_with(deps, move |(_, at, off, view, text)| {
        let detail = match (view, shown) {
            (ViewKind::Pe, _) => ResultDetail::positional_encoding(text, &pe),
            (_, Some(shown)) => ResultDetail::new(&spec, &shown, at.unwrap_or((0, 0)), off),
            (_, None) => return,
        };
        on_event.emit(EmbedEvent::Result(Rc::new(detail)));
    });
}

/// A hidden record of the result for scripts and tests: engine, text, probabilities.
fn summary(shown: &Shown) -> Html {
    let probabilities = shown.classification().map(|c| {
        let values: Vec<String> = c.probabilities.iter().map(|v| format!("{v:.6}")).collect();
        values.join(",")
    });
    html! {
        <div class="trace-summary" hidden=true data-seq={shown.seq.to_string()} data-text={shown.text.clone()}
            data-engine={shown.computed.engine.name()} data-t={shown.tokens.len().to_string()}
            data-probabilities={probabilities.unwrap_or_default()}></div>
    }
}

/// The view itself (with the class probabilities or the translation above it).
fn body(
    spec: &EmbedSpec,
    shown: Option<&Rc<Shown>>,
    at: Option<(usize, usize)>,
    local: &UseStateHandle<Local>,
    highlight: &UseStateHandle<Option<usize>>,
    pe: &Arc<Matrix>,
) -> Html {
    let name = spec.model.name;
    if spec.view == ViewKind::Pe {
        let (n, d) = PE_SIZE;
        return html! {
            <HeatmapPlot id="embed-pe" caption={format!("Sinusoidal positional encoding: {n} positions × {d} dimensions")}
                matrix={pe.clone()} range={(-1.0, 1.0)} x_label="dimension" y_label="position"
                row_name="pos" col_name="dim" css_height={360.0} export_name="positional-encoding" />
        };
    }
    let Some(shown) = shown else {
        return html! {};
    };
    let on_highlight = {
        let highlight = highlight.clone();
        Callback::from(move |t: Option<usize>| {
            if *highlight != t {
                highlight.set(t)
            }
        })
    };
    let outcome = match (shown.classification(), shown.translation()) {
        (Some(c), _) => {
            html! { <ProbabilityBars labels={c.labels.clone()} probabilities={c.probabilities.clone()} /> }
        }
        (_, Some((_, _, text))) => html! { <p class="translation" lang="es">{ text }</p> },
        _ => html! {},
    };
    let message = shown
        .computed
        .trace
        .message
        .as_ref()
        .map(|m| html! { <p class="notice trace-message" role="status">{ m }</p> });
    let tokens = shown.tokens.clone();
    let labels = Rc::new(AxisLabels {
        rows: (*tokens).clone(),
        cols: (*tokens).clone(),
    });
    let height = (220.0 + tokens.len() as f64 * 6.0).clamp(300.0, 560.0);
    let view = match (spec.view, shown.maps(), at) {
        (ViewKind::Heatmap, Some(maps), Some((l, h))) => {
            let map = Matrix::from_vec(maps.len, maps.len, maps.map(l, h).to_vec())
                .unwrap_or_else(|| Matrix::zeros(0, 0));
            html! {
                <HeatmapPlot id={format!("{name}-head")} caption={format!("Layer {} head {} · {}", l + 1, h + 1, spec.model.label)}
                    matrix={Arc::new(map)} range={(0.0, 1.0)} x_label="key (attended to)" y_label="query"
                    row_name="query" col_name="key" css_height={height} export_name={format!("{name}-l{}h{}", l + 1, h + 1)}
                    labels={Some(labels)} highlight_row={**highlight} highlight_col={**highlight} />
            }
        }
        (ViewKind::Head, Some(maps), Some((l, _))) => html! {
            <HeadLines id={format!("{name}-lines")} attention={maps} layer={l} tokens={tokens}
                highlight={**highlight} {on_highlight} />
        },
        (ViewKind::Model, Some(maps), Some(open)) => {
            let on_open = {
                let local = local.clone();
                Callback::from(move |open| {
                    local.set(Local {
                        open,
                        ..(*local).clone()
                    })
                })
            };
            let on_toggle = {
                let local = local.clone();
                Callback::from(move |head: (usize, usize)| {
                    let mut next = (*local).clone();
                    match next.heads_off.iter().position(|&h| h == head) {
                        Some(i) => {
                            next.heads_off.remove(i);
                        }
                        None => next.heads_off.push(head),
                    }
                    next.input_at = Some(crate::dom::now_ms());
                    local.set(next);
                })
            };
            html! {
                <HeadGrid id={format!("{name}-grid")} attention={maps} heads_off={local.heads_off.clone()}
                    {open} {on_open} {on_toggle} />
            }
        }
        (ViewKind::Rollout, Some(maps), _) => {
            let off = &local.heads_off;
            let rolled = rollout(&maps, |l, h| off.contains(&(l, h)));
            html! {
                <HeatmapPlot id={format!("{name}-rollout")} caption="Attention rollout across layers (Abnar & Zuidema 2020)"
                    matrix={Arc::new(rolled)} range={(0.0, 1.0)} x_label="input token" y_label="position"
                    row_name="position" col_name="token" css_height={height} export_name={format!("{name}-rollout")}
                    labels={Some(labels)} highlight_row={**highlight} highlight_col={**highlight} />
            }
        }
        (ViewKind::Pooling, ..) => match &shown.computed.trace.attention {
            attnscope_core::trace::Attention::Pooling { weights } => html! {
                <PoolingView tokens={(*tokens).clone()} weights={weights.clone()} highlight={**highlight} {on_highlight} />
            },
            _ => html! {},
        },
        (ViewKind::Alignment, ..) => match (shown.alignment(), shown.translation()) {
            (Some(alignment), Some((_, target, _))) => {
                let labels = Rc::new(AxisLabels {
                    rows: target.to_vec(),
                    cols: (*tokens).clone(),
                });
                let height = (200.0 + alignment.rows().max(1) as f64 * 22.0).clamp(300.0, 640.0);
                html! {
                    <HeatmapPlot id="alignment" caption="Cross-attention: generated Spanish token × English source token"
                        matrix={alignment} range={(0.0, 1.0)} x_label="English (source)" y_label="Spanish (generated)"
                        row_name="step" col_name="source" css_height={height} export_name="alignment"
                        labels={Some(labels)} />
                }
            }
            _ => html! {},
        },
        _ => html! {},
    };
    html! { <>{ outcome }{ for message }{ view }</> }
}
