//! One embedded view: the component behind `<attn-scope>`, the `#/embed` route and the home
//! page's live view. It runs its model through the live-engine hook (so typing follows
//! keystroke by keystroke, exactly as on the app's pages) and draws one view with the app's
//! own components.

use super::detail::ResultDetail;
use super::options::{EmbedSpec, EngineChoice, ViewKind};
use crate::components::figure_plot::FigurePlot;
use crate::components::live_text::LiveText;
use crate::components::notices::trace_message;
use crate::components::probability_bars::ProbabilityBars;
use crate::engine::backend::Backend;
use crate::engine::live::{use_live_engine, LiveRequest, LoadState, Shown, Slot};
use crate::engine::page::{device_lost, use_page_backend};
use attnscope_core::trace::SelfAttention;
use attnscope_core::Interventions;
use attnscope_plot::figure::{Figure, Needs, Selection};
use std::rc::Rc;
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
    /// The text to run: the host's until the reader types.
    text: String,
    /// When the reader's last change arrived (`performance.now()`); `None` for the host's.
    input_at: Option<f64>,
    /// Heads switched off, (layer, head), in the order they were switched.
    heads_off: Vec<(usize, usize)>,
    /// The head the heatmap and head views show, as asked (clamped against the maps later).
    open: (usize, usize),
}

/// One live view of one model.
#[component]
pub fn EmbedView(props: &EmbedViewProps) -> Html {
    let spec = &props.spec;
    let local = use_local(spec);
    let page_backend = use_page_backend();
    // `auto` follows the reader's saved choice (the header's Engine menu), if any.
    let choice = match spec.engine {
        EngineChoice::Auto => EngineChoice::saved(),
        forced => forced,
    };
    let backend = choice.offered(page_backend);
    // The PE view draws core's encoding and needs no model: nothing is downloaded for it.
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
        request.clone(),
        Callback::noop(),
        Callback::from(device_lost),
    );
    let slot = live.slot(spec.model.name);
    let shown = slot.and_then(|s| s.shown.clone());
    let asked = Selection {
        layer: local.open.0,
        head: local.open.1,
        heads_off: local.heads_off.clone(),
    };
    let maps = shown.as_ref().and_then(|s| s.maps());
    // Until the first result, nothing is known of the model's size, so the selection is
    // used as asked.
    let selection = match &maps {
        Some(maps) => asked.clamped(maps),
        None => asked.clone(),
    };
    // The result answers what is asked now (not a text or masks the host has since replaced).
    let fresh = shown
        .as_ref()
        .is_some_and(|s| s.text == request.text && s.interventions == request.interventions);
    let figure = use_figure(spec.view, shown.clone(), &selection);

    let problems = problems(props, slot, maps.as_deref(), (&asked, &selection));
    use_problem_events(props, &problems);
    let result = figure
        .clone()
        .filter(|_| fresh || spec.view == ViewKind::Pe);
    use_result_events(props, shown.clone(), result, &selection, &local.text);

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
    let engine_note = engine_note(&backend, spec.engine, slot);
    let status = status(spec, slot);
    let summary = shown.as_deref().map(summary).unwrap_or_default();
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
            { outcome(shown.as_deref(), spec.view == ViewKind::NextToken) }
            { body(spec, figure.as_ref(), &local, &highlight) }
            if let Some(href) = &props.app_link {
                <p class="embed-credit"><a href={href.clone()} target="_blank" rel="noopener">{ "Open in attnscope" }</a>{ " · runs in your browser, nothing is sent anywhere" }</p>
            }
        </div>
    }
}

/// The reader's changes, replaced by the host's whenever it sets `text`, `off`, `layer` or
/// `head` again.
#[hook]
fn use_local(spec: &EmbedSpec) -> UseStateHandle<Local> {
    let from_host = |spec: &EmbedSpec| Local {
        text: spec.text.clone(),
        input_at: None,
        heads_off: spec.heads_off.clone(),
        open: (spec.layer, spec.head),
    };
    let local = use_state(|| from_host(spec));
    // The host's values, not the reader's: when the host sets one of them again, the reader's
    // changes give way to it.
    let deps = (
        spec.text.clone(),
        spec.heads_off.clone(),
        spec.layer,
        spec.head,
    );
    let handle = local.clone();
    use_effect_with(deps, move |(text, off, layer, head)| {
        let next = Local {
            text: text.clone(),
            input_at: None,
            heads_off: off.clone(),
            open: (*layer, *head),
        };
        // The effect also runs on mount, where nothing has changed; skipping the equal value
        // saves a render.
        if *handle != next {
            handle.set(next);
        }
    });
    local
}

/// Everything wrong, worded for a reader: the options' problems, a head the model lacks
/// (`asked` against the `shown` selection), a model that failed to load, a failed forward.
fn problems(
    props: &EmbedViewProps,
    slot: Option<&Slot>,
    maps: Option<&SelfAttention>,
    (asked, shown): (&Selection, &Selection),
) -> Vec<String> {
    let spec = &props.spec;
    let mut problems = props.problems.clone();
    // Only the host's own layer and head are reported: a head the reader opened always exists.
    let from_host = (spec.layer, spec.head) == (asked.layer, asked.head);
    if let Some(maps) = maps.filter(|_| from_host && shown != asked) {
        problems.push(format!(
            "There is no layer {} head {} in {}: it has {} layers and {} heads (numbered from 0); showing layer {} head {}.",
            spec.layer, spec.head, spec.model.name, maps.layers, maps.heads, shown.layer, shown.head
        ));
    }
    if let Some(slot) = slot {
        if let LoadState::Failed(why) = &slot.load {
            problems.push(format!("{} could not be loaded: {why}", spec.model.name));
        }
        problems.extend(slot.error.clone());
    }
    problems
}

/// Why the CPU engine runs, when it does though the GPU was asked for or was expected.
fn engine_note(backend: &Backend, asked: EngineChoice, slot: Option<&Slot>) -> Option<String> {
    match (backend, asked, slot.and_then(|s| s.gpu_note())) {
        (Backend::Cpu(reason), EngineChoice::Gpu, _) => Some(format!(
            "The GPU engine was asked for, but {reason}; the CPU engine runs."
        )),
        (_, _, Some(note)) => Some(format!("The CPU engine runs: {note}.")),
        _ => None,
    }
}

/// The model's download and compile progress, or a wait for the backend.
fn status(spec: &EmbedSpec, slot: Option<&Slot>) -> Html {
    match slot.map(|s| &s.load) {
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
    }
}

/// The figure of `view` for `shown` at `selection`, rebuilt only when one of them changes
/// (the rollout is a product over the layers). The positional-encoding view needs no result.
#[hook]
fn use_figure(
    view: ViewKind,
    shown: Option<Rc<Shown>>,
    selection: &Selection,
) -> Option<Rc<Figure>> {
    // The job number stands for the result: cheaper to compare than the whole trace.
    let seq = shown.as_ref().map(|s| s.seq);
    let figure = use_memo(
        (seq, view, selection.clone()),
        move |(_, view, selection)| {
            let figure = match (view.needs(), shown) {
                (Needs::Nothing, _) => Figure::positional_encoding(),
                (_, Some(shown)) => Figure::build(&shown.computed.trace, *view, selection).ok()?,
                (_, None) => return None,
            };
            Some(Rc::new(figure))
        },
    );
    (*figure).clone()
}

/// Sends each new problem once as an error event.
#[hook]
fn use_problem_events(props: &EmbedViewProps, problems: &[String]) {
    let sent = use_mut_ref(Vec::<String>::new);
    let on_event = props.on_event.clone();
    use_effect_with(problems.to_vec(), move |problems| {
        let mut sent = sent.borrow_mut();
        for problem in problems.iter().filter(|p| !sent.contains(p)) {
            on_event.emit(EmbedEvent::Error(problem.clone()));
        }
        // Only the current problems are remembered, so a problem that goes and comes back is
        // reported again.
        *sent = problems.clone();
    });
}

/// Sends a result event for each new figure of a result that answers the current request
/// (`figure` is `None` while the result shown is for an earlier text or masks): a script that
/// sets `text` and waits for the next event reads the answer for that text.
#[hook]
fn use_result_events(
    props: &EmbedViewProps,
    shown: Option<Rc<Shown>>,
    figure: Option<Rc<Figure>>,
    selection: &Selection,
    text: &str,
) {
    let spec = props.spec.clone();
    let on_event = props.on_event.clone();
    let seq = shown.as_ref().map(|s| s.seq);
    let text = (spec.view == ViewKind::Pe).then(|| text.to_owned());
    let deps = (seq, figure.is_some(), selection.clone(), spec.view, text);
    use_effect_with(deps, move |(_, _, selection, _, text)| {
        let Some(figure) = figure else {
            return;
        };
        let detail = match (text, shown) {
            (Some(text), _) => ResultDetail::positional_encoding(text, &figure),
            (None, Some(shown)) => ResultDetail::new(&spec, &shown, &figure, selection),
            (None, None) => return,
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

/// How many next tokens a decoder's embed lists beside a map.
const OUTCOME_CANDIDATES: usize = 5;

/// What the model said: the class probabilities, the translation or a decoder's next tokens
/// (unless `next_token_view`, where the view draws them), and its note.
fn outcome(shown: Option<&Shown>, next_token_view: bool) -> Html {
    let Some(shown) = shown else {
        return html! {};
    };
    let said = match (shown.classification(), shown.translation()) {
        (Some(c), _) => {
            html! { <ProbabilityBars labels={c.labels.clone()} probabilities={c.probabilities.clone()} /> }
        }
        (_, Some((_, _, text))) => html! { <p class="translation" lang="es">{ text }</p> },
        // A decoder's most likely next tokens, unless the view itself is their bars.
        _ => match shown.next_token() {
            Some((_, candidates)) if !next_token_view => {
                let top = &candidates[..candidates.len().min(OUTCOME_CANDIDATES)];
                html! { <ProbabilityBars labels={top.iter().map(|c| c.token.clone()).collect::<Vec<_>>()}
                probabilities={top.iter().map(|c| c.probability).collect::<Vec<_>>()}
                label="Most probable next tokens" /> }
            }
            _ => html! {},
        },
    };
    let message = trace_message(shown.computed.trace.message.as_ref());
    html! { <>{ said }{ message }</> }
}

/// The canvas id of `spec`'s view (tests and host pages find the plot by it).
fn plot_id(spec: &EmbedSpec) -> String {
    let name = spec.model.name;
    match spec.view {
        ViewKind::Heatmap => format!("{name}-head"),
        ViewKind::Head => format!("{name}-lines"),
        ViewKind::Model => format!("{name}-grid"),
        ViewKind::Rollout => format!("{name}-rollout"),
        ViewKind::Pooling => format!("{name}-pooling"),
        ViewKind::Alignment => "alignment".to_owned(),
        ViewKind::Pe => "embed-pe".to_owned(),
        ViewKind::NextToken => format!("{name}-next"),
    }
}

/// The view itself, drawn from its figure; the model view opens heads and switches them off.
fn body(
    spec: &EmbedSpec,
    figure: Option<&Rc<Figure>>,
    local: &UseStateHandle<Local>,
    highlight: &UseStateHandle<Option<usize>>,
) -> Html {
    let Some(figure) = figure else {
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
    let export_prefix = (spec.view.needs() == Needs::Transformer).then_some(spec.model.name);
    html! {
        <FigurePlot id={plot_id(spec)} figure={figure.clone()} export_prefix={export_prefix.map(AttrValue::from)}
            highlight={**highlight} {on_highlight} {on_open} {on_toggle} />
    }
}
