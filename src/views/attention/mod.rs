//! The live attention page (`#/attention`): type a sentence and watch every head of a
//! Transformer, or a BiLSTM's pooling, move with each keystroke; mask tokens, switch heads
//! off, compare the two architectures.
//!
//! Flow: the text box and controls change [`LiveSettings`]; an effect queues one job for
//! the models on the page ([`schedule`]: at most one forward per animation frame, latest
//! wins); each model's outcome is kept only if it is newer than the one shown; panels draw it.

pub mod panel;

pub mod settings;

use crate::backend::{Backend, SharedGpu};
use crate::components::live_text::LiveText;
use crate::components::notices::Notices;
use crate::components::token_chips::TokenChips;
use crate::engine::catalog::{self, ModelInfo, CLASSIFIERS};
use crate::engine::schedule::{self, Job, Outcome, Scheduler};
use crate::engine::{Engine, RunError};
use crate::route::{Query, Route};
use crate::views::perf::{use_paint_latency, Painted};
use crate::views::url_sync::use_url_sync;
use panel::{LoadState, ModelPanel, Shown};
use settings::LiveSettings;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`AttentionView`].
#[derive(Properties, PartialEq)]
pub struct AttentionViewProps {
    /// The URL query the page starts from.
    pub query: Query,
    /// The backend the app found.
    pub backend: Backend,
    /// Called when the GPU device is lost (the app's chip then says CPU).
    pub on_device_lost: Callback<String>,
}

/// The page's own state.
#[derive(Debug, Clone, PartialEq)]
struct LiveState {
    settings: LiveSettings,
    notices: Vec<String>,
    /// When the input behind the current settings arrived.
    changed_at: Option<f64>,
}

enum LiveAction {
    Text(String, f64),
    Model(&'static ModelInfo),
    Compare(bool),
    ToggleMask(usize, f64),
    ToggleHead((usize, usize), f64),
    OpenHead((usize, usize)),
    Reset(f64),
    Notice(String),
    DismissNotices,
}

impl Reducible for LiveState {
    type Action = LiveAction;

    fn reduce(self: Rc<Self>, action: LiveAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let s = &mut next.settings;
        match action {
            LiveAction::Text(text, at) => {
                s.text = text;
                next.changed_at = Some(at);
            }
            LiveAction::Model(model) => s.model = model,
            LiveAction::Compare(on) => s.compare = on,
            LiveAction::ToggleMask(t, at) => {
                s.toggle_mask(t);
                next.changed_at = Some(at);
            }
            LiveAction::ToggleHead(head, at) => {
                s.toggle_head(head);
                next.changed_at = Some(at);
            }
            LiveAction::OpenHead(head) => s.head = head,
            LiveAction::Reset(at) => {
                s.masked.clear();
                s.heads_off.clear();
                next.changed_at = Some(at);
            }
            LiveAction::Notice(text) => {
                if !next.notices.contains(&text) {
                    next.notices.push(text)
                }
            }
            LiveAction::DismissNotices => next.notices.clear(),
        }
        Rc::new(next)
    }
}

/// An engine in a slot, equal by identity.
#[derive(Debug, Clone)]
struct EngineRef(Rc<Engine>);

impl PartialEq for EngineRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Every model the page has asked for: its load state, engine and latest result.
#[derive(Debug, Clone, PartialEq, Default)]
struct Models {
    slots: Vec<Slot>,
}

#[derive(Debug, Clone, PartialEq)]
struct Slot {
    name: &'static str,
    load: LoadState,
    engine: Option<EngineRef>,
    shown: Option<Rc<Shown>>,
    error: Option<String>,
}

enum ModelsAction {
    Loading(&'static str, String, f64),
    Loaded(&'static str, Rc<Engine>),
    Failed(&'static str, String),
    Outcome(Box<Outcome>),
}

impl Models {
    fn slot(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.name == name)
    }
}

impl Reducible for Models {
    type Action = ModelsAction;

    fn reduce(self: Rc<Self>, action: ModelsAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let name = match &action {
            ModelsAction::Loading(n, ..)
            | ModelsAction::Loaded(n, _)
            | ModelsAction::Failed(n, _) => *n,
            ModelsAction::Outcome(o) => o.model,
        };
        let index = match next.slots.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                next.slots.push(Slot {
                    name,
                    load: LoadState::Loading("Starting".into(), 0.0),
                    engine: None,
                    shown: None,
                    error: None,
                });
                next.slots.len() - 1
            }
        };
        let slot = &mut next.slots[index];
        match action {
            ModelsAction::Loading(_, stage, fraction) => {
                slot.load = LoadState::Loading(stage, fraction)
            }
            ModelsAction::Loaded(_, engine) => {
                slot.load = LoadState::Ready;
                slot.engine = Some(EngineRef(engine));
            }
            ModelsAction::Failed(_, why) => slot.load = LoadState::Failed(why),
            ModelsAction::Outcome(outcome) => {
                let outcome = *outcome;
                if slot.shown.as_ref().is_some_and(|s| s.seq > outcome.seq) {
                    return self; // stale: never paint an older result over a newer one
                }
                match outcome.result {
                    Ok(computed) => {
                        slot.shown = Some(Rc::new(Shown {
                            input_at: outcome.input_at,
                            ..Shown::new(outcome.seq, outcome.text, computed)
                        }));
                        slot.error = None;
                    }
                    Err(RunError::DeviceLost(_)) => {}
                    Err(RunError::Failed(why)) => slot.error = Some(why),
                }
            }
        }
        Rc::new(next)
    }
}

/// The models on the page now: the picked one, and its partner in compare mode.
fn models_on_page(settings: &LiveSettings) -> Vec<&'static ModelInfo> {
    let mut models = vec![settings.model];
    if settings.compare {
        if let Some(partner) = catalog::classifier(settings.model.partner) {
            models.push(partner);
        }
    }
    models
}

/// The live attention page.
#[component]
pub fn AttentionView(props: &AttentionViewProps) -> Html {
    let state = use_reducer(|| {
        let (settings, notices) = LiveSettings::from_query(&props.query);
        LiveState {
            settings,
            notices,
            changed_at: None,
        }
    });
    let models = use_reducer(Models::default);
    let highlight = use_state(|| None::<usize>);
    let scheduler = use_mut_ref(Scheduler::default);
    let settings = &state.settings;
    let on_page = models_on_page(settings);

    use_url_sync(Route::Attention, settings.to_query());

    // Load every model on the page once the backend is known.
    {
        let models = models.clone();
        let names: Vec<&'static str> = on_page.iter().map(|m| m.name).collect();
        let gpu = match &props.backend {
            Backend::Detecting => None,
            Backend::WebGpu(SharedGpu(context)) => Some(Some((**context).clone())),
            Backend::Cpu(_) => Some(None),
        };
        let detected = gpu.is_some();
        use_effect_with((names, detected), move |(names, detected)| {
            if !*detected {
                return;
            }
            for &name in names {
                if models.slot(name).is_some() {
                    continue;
                }
                let Some(info) = catalog::classifier(name) else {
                    continue;
                };
                models.dispatch(ModelsAction::Loading(name, "Starting".into(), 0.0));
                let (models, gpu) = (models.clone(), gpu.clone().flatten());
                wasm_bindgen_futures::spawn_local(async move {
                    let progress_models = models.clone();
                    let progress = move |stage: &str, fraction: f64| {
                        progress_models.dispatch(ModelsAction::Loading(
                            name,
                            stage.to_owned(),
                            fraction,
                        ))
                    };
                    match Engine::load(info, gpu, &progress).await {
                        Ok(engine) => models.dispatch(ModelsAction::Loaded(name, Rc::new(engine))),
                        Err(why) => models.dispatch(ModelsAction::Failed(name, why)),
                    }
                });
            }
        });
    }

    // Queue a forward whenever the text, the interventions or the ready engines change.
    {
        let engines: Vec<EngineRef> = on_page
            .iter()
            .filter_map(|m| models.slot(m.name).and_then(|s| s.engine.clone()))
            .collect();
        let deliver: Rc<dyn Fn(Outcome)> = {
            let (models, state, on_lost) = (
                models.dispatcher(),
                state.dispatcher(),
                props.on_device_lost.clone(),
            );
            Rc::new(move |outcome: Outcome| {
                if let Err(RunError::DeviceLost(reason)) = &outcome.result {
                    state.dispatch(LiveAction::Notice(format!(
                        "The GPU device was lost ({reason}); attnscope switched to the CPU engine and kept your text."
                    )));
                    on_lost.emit(reason.clone());
                }
                models.dispatch(ModelsAction::Outcome(Box::new(outcome)));
            })
        };
        let deps = (settings.text.clone(), settings.interventions(), engines);
        let scheduler = scheduler.clone();
        let changed_at = state.changed_at;
        use_effect_with(deps, move |(text, interventions, engines)| {
            if engines.is_empty() {
                return;
            }
            let seq = scheduler.borrow_mut().next_seq();
            let job = Job {
                seq,
                text: text.clone(),
                interventions: interventions.clone(),
                input_at: changed_at,
                engines: engines.iter().map(|e| e.0.clone()).collect(),
            };
            schedule::submit(&scheduler, job, deliver);
        });
    }

    use_paint_latency(
        models
            .slot(on_page[0].name)
            .and_then(|s| s.shown.as_ref())
            .map(|shown| Painted {
                seq: shown.seq,
                input_at: shown.input_at,
                engine: shown.computed.engine.name(),
                tokens: shown.tokens.len(),
                forward_ms: shown.computed.forward_ms,
            }),
    );

    let dispatch = state.dispatcher();
    let on_edit = {
        let dispatch = dispatch.clone();
        Callback::from(move |(text, at): (String, f64)| {
            dispatch.dispatch(LiveAction::Text(text, at))
        })
    };
    let on_model = {
        let dispatch = dispatch.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Some(model) = catalog::classifier(&select.value()) {
                    dispatch.dispatch(LiveAction::Model(model));
                }
            }
        })
    };
    let on_compare = {
        let dispatch = dispatch.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                dispatch.dispatch(LiveAction::Compare(input.checked()));
            }
        })
    };
    let on_toggle_mask = {
        let dispatch = dispatch.clone();
        Callback::from(move |t: usize| {
            dispatch.dispatch(LiveAction::ToggleMask(t, crate::dom::now_ms()))
        })
    };
    let on_toggle_head = {
        let dispatch = dispatch.clone();
        Callback::from(move |head| {
            dispatch.dispatch(LiveAction::ToggleHead(head, crate::dom::now_ms()))
        })
    };
    let on_open = {
        let dispatch = dispatch.clone();
        Callback::from(move |head| dispatch.dispatch(LiveAction::OpenHead(head)))
    };
    let on_reset = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(LiveAction::Reset(crate::dom::now_ms()))
        })
    };
    let on_dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| dispatch.dispatch(LiveAction::DismissNotices))
    };
    let on_highlight = {
        let highlight = highlight.clone();
        Callback::from(move |t: Option<usize>| {
            if *highlight != t {
                highlight.set(t)
            }
        })
    };

    let primary = models
        .slot(settings.model.name)
        .and_then(|s| s.shown.clone());
    let chips = primary
        .as_ref()
        .map(|shown| (*shown.tokens).clone())
        .unwrap_or_default();
    let engine_note = on_page
        .iter()
        .filter_map(|m| models.slot(m.name)?.engine.as_ref().map(|e| (m, e)))
        .filter_map(|(m, e)| {
            e.0.gpu_note
                .as_ref()
                .map(|note| format!("{} runs on the CPU: {note}.", m.label))
        })
        .collect::<Vec<_>>();
    let errors = on_page
        .iter()
        .filter_map(|m| models.slot(m.name)?.error.clone())
        .collect::<Vec<_>>();
    let interventions = !settings.masked.is_empty() || !settings.heads_off.is_empty();

    html! {
        <section id="attention-view" class="view live" aria-labelledby="attention-title">
            <h1 id="attention-title">{ "Live attention" }</h1>
            <Notices messages={state.notices.clone()} {on_dismiss} />
            <LiveText id="live-text" label="Text" text={settings.text.clone()}
                help="Every keystroke runs the model again. Click a token below to mask it; switch heads off in the model view."
                examples={settings.model.examples.to_vec()} on_edit={on_edit} />
            <div class="controls live-controls">
                <div class="field">
                    <label for="live-model">{ "Model" }</label>
                    <select id="live-model" onchange={on_model}>
                        { for CLASSIFIERS.iter().map(|m| html! {
                            <option value={m.name} selected={m.name == settings.model.name}>{ m.label }</option>
                        }) }
                    </select>
                </div>
                <label class="check"><input id="live-compare" type="checkbox" checked={settings.compare} onchange={on_compare} />
                    { format!(" Compare with the {}", if settings.model.transformer { "BiLSTM" } else { "Transformer" }) }</label>
                <button id="live-reset" type="button" onclick={on_reset} disabled={!interventions}>{ "Reset masks and heads" }</button>
            </div>
            <TokenChips id="token" tokens={chips} masked={settings.masked.clone()} highlight={*highlight}
                on_toggle={on_toggle_mask} on_highlight={on_highlight.clone()} />
            <p id="live-perf" class="perf" aria-live="off"></p>
            { for engine_note.iter().map(|n| html! { <p class="muted engine-note">{ n }</p> }) }
            { for errors.iter().map(|e| html! { <p class="field-message error" role="alert">{ e }</p> }) }
            <div class={classes!("panels", settings.compare.then_some("compare"))}>
                { for on_page.iter().map(|info| {
                    let slot = models.slot(info.name);
                    html! {
                        <ModelPanel {info} load={slot.map_or(LoadState::Loading("Waiting for the backend".into(), 0.0), |s| s.load.clone())}
                            shown={slot.and_then(|s| s.shown.clone())} heads_off={settings.heads_off.clone()}
                            head={settings.head} highlight={*highlight} on_open={on_open.clone()}
                            on_toggle_head={on_toggle_head.clone()} on_highlight={on_highlight.clone()} />
                    }
                }) }
            </div>
        </section>
    }
}
