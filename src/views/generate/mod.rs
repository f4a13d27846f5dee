//! The decoder's page (`#/generate`): type a prompt and a GPT-style decoder predicts the next
//! token with every keystroke — every head's causal map (the model view, one head as a
//! heatmap, the head view, the rollout) and the next-token distribution, reshaped live by
//! temperature, top-k and top-p. **Next token** draws one token (seeded, reproducible; top-k
//! 1 is greedy) and appends it to the prompt; **Generate 10** repeats that, each step a new
//! forward over everything written so far.
//!
//! The page owns its settings ([`settings`]) and the generation in progress; the live-engine
//! hook runs the model (one forward per frame, latest wins, stale results dropped), and
//! core's `decoder::Sampling` decides what a draw may pick.

pub mod compare;
pub mod editor;
pub mod settings;

use crate::components::live_text::LiveText;
use crate::components::load_status::load_status;
use crate::components::notices::{trace_message, Notices};
use crate::components::probability_bars::ProbabilityBars;
use crate::components::transformer_views::TransformerViews;
use crate::engine::backend::Backend;
use crate::engine::catalog::DECODER;
use crate::engine::live::{use_live_engine, LiveRequest, Shown};
use crate::hooks::dispatch::use_dispatch;
use crate::hooks::url_sync::use_url_sync;
use crate::route::{Query, Route};
use attnscope_core::decoder::{draw, Sampling, NEXT_TOKEN_CANDIDATES};
use attnscope_core::trace::AttentionEdit;
use attnscope_core::Interventions;
use attnscope_plot::figure::clamp_head;
use compare::EncoderComparison;
use editor::AttentionEditor;
use settings::{append_token, uniform, GenerateSettings};
use std::rc::Rc;
use yew::prelude::*;

/// How many tokens **Generate 10** writes.
const RUN_LENGTH: usize = 10;

/// How many of the reshaped candidates the bars show.
const BARS: usize = 10;

/// Props of [`GenerateView`].
#[derive(Properties, PartialEq)]
pub struct GenerateViewProps {
    /// The URL query the page starts from (the app's own parameters already removed).
    pub query: Query,
    /// The backend the app found (`Detecting` at first).
    pub backend: Backend,
    /// Called when the GPU device is lost (the app moves every view to the CPU).
    pub on_device_lost: Callback<String>,
    /// Whether the page writes its settings to the URL (`false` inside a lesson stop, where
    /// the URL is the lesson's).
    #[prop_or(true)]
    pub sync_url: bool,
}

/// One token the page generated: what was drawn and with what probability.
#[derive(Debug, Clone, PartialEq)]
struct Drawn {
    /// The token as the vocabulary writes it (`##ing` for a continuation).
    token: String,
    /// Its probability under the settings it was drawn with.
    probability: f32,
}

/// The page's state: the settings, the generation in progress and the notices.
#[derive(Debug, Clone, PartialEq)]
struct GenerateState {
    settings: GenerateSettings,
    /// When the last keystroke arrived, for the keystroke → paint record.
    changed_at: Option<f64>,
    notices: Vec<String>,
    /// The token under the pointer or focus, outlined in every map.
    highlight: Option<usize>,
    /// Tokens still to generate (each waits for the forward over the text so far).
    pending: usize,
    /// The tokens generated since the reader last typed.
    drawn: Vec<Drawn>,
}

/// What changes the page's state.
enum GenerateAction {
    /// The reader typed: a new prompt (the generation record starts again).
    Text(String, f64),
    /// New sampling settings.
    Sampling(Sampling),
    /// A new seed.
    Seed(u64),
    /// Open a head.
    Open((usize, usize)),
    /// Switch a head off or on.
    ToggleHead((usize, usize)),
    /// Put a weight on a key (replacing an earlier edit of the same head, query and key).
    Edit(AttentionEdit),
    /// Clear every attention edit.
    ClearEdits,
    /// The token under the pointer.
    Highlight(Option<usize>),
    /// Generate this many tokens.
    Run(usize),
    /// A token was drawn: the new text and the record.
    Drawn(String, Drawn),
    /// Generation stopped early, and why.
    Stop(String),
    /// A sentence from the live-engine hook.
    Notice(String),
    /// The reader closed the notices.
    DismissNotices,
}

impl Reducible for GenerateState {
    type Action = GenerateAction;

    fn reduce(self: Rc<Self>, action: GenerateAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let now = crate::dom::now_ms();
        match action {
            GenerateAction::Text(text, at) => {
                next.settings.text = text;
                next.changed_at = Some(at);
                next.pending = 0;
                next.drawn.clear();
            }
            GenerateAction::Sampling(sampling) => next.settings.sampling = sampling,
            GenerateAction::Seed(seed) => next.settings.seed = seed,
            GenerateAction::Open(head) => next.settings.head = head,
            GenerateAction::ToggleHead(head) => {
                let off = &mut next.settings.heads_off;
                match off.iter().position(|&h| h == head) {
                    Some(i) => {
                        off.remove(i);
                    }
                    None => {
                        off.push(head);
                        off.sort_unstable();
                    }
                }
            }
            GenerateAction::Edit(edit) => {
                let edits = &mut next.settings.edits;
                let same = |e: &AttentionEdit| {
                    (e.layer, e.head, e.query, e.key)
                        == (edit.layer, edit.head, edit.query, edit.key)
                };
                edits.retain(|e| !same(e));
                edits.push(edit);
                next.changed_at = Some(now);
            }
            GenerateAction::ClearEdits => {
                next.settings.edits.clear();
                next.changed_at = Some(now);
            }
            GenerateAction::Highlight(token) => next.highlight = token,
            GenerateAction::Run(n) => next.pending = n,
            GenerateAction::Drawn(text, drawn) => {
                next.settings.text = text;
                next.changed_at = Some(now);
                next.pending = next.pending.saturating_sub(1);
                next.drawn.push(drawn);
            }
            GenerateAction::Stop(why) => {
                next.pending = 0;
                if !next.notices.contains(&why) {
                    next.notices.push(why);
                }
            }
            GenerateAction::Notice(text) => {
                if !next.notices.contains(&text) {
                    next.notices.push(text);
                }
            }
            GenerateAction::DismissNotices => next.notices.clear(),
        }
        Rc::new(next)
    }
}

/// The next step of a generation from the result on screen, if it answers the current text:
/// the token drawn under the settings (draw number = the position it follows, so a seed
/// replays the same tokens), or why generation stops.
fn next_step(settings: &GenerateSettings, shown: &Shown) -> Result<(String, Drawn), String> {
    let Some((position, candidates)) = shown.next_token() else {
        return Err("Type a prompt first: there is nothing to continue.".into());
    };
    // A cut text would continue after its cut, not after what the box shows.
    if shown.computed.trace.truncated {
        return Err("The prompt fills the model's window: generation stops.".into());
    }
    let probabilities: Vec<f32> = candidates.iter().map(|c| c.probability).collect();
    let weights = settings.sampling.reshape(&probabilities);
    let pick = draw(&weights, uniform(settings.seed, position as u64));
    let candidate = &candidates[pick];
    let text = append_token(&settings.text, &candidate.token).ok_or_else(|| {
        format!(
            "The model chose {} (the end of a text): generation stops.",
            candidate.token
        )
    })?;
    Ok((
        text,
        Drawn {
            token: candidate.token.clone(),
            probability: weights[pick],
        },
    ))
}

/// The decoder's page.
#[component]
pub fn GenerateView(props: &GenerateViewProps) -> Html {
    let state = use_reducer(|| {
        let (settings, notices) = GenerateSettings::from_query(&props.query);
        GenerateState {
            settings,
            changed_at: None,
            notices,
            highlight: None,
            pending: 0,
            drawn: Vec::new(),
        }
    });
    let settings = &state.settings;
    use_url_sync(
        props.sync_url.then_some(Route::Generate),
        settings.to_query(),
    );
    let request = LiveRequest {
        text: settings.text.clone(),
        interventions: Interventions {
            heads_off: settings.heads_off.clone(),
            edits: settings.edits.clone(),
            ..Default::default()
        },
        input_at: state.changed_at,
    };
    let dispatch = state.dispatcher();
    let on_notice = use_dispatch(&dispatch, GenerateAction::Notice);
    let engine_choice = crate::engine::choice::use_engine_choice();
    let live = use_live_engine(
        &props.backend,
        engine_choice,
        &[&DECODER],
        request,
        on_notice,
        props.on_device_lost.clone(),
    );
    let slot = live.slot(DECODER.name);
    let shown = slot.and_then(|s| s.shown.clone());
    use_pending_generation(&dispatch, shown.clone(), state.pending, settings);
    let on_edit = use_dispatch(&dispatch, |(text, at): (String, f64)| {
        GenerateAction::Text(text, at)
    });
    let on_dismiss = use_dispatch(&dispatch, |()| GenerateAction::DismissNotices);
    // Made once, so the Transformer views' props stay equal while nothing they show changed.
    let on_open = use_dispatch(&dispatch, GenerateAction::Open);
    let on_toggle_head = use_dispatch(&dispatch, GenerateAction::ToggleHead);
    let on_highlight = use_dispatch(&dispatch, GenerateAction::Highlight);
    let on_attention_edit = use_dispatch(&dispatch, GenerateAction::Edit);
    let on_reset_edits = use_dispatch(&dispatch, |()| GenerateAction::ClearEdits);
    // The encoder is loaded only once the reader opens the comparison.
    let (compare, on_compare) = use_details_open();
    html! {
        <section id="generate-view" class="view live" aria-labelledby="generate-title">
            <div class="view-head">
                <h1 id="generate-title">{ "Next token: a decoder" }</h1>
            </div>
            <Notices messages={state.notices.clone()} {on_dismiss} />
            <p class="lede">{ "A GPT-style decoder (a small Transformer trained by us on news, film reviews and everyday sentences) predicts the next token of your text. Each token may only look at itself and the tokens before it: the look-ahead mask sets every weight on a later token to exactly 0, so above the diagonal the maps below are masked (grey, hatched)." }</p>
            <LiveText id="generate-text" label="Prompt" text={settings.text.clone()}
                help="Every keystroke runs the decoder again; the bars show what it expects next."
                examples={DECODER.examples.to_vec()} {on_edit} />
            <p id="live-perf" class="perf" aria-live="off"></p>
            { load_status(slot, "generate", "The decoder") }
            { controls(&state, &dispatch) }
            if let Some(shown) = shown {
                { next_token(&shown, settings, &state.drawn) }
                { trace_message(shown.computed.trace.message.as_ref()) }
                <h2 class="sub">{ "Where each token looks" }</h2>
                <p class="muted">{ "Rows are the tokens that look, columns the tokens they look at. Above the diagonal is the future: masked (grey), exactly 0." }</p>
                <TransformerViews info={&DECODER} shown={shown.clone()} heads_off={settings.heads_off.clone()}
                    head={settings.head} highlight={state.highlight} steps_link={false}
                    {on_open} {on_toggle_head} {on_highlight} />
                // The head the views draw (the URL's, kept inside the model's heads).
                <AttentionEditor tokens={shown.tokens.clone()}
                    head={shown.maps().map_or(settings.head, |maps| clamp_head(settings.head, &maps))}
                    edits={settings.edits.clone()} on_edit={on_attention_edit} on_reset={on_reset_edits} />
            }
            <details id="generate-compare" class="compare" ontoggle={on_compare}>
                <summary>{ "Compare with an encoder: the same text, read in both directions" }</summary>
                if compare {
                    <EncoderComparison text={settings.text.clone()} head={settings.head}
                        backend={props.backend.clone()} on_device_lost={props.on_device_lost.clone()} />
                }
            </details>
        </section>
    }
}

/// Steps a pending generation once the result on screen is the one for the current text
/// and interventions (the forward over everything written so far): each token is drawn from
/// its own forward.
#[hook]
fn use_pending_generation(
    dispatch: &UseReducerDispatcher<GenerateState>,
    shown: Option<Rc<Shown>>,
    pending: usize,
    settings: &GenerateSettings,
) {
    let dispatch = dispatch.clone();
    let current = (shown, pending, settings.clone());
    use_effect_with(current, move |(shown, pending, settings)| {
        let Some(shown) = shown.as_ref().filter(|s| s.text == settings.text) else {
            return;
        };
        let current = shown.interventions.heads_off == settings.heads_off
            && shown.interventions.edits == settings.edits;
        if *pending == 0 || !current {
            return;
        }
        match next_step(settings, shown) {
            Ok((text, drawn)) => dispatch.dispatch(GenerateAction::Drawn(text, drawn)),
            Err(why) => dispatch.dispatch(GenerateAction::Stop(why)),
        }
    });
}

/// Whether a `<details>` is open, and the `toggle` handler that keeps it known.
#[hook]
fn use_details_open() -> (bool, Callback<Event>) {
    let open = use_state(|| false);
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |event: Event| {
            // `toggle` fires once the `open` attribute has changed.
            if let Some(details) = event.target_dyn_into::<web_sys::Element>() {
                open.set(details.has_attribute("open"));
            }
        })
    };
    (*open, on_toggle)
}

/// The sampling controls and the generate buttons.
fn controls(state: &GenerateState, dispatch: &UseReducerDispatcher<GenerateState>) -> Html {
    let sampling = state.settings.sampling;
    // A number field that dispatches a changed value once it reads as a number in range; an
    // unusable value leaves the settings as they were.
    let field = |id: &'static str,
                 label: &'static str,
                 value: String,
                 range: (f32, f32),
                 step: &'static str,
                 set: fn(Sampling, f32) -> Sampling| {
        let dispatch = dispatch.clone();
        let onchange = Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            if let Some(v) = input
                .value()
                .trim()
                .parse::<f32>()
                .ok()
                .filter(|v| (range.0..=range.1).contains(v))
            {
                dispatch.dispatch(GenerateAction::Sampling(set(sampling, v)));
            }
        });
        html! {
            <div class="field"><label for={id}>{ label }</label>
                <input type="number" id={id} min={range.0.to_string()} max={range.1.to_string()} {step} value={value} {onchange} /></div>
        }
    };
    let seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |event: Event| {
            if let Some(v) = event
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .and_then(|i| i.value().trim().parse::<u64>().ok())
            {
                dispatch.dispatch(GenerateAction::Seed(v));
            }
        })
    };
    let run = |n: usize| {
        dispatch
            .to_callback()
            .reform(move |_: MouseEvent| GenerateAction::Run(n))
    };
    let busy = state.pending > 0;
    html! {
        <div class="controls generate-controls">
            { field("gen-temperature", "Temperature", sampling.temperature.to_string(), (0.05, 5.0), "0.05", |s, v| Sampling { temperature: v, ..s }) }
            { field("gen-top-k", "Top-k (1 = greedy)", sampling.top_k.to_string(), (1.0, NEXT_TOKEN_CANDIDATES as f32), "1", |s, v| Sampling { top_k: v as usize, ..s }) }
            { field("gen-top-p", "Top-p", sampling.top_p.to_string(), (0.01, 1.0), "0.05", |s, v| Sampling { top_p: v, ..s }) }
            <div class="field"><label for="gen-seed">{ "Seed" }</label>
                <input type="number" id="gen-seed" min="0" step="1" value={state.settings.seed.to_string()} onchange={seed} /></div>
            <div class="field-group" role="group" aria-label="Generate">
                <button type="button" id="generate-step" onclick={run(1)} disabled={busy}>{ "Next token" }</button>
                <button type="button" id="generate-run" onclick={run(RUN_LENGTH)} disabled={busy}>{ format!("Generate {RUN_LENGTH}") }</button>
            </div>
        </div>
    }
}

/// The next-token distribution after the last token (reshaped by the settings), and the
/// tokens generated so far; a hidden summary carries the model's own candidates for tests.
fn next_token(shown: &Shown, settings: &GenerateSettings, drawn: &[Drawn]) -> Html {
    let Some((position, candidates)) = shown.next_token() else {
        return html! {};
    };
    let probabilities: Vec<f32> = candidates.iter().map(|c| c.probability).collect();
    let weights = settings.sampling.reshape(&probabilities);
    let shown_bars = weights.iter().filter(|&&w| w > 0.0).count().clamp(1, BARS);
    let labels: Vec<String> = candidates
        .iter()
        .take(shown_bars)
        .map(|c| c.token.clone())
        .collect();
    let last = shown.tokens.get(position).cloned().unwrap_or_default();
    let join = |values: Vec<String>| values.join(",");
    html! {
        <section class="next-token" aria-labelledby="next-token-title">
            <div class="trace-summary" hidden=true id="generate-summary" data-text={shown.text.clone()}
                data-engine={shown.computed.engine.name()} data-t={shown.tokens.len().to_string()}
                data-ids={join(candidates.iter().map(|c| c.id.to_string()).collect())}
                data-probabilities={join(probabilities.iter().map(|p| p.to_string()).collect())}></div>
            <h2 id="next-token-title" class="sub">{ format!("Next token after “{last}”") }</h2>
            <ProbabilityBars label="Next-token probabilities" {labels} probabilities={weights[..shown_bars].to_vec()} />
            if !drawn.is_empty() {
                <ol id="generate-steps" class="generated" aria-label="Generated tokens">
                    { for drawn.iter().map(|d| html! { <li>{ format!("{} (p = {:.2})", d.token, d.probability) }</li> }) }
                </ol>
            }
        </section>
    }
}
