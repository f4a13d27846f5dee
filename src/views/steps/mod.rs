//! The step-through (`#/steps`): how one head of the live model computed its map for the
//! typed sentence — embedding and positions, Q/K/V, scores, scaling, mask, softmax, weights,
//! output, heads joined — or, for a BiLSTM, its attention pooling, one step at a time with
//! the real numbers of the CPU reference (the forward runs with `Interventions::inspect`).
//! Each step has its equation (MathML), a plain explanation and the WGSL lines that compute
//! it on the GPU. ← / → move between steps (past the last step they are left to the page: a
//! lesson moves on).

// `content` is private: its `Step` and builders are this view's own; the settings, the
// kernel excerpts and the MathML are public items of the module.
mod content;
pub mod kernels;
pub mod math;
pub mod settings;

use crate::components::live_text::LiveText;
use crate::components::token_chips::TokenChips;
use crate::engine::backend::Backend;
use crate::engine::catalog::{self, CLASSIFIERS};
use crate::engine::live::{use_live_engine, LiveRequest, LoadState, Shown};
use crate::hooks::keys::{use_window_keys, KeyPhase};
use crate::hooks::url_sync::use_url_sync;
use crate::route::{Query, Route};
use attnscope_core::Interventions;
use content::{build_steps, numbers, render_step, Step};
pub use settings::StepSettings;
use yew::prelude::*;

/// Props of [`StepsView`].
#[derive(Properties, PartialEq)]
pub struct StepsProps {
    /// The URL query.
    ///
    /// Already without the app's `present=` and `engine=` (`app::route_view` strips them); a
    /// lesson stop passes its own fixed pairs here.
    pub query: Query,
    /// The page's backend.
    ///
    /// Until detection ends this is `Backend::Detecting`, and `use_live_engine` waits with the
    /// load until it knows which engine to build.
    pub backend: Backend,
    /// A lost GPU device.
    ///
    /// Called with the reason when a forward meets a lost GPU device; the app passes
    /// `engine::page::device_lost`, which moves every view on the page to the CPU.
    pub on_device_lost: Callback<String>,
    /// Whether the view keeps its settings in the URL (not inside a lesson stop).
    #[prop_or(true)]
    pub sync_url: bool,
}

/// The step-through page.
#[component]
pub fn StepsView(props: &StepsProps) -> Html {
    // The URL is read once per view (the app re-keys the view on every `hashchange`), and the
    // notices it produced are kept beside it so the view can show what it ignored.
    let initial = use_memo(props.query.clone(), StepSettings::from_query);
    let settings = use_state(|| initial.0.clone());
    // When the reader's last edit arrived (`performance.now()`); the live engine carries it
    // to the result so the keystroke → paint record can measure this page too.
    let changed_at = use_state(|| None::<f64>);
    // `None` inside a lesson stop: the lesson owns the URL there.
    use_url_sync(props.sync_url.then_some(Route::Steps), settings.to_query());
    // Every forward inspects one head (`Interventions::inspect`), which is what makes the
    // trace carry `HeadDetail` with Q, K, V and the scores. Core runs an inspected forward on
    // its CPU reference even when the GPU engine is loaded, so the numbers shown are the
    // specification's.
    let request = LiveRequest {
        text: settings.text.clone(),
        interventions: Interventions {
            masked_tokens: settings.masked.clone(),
            inspect: Some(if settings.model.transformer {
                settings.head
            } else {
                // A BiLSTM has no heads: any `inspect` makes core keep its `PoolingDetail`.
                (0, 0)
            }),
            ..Interventions::default()
        },
        input_at: *changed_at,
    };
    let engine_choice = crate::engine::choice::use_engine_choice();
    // One model only; no notice callback, since the step-through has no notice list: a
    // device loss is still reported through `on_device_lost` and answered on the CPU.
    let live = use_live_engine(
        &props.backend,
        engine_choice,
        &[settings.model],
        request,
        Callback::noop(),
        props.on_device_lost.clone(),
    );
    let slot = live.slot(settings.model.name);
    let shown = slot.and_then(|s| s.shown.clone());
    let steps = shown
        .as_ref()
        .map(|shown| build_steps(&settings, shown))
        .unwrap_or_default();
    let count = steps.len();
    // The URL's step may be past the end (a BiLSTM has fewer steps than a Transformer), or
    // there is no result yet: show the last step without rewriting the setting.
    let step = settings.step.min(count.saturating_sub(1));

    use_arrow_keys(&settings, step, count);
    let (on_edit, on_toggle_mask) = edit_callbacks(&settings, &changed_at);
    let tokens = shown
        .as_ref()
        .map(|s| (*s.tokens).clone())
        .unwrap_or_default();
    // A closure rather than a callback: `step_nav` makes one callback per button from it.
    let go_to = |target: usize| go_to_step(&settings, target);
    let status = load_status(slot.map(|s| &s.load));
    html! {
        <section id="steps-view" class="view steps" aria-labelledby="steps-title">
            <h1 id="steps-title">{ if settings.model.transformer { "How one head computes its attention" } else { "How the BiLSTM pools its states" } }</h1>
            // The URL parameters this view could not use, each as a sentence.
            if !initial.1.is_empty() {
                <ul class="notice" role="status">{ for initial.1.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
            }
            <LiveText id="steps-text" label="Text" text={settings.text.clone()} autofocus={false}
                help="Every number below is recomputed from this sentence by the CPU reference, the same forward the live page runs."
                examples={settings.model.examples.to_vec()} {on_edit} />
            { selectors(&settings, shown.as_deref()) }
            <TokenChips id="steps-token" tokens={tokens} masked={settings.masked.clone()} highlight={Some(settings.query)}
                on_toggle={on_toggle_mask} on_highlight={Callback::noop()} />
            { status }
            if let Some(message) = shown.as_ref().and_then(|s| s.computed.trace.message.clone()) {
                <p class="notice trace-message" role="status">{ message }</p>
            }
            if count > 0 {
                { step_nav(&steps, step, go_to) }
                { render_step(&steps[step], step, count) }
            }
            // A hidden element with the exact floats, for the end-to-end tests that compare the
            // step-through with the CLI's `--inspect`.
            if let Some(shown) = &shown { { record(&settings, shown) } }
        </section>
    }
}

/// The text's edit callback and a token chip's mask toggle; each records when it happened,
/// so the keystroke → paint record measures this page too.
fn edit_callbacks(
    settings: &UseStateHandle<StepSettings>,
    changed_at: &UseStateHandle<Option<f64>>,
) -> (Callback<(String, f64)>, Callback<usize>) {
    // `LiveText` hands over the text with the time of its input event, so the latency is
    // measured from the keystroke, not from this render.
    let on_edit = {
        let settings = settings.clone();
        let changed_at = changed_at.clone();
        Callback::from(move |(text, at): (String, f64)| {
            changed_at.set(Some(at));
            settings.set(StepSettings {
                text,
                ..(*settings).clone()
            });
        })
    };
    // A click on a token chip masks it (or unmasks it) and runs the forward again.
    let on_toggle_mask = {
        let settings = settings.clone();
        let changed_at = changed_at.clone();
        Callback::from(move |t: usize| {
            let mut next = (*settings).clone();
            match next.masked.iter().position(|&m| m == t) {
                Some(i) => {
                    next.masked.remove(i);
                }
                None => next.masked.push(t),
            }
            changed_at.set(Some(crate::dom::now_ms()));
            settings.set(next);
        })
    };
    (on_edit, on_toggle_mask)
}

/// A callback that shows step `target`.
///
/// `target` is not checked here: callers pass an index inside the list, and the view clamps
/// the shown step to the last one anyway.
fn go_to_step(settings: &UseStateHandle<StepSettings>, target: usize) -> Callback<MouseEvent> {
    let settings = settings.clone();
    Callback::from(move |_: MouseEvent| {
        settings.set(StepSettings {
            step: target,
            ..(*settings).clone()
        })
    })
}

/// The model's download progress or why it failed.
///
/// Nothing once the model is ready, or before its slot exists (`None`).
fn load_status(load: Option<&LoadState>) -> Html {
    match load {
        Some(LoadState::Loading(stage, fraction)) => {
            html! { <p class="load-state" role="status">{ format!("{stage}… {:.0} %", fraction * 100.0) }</p> }
        }
        Some(LoadState::Failed(why)) => {
            html! { <p class="field-message error" role="alert">{ why }</p> }
        }
        _ => html! {},
    }
}

/// Previous, the list of steps (the current one marked) and Next.
///
/// Only called with at least one step, so `count - 1` cannot underflow.
fn step_nav(steps: &[Step], step: usize, go_to: impl Fn(usize) -> Callback<MouseEvent>) -> Html {
    let count = steps.len();
    html! {
        <nav class="step-nav" aria-label="Steps">
            <button type="button" id="step-back" onclick={go_to(step.saturating_sub(1))} disabled={step == 0}>{ "← Previous" }</button>
            <ol class="step-list">
                { for steps.iter().enumerate().map(|(i, s)| html! {
                    <li><button type="button" class="step-link" aria-current={(i == step).then_some("step")} onclick={go_to(i)}>{ format!("{}. {}", i + 1, s.title) }</button></li>
                }) }
            </ol>
            <button type="button" id="step-forward" onclick={go_to((step + 1).min(count - 1))} disabled={step + 1 >= count}>{ "Next →" }</button>
        </nav>
    }
}

/// ← / → move between the `count` steps (not while typing in a field); `step` is the one shown.
#[hook]
fn use_arrow_keys(settings: &UseStateHandle<StepSettings>, step: usize, count: usize) {
    let handle = settings.clone();
    // First: the step-through decides before a lesson's own listener does.
    // The whole settings are part of the dependencies so the listener's `handle` never sets
    // a step onto settings older than the ones shown (a stale clone would undo an edit).
    let deps = (step, count, (**settings).clone());
    use_window_keys(deps, KeyPhase::First, move |&(step, count, _), event| {
        // At either end the key is left alone (a lesson then moves to its next stop).
        let next = match event.key().as_str() {
            "ArrowRight" if step + 1 < count => step + 1,
            "ArrowLeft" if step > 0 => step - 1,
            _ => return false,
        };
        handle.set(StepSettings {
            step: next,
            ..(*handle).clone()
        });
        // The delay lets yew render the new step first; in presenter mode it is then scrolled
        // to the top of the screen.
        crate::dom::after_ms(30, crate::dom::show_presented_step);
        true
    });
}

/// The model, layer, head and query-token pickers.
///
/// Layer and head lists come from the result's maps, so before the first result a
/// Transformer offers one of each; a BiLSTM shows only the model picker.
fn selectors(settings: &UseStateHandle<StepSettings>, shown: Option<&Shown>) -> Html {
    let select = |id: &'static str,
                  label: &'static str,
                  value: usize,
                  options: Vec<String>,
                  f: fn(&mut StepSettings, usize)| {
        let settings = settings.clone();
        let onchange = Callback::from(move |event: Event| {
            if let Some(s) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                // Option values are the indices written below, so a parse failure cannot happen in
                // practice; it is ignored rather than unwrapped.
                if let Ok(v) = s.value().parse::<usize>() {
                    let mut next = (*settings).clone();
                    f(&mut next, v);
                    settings.set(next);
                }
            }
        });
        html! {
            <div class="field"><label for={id}>{ label }</label>
                <select {id} {onchange}>
                    { for options.iter().enumerate().map(|(i, o)| html! { <option value={i.to_string()} selected={i == value}>{ o }</option> }) }
                </select></div>
        }
    };
    // Shipped models and any the visitor brought on another page of this visit.
    let pickable = catalog::steppable();
    let models: Vec<String> = pickable.iter().map(|m| m.label.to_owned()).collect();
    let model_index = pickable
        .iter()
        .position(|m| m.name == settings.model.name)
        .unwrap_or(0);
    let maps = shown.and_then(|s| s.maps());
    let (layers, heads) = maps.as_ref().map_or((1, 1), |m| (m.layers, m.heads));
    let tokens: Vec<String> = shown
        .map(|s| {
            s.tokens
                .iter()
                .enumerate()
                .map(|(i, t)| format!("{i}: {t}"))
                .collect()
        })
        .unwrap_or_default();
    html! {
        <div class="controls steps-controls">
            { select("steps-model", "Model", model_index, models, |s, i| { s.model = catalog::steppable().get(i).copied().unwrap_or(&CLASSIFIERS[0]); s.step = 0; }) }
            if settings.model.transformer {
                { select("steps-layer", "Layer", settings.head.0, (1..=layers).map(|l| format!("layer {l}")).collect(), |s, v| s.head.0 = v) }
                { select("steps-head", "Head", settings.head.1, (1..=heads).map(|h| format!("head {h}")).collect(), |s, v| s.head.1 = v) }
                { select("steps-query", "Query token", settings.query, tokens, |s, v| s.query = v) }
            }
        </div>
    }
}

/// The hidden record tests read: the query's weights, scaled and raw scores, in full precision.
///
/// For a BiLSTM the weights and scores are the pooling's and `data-raw` is empty; with no
/// detail (or a query past the sentence) every field is empty.
fn record(settings: &StepSettings, shown: &Shown) -> Html {
    let trace = &shown.computed.trace;
    let (weights, scores, raw) = match (&trace.detail, shown.maps()) {
        (Some(d), Some(maps)) if settings.query < maps.len => {
            let i = settings.query;
            let t = maps.len;
            (
                numbers(&maps.map(d.layer, d.head)[i * t..(i + 1) * t]),
                numbers(d.scores.row(i)),
                numbers(d.raw_scores.row(i)),
            )
        }
        _ => match &trace.pooling_detail {
            Some(p) => match &trace.attention {
                attnscope_core::trace::Attention::Pooling { weights } => {
                    (numbers(weights), numbers(&p.scores), String::new())
                }
                _ => Default::default(),
            },
            None => Default::default(),
        },
    };
    html! {
        <div id="steps-record" hidden=true data-text={shown.text.clone()} data-engine={shown.computed.engine.name()}
            data-t={shown.tokens.len().to_string()} data-weights={weights} data-scores={scores} data-raw={raw}></div>
    }
}
