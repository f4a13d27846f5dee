//! The live translation page (`#/translate`): type English, the greedy Spanish translation
//! and its cross-attention alignment update with every keystroke; a step-through replays the
//! decoding one token at a time with the decoder's attention and its top-5 candidates.
//!
//! It reuses the live page's machinery: [`LiveText`], the engine and its schedule (one decode
//! per frame, latest wins, stale results dropped), [`HeatmapPlot`] with token axes and
//! exports, and the latency readout.

use crate::backend::{Backend, SharedGpu};
use crate::components::heatmap_plot::HeatmapPlot;
use crate::components::live_text::LiveText;
use crate::components::notices::Notices;
use crate::engine::catalog::TRANSLATOR;
use crate::engine::schedule::{self, Job, Outcome, Scheduler};
use crate::engine::{Computed, Engine, RunError};
use crate::plot::heatmap::AxisLabels;
use crate::route::{Query, Route};
use crate::views::perf::{use_paint_latency, Painted};
use crate::views::url_sync::use_url_sync;
use attnscope_core::trace::{Decoding, Output, StopReason};
use attnscope_core::Matrix;
use std::rc::Rc;
use yew::prelude::*;

/// Most characters of the text the URL keeps.
const URL_TEXT_LIMIT: usize = 2000;

/// Props of [`TranslateView`].
#[derive(Properties, PartialEq)]
pub struct TranslateViewProps {
    /// The URL query the page starts from.
    pub query: Query,
    /// The backend the app found.
    pub backend: Backend,
    /// Called when the GPU device is lost.
    pub on_device_lost: Callback<String>,
}

/// Reads `text=` from the URL; anything else is ignored with a notice.
pub fn text_from_query(query: &Query) -> (String, Vec<String>) {
    let mut text = TRANSLATOR.examples[0].to_owned();
    let mut notices = Vec::new();
    for (key, value) in query {
        match key.as_str() {
            "text" => text = value.clone(),
            _ => notices.push(format!("Ignored the unknown URL parameter “{key}”.")),
        }
    }
    (text, notices)
}

/// A decoded result and what the views derive from it.
#[derive(Debug, PartialEq)]
struct Translated {
    seq: u64,
    text: String,
    input_at: Option<f64>,
    computed: Computed,
    source: Vec<String>,
    target: Vec<String>,
    alignment: Rc<Matrix>,
    labels: Rc<AxisLabels>,
    /// Each step's five most likely next tokens, named.
    candidates: Vec<Vec<(String, f32)>>,
}

impl Translated {
    fn new(
        outcome_seq: u64,
        text: String,
        input_at: Option<f64>,
        computed: Computed,
        name: &dyn Fn(u32) -> String,
    ) -> Self {
        let source: Vec<String> = computed
            .trace
            .tokens
            .iter()
            .map(|t| t.text.clone())
            .collect();
        let (target, alignment) = match &computed.trace.output {
            Output::Translation {
                tokens, decoding, ..
            } => (tokens.clone(), decoding.cross_attention.clone()),
            _ => (Vec::new(), Matrix::zeros(0, 0)),
        };
        let labels = Rc::new(AxisLabels {
            rows: target.clone(),
            cols: source.clone(),
        });
        let candidates = match &computed.trace.output {
            Output::Translation { decoding, .. } => decoding
                .top_k
                .iter()
                .map(|step| step.iter().map(|&(id, p)| (name(id), p)).collect())
                .collect(),
            _ => Vec::new(),
        };
        Self {
            candidates,
            seq: outcome_seq,
            text,
            input_at,
            computed,
            source,
            target,
            alignment: Rc::new(alignment),
            labels,
        }
    }

    fn decoding(&self) -> Option<&Decoding> {
        match &self.computed.trace.output {
            Output::Translation { decoding, .. } => Some(decoding),
            _ => None,
        }
    }

    fn translation(&self) -> &str {
        match &self.computed.trace.output {
            Output::Translation { text, .. } => text,
            _ => "",
        }
    }
}

/// Which token the pointer or focus is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hover {
    /// An English (source) token.
    Source(usize),
    /// A Spanish (generated) token.
    Target(usize),
}

/// What the page holds.
#[derive(Debug, Clone, PartialEq)]
struct TranslateState {
    text: String,
    changed_at: Option<f64>,
    notices: Vec<String>,
    load: Result<Option<(String, f64)>, String>,
    engine: Option<EngineRef>,
    shown: Option<Rc<Translated>>,
    error: Option<String>,
}

#[derive(Debug, Clone)]
struct EngineRef(Rc<Engine>);

impl PartialEq for EngineRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

enum TranslateAction {
    Text(String, f64),
    Loading(String, f64),
    Loaded(Rc<Engine>),
    Failed(String),
    Outcome(Box<Outcome>),
    Notice(String),
    DismissNotices,
}

impl Reducible for TranslateState {
    type Action = TranslateAction;

    fn reduce(self: Rc<Self>, action: TranslateAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            TranslateAction::Text(text, at) => {
                next.text = text;
                next.changed_at = Some(at);
            }
            TranslateAction::Loading(stage, fraction) => next.load = Ok(Some((stage, fraction))),
            TranslateAction::Loaded(engine) => {
                next.load = Ok(None);
                next.engine = Some(EngineRef(engine));
            }
            TranslateAction::Failed(why) => next.load = Err(why),
            TranslateAction::Outcome(outcome) => {
                let outcome = *outcome;
                if next.shown.as_ref().is_some_and(|s| s.seq > outcome.seq) {
                    return self;
                }
                match outcome.result {
                    Ok(computed) => {
                        let target = next
                            .engine
                            .as_ref()
                            .and_then(|e| e.0.model.target_tokenizer.clone());
                        let name = |id: u32| {
                            target
                                .as_ref()
                                .and_then(|t| t.token(id).map(str::to_owned))
                                .unwrap_or_else(|| format!("#{id}"))
                        };
                        next.shown = Some(Rc::new(Translated::new(
                            outcome.seq,
                            outcome.text,
                            outcome.input_at,
                            computed,
                            &name,
                        )));
                        next.error = None;
                    }
                    Err(RunError::DeviceLost(_)) => {}
                    Err(RunError::Failed(why)) => next.error = Some(why),
                }
            }
            TranslateAction::Notice(text) => {
                if !next.notices.contains(&text) {
                    next.notices.push(text);
                }
            }
            TranslateAction::DismissNotices => next.notices.clear(),
        }
        Rc::new(next)
    }
}

/// The live translation page.
#[component]
pub fn TranslateView(props: &TranslateViewProps) -> Html {
    let state = use_reducer(|| {
        let (text, notices) = text_from_query(&props.query);
        TranslateState {
            text,
            changed_at: None,
            notices,
            load: Ok(Some(("Waiting for the backend".into(), 0.0))),
            engine: None,
            shown: None,
            error: None,
        }
    });
    let hover = use_state(|| None::<Hover>);
    let step = use_state(|| 0usize);
    let scheduler = use_mut_ref(Scheduler::default);

    use_url_sync(
        Route::Translate,
        vec![(
            "text".to_owned(),
            state.text.chars().take(URL_TEXT_LIMIT).collect(),
        )],
    );

    // Load the translator once the backend is known.
    {
        let dispatch = state.dispatcher();
        let gpu = match &props.backend {
            Backend::Detecting => None,
            Backend::WebGpu(SharedGpu(context)) => Some(Some((**context).clone())),
            Backend::Cpu(_) => Some(None),
        };
        let detected = gpu.is_some();
        use_effect_with(detected, move |detected| {
            if !*detected {
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                let progress_dispatch = dispatch.clone();
                let progress = move |stage: &str, fraction: f64| {
                    progress_dispatch.dispatch(TranslateAction::Loading(stage.to_owned(), fraction))
                };
                match Engine::load(&TRANSLATOR, gpu.flatten(), &progress).await {
                    Ok(engine) => dispatch.dispatch(TranslateAction::Loaded(Rc::new(engine))),
                    Err(why) => dispatch.dispatch(TranslateAction::Failed(why)),
                }
            });
        });
    }

    // Decode whenever the text changes (one decode per frame, latest wins).
    {
        let deliver: Rc<dyn Fn(Outcome)> = {
            let (dispatch, on_lost) = (state.dispatcher(), props.on_device_lost.clone());
            Rc::new(move |outcome: Outcome| {
                if let Err(RunError::DeviceLost(reason)) = &outcome.result {
                    dispatch.dispatch(TranslateAction::Notice(format!(
                        "The GPU device was lost ({reason}); attnscope switched to the CPU engine and kept your text."
                    )));
                    on_lost.emit(reason.clone());
                }
                dispatch.dispatch(TranslateAction::Outcome(Box::new(outcome)));
            })
        };
        let scheduler = scheduler.clone();
        let changed_at = state.changed_at;
        use_effect_with(
            (state.text.clone(), state.engine.clone()),
            move |(text, engine)| {
                let Some(engine) = engine else { return };
                let seq = scheduler.borrow_mut().next_seq();
                let job = Job {
                    seq,
                    text: text.clone(),
                    interventions: Default::default(),
                    input_at: changed_at,
                    engines: vec![engine.0.clone()],
                };
                schedule::submit(&scheduler, job, deliver);
            },
        );
    }

    use_paint_latency(state.shown.as_ref().map(|shown| Painted {
        seq: shown.seq,
        input_at: shown.input_at,
        engine: shown.computed.engine.name(),
        tokens: shown.source.len(),
        forward_ms: shown.computed.forward_ms,
    }));

    let dispatch = state.dispatcher();
    let on_edit = {
        let (dispatch, step) = (dispatch.clone(), step.clone());
        Callback::from(move |(text, at): (String, f64)| {
            step.set(0);
            dispatch.dispatch(TranslateAction::Text(text, at))
        })
    };
    let on_dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| dispatch.dispatch(TranslateAction::DismissNotices))
    };
    let status = match &state.load {
        Ok(Some((stage, fraction))) => html! {
            <div class="load-state">
                <label for="translate-progress">{ format!("{stage}…") }</label>
                <progress id="translate-progress" max="1" value={fraction.to_string()}></progress>
            </div>
        },
        Ok(None) => html! {},
        Err(why) => html! { <p class="field-message error" role="alert">{ why }</p> },
    };
    let note = state
        .engine
        .as_ref()
        .and_then(|e| e.0.gpu_note.clone())
        .map(|note| html! { <p class="muted engine-note">{ format!("The translator runs on the CPU: {note}.") }</p> });
    let body = state
        .shown
        .as_ref()
        .map(|shown| result_views(shown, *hover, &hover, &step))
        .unwrap_or_default();

    html! {
        <section id="translate-view" class="view live" aria-labelledby="translate-title">
            <h1 id="translate-title">{ "Live translation" }</h1>
            <Notices messages={state.notices.clone()} {on_dismiss} />
            <p class="lede">{ "An LSTM encoder–decoder with attention (trained by us on Tatoeba) translates English into Spanish as you type. Each row of the alignment is one decoding step: which English tokens the decoder looked at to write that Spanish token." }</p>
            <LiveText id="translate-text" label="English" text={state.text.clone()}
                help="Every keystroke decodes again (greedy: the most likely token at each step)."
                examples={TRANSLATOR.examples.to_vec()} {on_edit} />
            <p id="live-perf" class="perf" aria-live="off"></p>
            { status }
            { for note }
            if let Some(error) = &state.error { <p class="field-message error" role="alert">{ error }</p> }
            { body }
        </section>
    }
}

fn chip_style(weight: Option<f32>) -> String {
    weight.map_or(String::new(), |w| {
        format!("--weight:{:.3}", w.clamp(0.0, 1.0))
    })
}

/// The translation, token chips, alignment and step-through of one result.
fn result_views(
    shown: &Rc<Translated>,
    hover: Option<Hover>,
    set_hover: &UseStateHandle<Option<Hover>>,
    step: &UseStateHandle<usize>,
) -> Html {
    let trace = &shown.computed.trace;
    let summary = {
        let (ids, stop, steps) = shown.decoding().map_or((String::new(), "", 0), |d| {
            (
                d.ids
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
                match d.stop {
                    StopReason::EndToken => "end",
                    StopReason::MaxLength => "max",
                },
                d.ids.len(),
            )
        });
        html! {
            <div class="trace-summary" hidden=true id="summary-translate"
                data-seq={shown.seq.to_string()} data-text={shown.text.clone()}
                data-engine={shown.computed.engine.name()} data-ids={ids}
                data-tokens={shown.target.join(" ")} data-source={shown.source.join(" ")}
                data-translation={shown.translation().to_owned()}
                data-stop={stop} data-steps={steps.to_string()}
                data-forward-ms={format!("{:.3}", shown.computed.forward_ms)}
                data-submits={shown.computed.submits.to_string()} data-dispatches={shown.computed.dispatches.to_string()}></div>
        }
    };
    let message = trace
        .message
        .as_ref()
        .map(|m| html! { <p class="notice trace-message" role="status">{ m }</p> });
    let Some(decoding) = shown.decoding() else {
        return html! { <>{ summary }{ for message }</> };
    };
    let max_len = shown.alignment.rows();
    let stop = match decoding.stop {
        StopReason::EndToken => format!(
            "Stopped at the end token after {} step{}.",
            decoding.ids.len(),
            if decoding.ids.len() == 1 { "" } else { "s" }
        ),
        StopReason::MaxLength => format!(
            "Stopped at the model's maximum length ({max_len} tokens) without an end token."
        ),
    };
    let unknown =
        !shown.source.is_empty() && trace.tokens.iter().all(|t| t.special || t.text == "[UNK]");
    let source_weight = |j: usize| match hover {
        Some(Hover::Target(i)) => shown.alignment.get(i, j),
        _ => None,
    };
    let target_weight = |i: usize| match hover {
        Some(Hover::Source(j)) => shown.alignment.get(i, j),
        _ => None,
    };
    let chips = |side: &str,
                 tokens: &[String],
                 weight: &dyn Fn(usize) -> Option<f32>,
                 make: fn(usize) -> Hover| {
        let leave = {
            let set_hover = set_hover.clone();
            Callback::from(move |_: MouseEvent| set_hover.set(None))
        };
        html! {
            <div class="token-chips align-chips" role="list" aria-label={format!("{side} tokens")} onmouseleave={leave}>
                { for tokens.iter().enumerate().map(|(i, token)| {
                    let enter = { let set_hover = set_hover.clone(); Callback::from(move |_: MouseEvent| set_hover.set(Some(make(i)))) };
                    let focus = { let set_hover = set_hover.clone(); Callback::from(move |_: FocusEvent| set_hover.set(Some(make(i)))) };
                    let active = hover == Some(make(i));
                    html! {
                        <span role="listitem" tabindex="0" class={classes!("token-chip", "align-chip", active.then_some("highlight"))}
                            data-index={i.to_string()} style={chip_style(weight(i))}
                            onmouseenter={enter} onfocus={focus}>{ token }</span>
                    }
                }) }
            </div>
        }
    };
    let (row, col) = match hover {
        Some(Hover::Target(i)) => (Some(i), None),
        Some(Hover::Source(j)) => (None, Some(j)),
        None => (None, None),
    };
    let height = (200.0 + max_len.max(1) as f64 * 22.0).clamp(300.0, 720.0);
    html! {
        <>
            { summary }
            { for message }
            <div class="translation-out">
                <p class="translation" id="translation" lang="es" aria-live="polite">{ shown.translation() }</p>
                <p class="muted" id="stop-reason">{ stop }</p>
                if unknown {
                    <p class="notice" role="status">{ "None of these words is in the model's English vocabulary, so it decodes from unknown-word tokens: expect a guess." }</p>
                }
            </div>
            <h2 class="sub">{ "Alignment" }</h2>
            <p class="muted">{ "Hover a Spanish token to see which English tokens it attended to, or an English token to see which Spanish tokens looked at it." }</p>
            { chips("English", &shown.source, &source_weight, Hover::Source) }
            { chips("Spanish", &shown.target, &target_weight, Hover::Target) }
            <div class="plots">
                <HeatmapPlot id="alignment" caption="Cross-attention: generated Spanish token × English source token"
                    matrix={shown.alignment.clone()} range={(0.0, 1.0)} x_label="English (source)" y_label="Spanish (generated)"
                    row_name="step" col_name="source" css_height={height} export_name="alignment"
                    labels={Some(shown.labels.clone())} highlight_row={row} highlight_col={col} csv=true zoomable=true />
            </div>
            <StepThrough shown={shown.clone()} step={step.clone()} />
        </>
    }
}

/// Props of [`StepThrough`].
#[derive(Properties, PartialEq)]
struct StepThroughProps {
    shown: Rc<Translated>,
    step: UseStateHandle<usize>,
}

/// Replays the decoding one token at a time: the decoder's attention over the source and its
/// five most likely next tokens at that step.
#[component]
fn StepThrough(props: &StepThroughProps) -> Html {
    let shown = &props.shown;
    let Some(decoding) = shown.decoding() else {
        return html! {};
    };
    let steps = decoding.ids.len();
    if steps == 0 {
        return html! {};
    }
    let k = (*props.step).min(steps - 1);
    let go = |to: usize| {
        let step = props.step.clone();
        Callback::from(move |_: MouseEvent| step.set(to))
    };
    let onkeydown = {
        let step = props.step.clone();
        Callback::from(move |event: KeyboardEvent| {
            let to = match event.key().as_str() {
                "ArrowLeft" => k.saturating_sub(1),
                "ArrowRight" => (k + 1).min(steps - 1),
                "Home" => 0,
                "End" => steps - 1,
                _ => return,
            };
            event.prevent_default();
            step.set(to);
        })
    };
    let oninput = {
        let step = props.step.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                if let Ok(v) = input.value().parse::<usize>() {
                    step.set(v.saturating_sub(1));
                }
            }
        })
    };
    let attention = shown.alignment.row(k);
    let written: Vec<&str> = shown.target[..k].iter().map(String::as_str).collect();
    let candidates = shown.candidates.get(k).cloned().unwrap_or_default();
    html! {
        <section class="step-through" aria-labelledby="step-title" {onkeydown}>
            <h2 id="step-title" class="sub">{ "Step through the decoding" }</h2>
            <div class="step-controls" role="group" aria-label="Decoding step">
                <button type="button" id="step-first" onclick={go(0)} disabled={k == 0} aria-label="First step">{ "First" }</button>
                <button type="button" id="step-prev" onclick={go(k.saturating_sub(1))} disabled={k == 0} aria-label="Previous step">{ "◀" }</button>
                <input type="range" id="step-range" min="1" max={steps.to_string()} value={(k + 1).to_string()}
                    aria-label="Decoding step" aria-valuetext={format!("step {} of {steps}", k + 1)} {oninput} />
                <button type="button" id="step-next" onclick={go((k + 1).min(steps - 1))} disabled={k + 1 >= steps} aria-label="Next step">{ "▶" }</button>
                <button type="button" id="step-last" onclick={go(steps - 1)} disabled={k + 1 >= steps} aria-label="Last step">{ "Last" }</button>
                <span id="step-label" aria-live="polite">{ format!("Step {} of {steps}", k + 1) }</span>
            </div>
            <p class="step-written">{ "Written so far: " }<span lang="es">{ if written.is_empty() { "(nothing yet)".to_owned() } else { written.join(" ") } }</span>
                { " → next: " }<strong lang="es">{ &shown.target[k] }</strong></p>
            <div class="step-panels">
                <table class="pooling-bars" id="step-attention">
                    <caption>{ format!("Attention over the English tokens at step {}", k + 1) }</caption>
                    <thead><tr><th scope="col">{ "token" }</th><th scope="col">{ "weight" }</th></tr></thead>
                    <tbody>
                        { for shown.source.iter().zip(attention).map(|(token, w)| html! {
                            <tr><th scope="row">{ token }</th>
                                <td><span class="pool-bar" style={format!("width:{:.1}%", w * 100.0)} aria-hidden="true"></span>{ format!("{w:.3}") }</td></tr>
                        }) }
                    </tbody>
                </table>
                <table class="pooling-bars" id="step-candidates">
                    <caption>{ format!("Top {} next tokens at step {}", candidates.len(), k + 1) }</caption>
                    <thead><tr><th scope="col">{ "token" }</th><th scope="col">{ "probability" }</th></tr></thead>
                    <tbody>
                        { for candidates.iter().map(|(name, p)| html! {
                            <tr><th scope="row" lang="es">{ name }</th>
                                <td><span class="pool-bar" style={format!("width:{:.1}%", p * 100.0)} aria-hidden="true"></span>{ format!("{:.1} %", p * 100.0) }</td></tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_gives_the_text_and_garbage_a_notice() {
        let query: Query = vec![
            ("text".into(), "the red car".into()),
            ("zoom".into(), "9".into()),
        ];
        let (text, notices) = text_from_query(&query);
        assert_eq!(text, "the red car");
        assert_eq!(notices.len(), 1);
        assert!(notices[0].contains("zoom"));
        let (text, notices) = text_from_query(&Vec::new());
        assert_eq!((text.as_str(), notices.len()), (TRANSLATOR.examples[0], 0));
    }
}
