//! The live-engine hook every live page uses ([`use_live_engine`]): it owns loading each
//! model with progress, the GPU/CPU choice, the switch to the CPU when the GPU device is lost
//! (with its notice), the keystroke schedule with stale-result dropping, and the
//! keystroke → paint record. A page says which models it shows and what to run; it gets back
//! each model's load state and latest [`Shown`] result, and never touches an engine.
//!
//! Flow: the page's request (text, interventions, input time) changes → one job for every
//! ready model is queued ([`schedule`]: at most one forward per animation frame, latest
//! wins) → each outcome is kept only if newer than the one shown → the page draws it.

use super::catalog::ModelInfo;
use super::choice::EngineChoice;
use super::schedule::{self, Job, Outcome, Scheduler};
use super::{Computed, Engine, EngineKind, RunError};
use crate::engine::backend::{Backend, SharedGpu};
use crate::engine::latency::{use_paint_latency, Painted};
use attnscope_core::trace::{Attention, Classification, Decoded, Output, SelfAttention};
use attnscope_core::{Interventions, Matrix};
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// Where a model is in its life on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    /// Bytes arriving or pipelines compiling: a stage and the fraction done.
    Loading(String, f64),
    /// Ready to run.
    Ready,
    /// It could not be loaded; the reason.
    Failed(String),
}

/// A result to draw, with the pieces every view shares (maps are shared, never copied).
#[derive(Debug, PartialEq)]
pub struct Shown {
    /// The job number that produced it.
    pub seq: u64,
    /// The text it was computed for.
    pub text: String,
    /// The masks, heads off and temperature it was computed with.
    pub interventions: Interventions,
    /// When the input behind it arrived, if it came from an input.
    pub input_at: Option<f64>,
    /// The result.
    pub computed: Computed,
    /// Token texts (the source tokens of a translator).
    pub tokens: Rc<Vec<String>>,
}

impl Shown {
    /// Wraps a computed trace with the request it answers: its job number, text,
    /// interventions and input time.
    pub fn new(
        seq: u64,
        text: String,
        interventions: Interventions,
        input_at: Option<f64>,
        computed: Computed,
    ) -> Self {
        // Token texts are copied once per result, into an `Rc` that every view shares.
        let tokens = computed.trace.tokens.iter().map(|t| t.text.clone());
        Self {
            seq,
            text,
            interventions,
            input_at,
            tokens: Rc::new(tokens.collect()),
            computed,
        }
    }

    /// A Transformer's attention maps.
    pub fn maps(&self) -> Option<Arc<SelfAttention>> {
        match &self.computed.trace.attention {
            Attention::SelfAttention(maps) => Some(maps.clone()),
            _ => None,
        }
    }

    /// A translator's cross-attention, (generated tokens × source tokens).
    pub fn alignment(&self) -> Option<Arc<Matrix>> {
        match &self.computed.trace.attention {
            Attention::Cross { weights } => Some(weights.clone()),
            _ => None,
        }
    }

    /// A decoder's next-token candidates and the position they follow.
    pub fn next_token(&self) -> Option<(usize, &[attnscope_core::trace::Candidate])> {
        match &self.computed.trace.output {
            Output::NextToken {
                position,
                candidates,
            } => Some((*position, candidates)),
            _ => None,
        }
    }

    /// The classification, if the model classified.
    pub fn classification(&self) -> Option<&Classification> {
        match &self.computed.trace.output {
            Output::Classification(c) => Some(c),
            _ => None,
        }
    }

    /// A translator's decoding, generated token strings and translated text.
    pub fn translation(&self) -> Option<(&Decoded, &[String], &str)> {
        match &self.computed.trace.output {
            Output::Translation {
                decoding,
                tokens,
                text,
            } => Some((decoding, tokens, text)),
            _ => None,
        }
    }

    /// What the latency record needs; `cpu_reason` says why the CPU engine runs when no GPU
    /// was offered.
    fn painted(&self, cpu_reason: Option<String>) -> Painted {
        let why = match (&self.computed.why, self.computed.engine) {
            (Some(why), _) => Some(why.clone()),
            (None, EngineKind::Cpu) => cpu_reason,
            (None, EngineKind::Gpu) => None,
        };
        Painted {
            seq: self.seq,
            input_at: self.input_at,
            engine: self.computed.engine.name(),
            tokens: self.tokens.len(),
            forward_ms: self.computed.forward_ms,
            why,
        }
    }
}

/// What the page asks the models to run.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRequest {
    /// The text.
    pub text: String,
    /// Masks, heads off, temperature.
    pub interventions: Interventions,
    /// When the input behind this request arrived (`performance.now()`), if it was an input.
    pub input_at: Option<f64>,
}

/// An engine in a slot, equal by identity.
#[derive(Debug, Clone)]
struct EngineRef(Rc<Engine>);

impl PartialEq for EngineRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// One model on the page: its load state, engine and latest result.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// The model.
    pub info: &'static ModelInfo,
    /// Where its loading is.
    pub load: LoadState,
    /// The engine once loaded (`None` while loading or after a failure); private, so only the
    /// hook's schedule ever runs a forward.
    engine: Option<EngineRef>,
    /// The latest result (never older than one shown before).
    pub shown: Option<Rc<Shown>>,
    /// The latest forward's error, worded for the user.
    pub error: Option<String>,
}

impl Slot {
    /// Why the model runs on the CPU although a GPU was offered, if it does.
    pub fn gpu_note(&self) -> Option<&str> {
        self.engine.as_ref()?.0.gpu_note.as_deref()
    }
}

/// Every model a page has asked for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveModels {
    /// In the order the page first asked for them; a slot lives while the page lists its model.
    slots: Vec<Slot>,
}

impl LiveModels {
    /// The model named `name`, once the page has asked for it.
    pub fn slot(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.info.name == name)
    }
}

/// What changes a page's models (dispatched by the hook itself, never by a page).
pub enum LiveAction {
    /// A model's load starts: its slot is made.
    Start(&'static ModelInfo),
    /// A load stage and the fraction done.
    Loading(&'static ModelInfo, String, f64),
    /// The engine is ready.
    Loaded(&'static ModelInfo, Rc<Engine>),
    /// Loading failed, worded for the user.
    Failed(&'static ModelInfo, String),
    /// A forward's outcome, for the model it names (dropped if older than the result shown).
    Outcome(Box<Outcome>),
    /// The page now shows only these models: the others' slots, engines and GPU buffers go.
    Keep(Vec<&'static str>),
}

/// An action for a model without a slot, a stale outcome, or a `Keep` that drops nothing
/// returns the same `Rc`, so no component re-renders for it.
impl Reducible for LiveModels {
    type Action = LiveAction;

    fn reduce(self: Rc<Self>, action: LiveAction) -> Rc<Self> {
        // `Keep` is the one action about every slot; it keeps the same `Rc` when nothing goes.
        if let LiveAction::Keep(names) = &action {
            if self.slots.iter().all(|s| names.contains(&s.info.name)) {
                return self;
            }
            let slots = self
                .slots
                .iter()
                .filter(|s| names.contains(&s.info.name))
                .cloned()
                .collect();
            return Rc::new(Self { slots });
        }
        let info = match &action {
            LiveAction::Start(info) => *info,
            LiveAction::Loading(info, ..)
            | LiveAction::Loaded(info, _)
            | LiveAction::Failed(info, _) => *info,
            LiveAction::Keep(_) => unreachable!("handled above"),
            LiveAction::Outcome(outcome) => {
                // An outcome finds its slot by the model's name. (The schedule may deliver a
                // job queued by a later render through an earlier render's callback, so the
                // name, not what a callback captured, decides where a result goes.)
                let Some(slot) = self.slot(outcome.model) else {
                    return self; // a model the page no longer has
                };
                if slot.shown.as_ref().is_some_and(|s| s.seq > outcome.seq) {
                    return self; // stale: never paint an older result over a newer one
                }
                slot.info
            }
        };
        // A cheap copy: results, engines and maps sit behind `Rc`s.
        let mut next = (*self).clone();
        let index = next.slots.iter().position(|s| s.info.name == info.name);
        if index.is_none() && !matches!(action, LiveAction::Start(_)) {
            return self; // the load of a model the page no longer shows: dropped with it
        }
        let index = index.unwrap_or_else(|| {
            next.slots.push(Slot {
                info,
                load: LoadState::Loading("Starting".into(), 0.0),
                engine: None,
                shown: None,
                error: None,
            });
            next.slots.len() - 1
        });
        let slot = &mut next.slots[index];
        match action {
            LiveAction::Start(_) | LiveAction::Keep(_) => {}
            LiveAction::Loading(_, stage, fraction) => {
                slot.load = LoadState::Loading(stage, fraction)
            }
            LiveAction::Loaded(_, engine) => {
                slot.load = LoadState::Ready;
                slot.engine = Some(EngineRef(engine));
            }
            LiveAction::Failed(_, why) => slot.load = LoadState::Failed(why),
            LiveAction::Outcome(outcome) => {
                let outcome = *outcome;
                match outcome.result {
                    Ok(computed) => {
                        let shown = Shown::new(
                            outcome.seq,
                            outcome.text,
                            outcome.interventions,
                            outcome.input_at,
                            computed,
                        );
                        slot.shown = Some(Rc::new(shown));
                        slot.error = None;
                    }
                    Err(RunError::DeviceLost(_)) => {} // the CPU's answer follows
                    Err(RunError::Failed(why)) => slot.error = Some(why),
                }
            }
        }
        Rc::new(next)
    }
}

/// The GPU context to load on: `None` while the backend is still being detected, then
/// `Some(Some(context))` for WebGPU or `Some(None)` for the CPU.
fn offered_gpu(backend: &Backend) -> Option<Option<attnscope_gpu::GpuContext>> {
    match backend {
        Backend::Detecting => None,
        Backend::WebGpu(SharedGpu(context)) => Some(Some((**context).clone())),
        Backend::Cpu(_) => Some(None),
    }
}

/// Loads and runs `models` live: each is loaded once (with progress) when the backend is
/// known, on the engines `choice` offers ([`EngineChoice::offered`]; `auto` measures), and `request` runs on every ready model whenever it or the ready set changes. A lost
/// GPU device emits `on_notice` (a sentence for the page's notices) and `on_device_lost`, and
/// the model answers on the CPU. The first model's results feed the keystroke → paint record.
#[hook]
pub fn use_live_engine(
    backend: &Backend,
    choice: EngineChoice,
    models: &[&'static ModelInfo],
    request: LiveRequest,
    on_notice: Callback<String>,
    on_device_lost: Callback<String>,
) -> UseReducerHandle<LiveModels> {
    let live = use_reducer(LiveModels::default);
    // One queue per hook (per page, per embed): its job numbers order only its own results.
    let scheduler = use_mut_ref(Scheduler::default);

    // Load every model on the page once the backend is known.
    {
        let live = live.clone();
        let gpu = offered_gpu(&choice.offered(backend.clone()));
        let auto = choice == EngineChoice::Auto;
        let names: Vec<&'static str> = models.iter().map(|m| m.name).collect();
        let models = models.to_vec();
        // Re-runs when the list of models changes or the backend stops `Detecting`. A later
        // backend change (a lost device) reloads nothing: each engine drops its own GPU network.
        use_effect_with((names, gpu.is_some()), move |(_, detected)| {
            // Models the page no longer shows go at once, detected or not; their engines (and GPU
            // buffers) go when the last job holding them ends.
            live.dispatch(LiveAction::Keep(models.iter().map(|m| m.name).collect()));
            if !*detected {
                return;
            }
            for info in models {
                // A model with a slot is loading, ready or failed: it is never loaded twice, and a
                // failed one stays failed while the page shows it.
                if live.slot(info.name).is_none() {
                    load(live.dispatcher(), info, gpu.clone().flatten(), auto);
                }
            }
        });
    }

    // Queue a forward whenever the request or the ready engines change.
    {
        let engines: Vec<EngineRef> = models
            .iter()
            .filter_map(|m| live.slot(m.name)?.engine.clone())
            .collect();
        let deliver = deliverer(live.dispatcher(), on_notice, on_device_lost);
        let scheduler = scheduler.clone();
        let input_at = request.input_at;
        // Re-runs when the text, the interventions or the ready engines change (an engine equals
        // only itself). `input_at` is no dependency: a new timestamp alone runs nothing.
        let deps = (request.text, request.interventions, engines);
        use_effect_with(deps, move |(text, interventions, engines)| {
            // Nothing ready: no request is lost, since the first engine to load changes `engines`
            // and this runs again with the latest request.
            if engines.is_empty() {
                return;
            }
            let seq = scheduler.borrow_mut().next_seq();
            let job = Job {
                seq,
                text: text.clone(),
                interventions: interventions.clone(),
                input_at,
                engines: engines.iter().map(|e| e.0.clone()).collect(),
            };
            schedule::submit(&scheduler, job, deliver);
        });
    }

    // The keystroke → paint record follows the first model only: one record per keystroke.
    let first = models.first().and_then(|m| live.slot(m.name));
    // Why the CPU runs, for the record, where no GPU was offered at all (a model the GPU
    // refused says so in its `gpu_note`).
    let cpu_reason = match choice.offered(backend.clone()) {
        Backend::Cpu(reason) => Some(reason.to_string()),
        _ => None,
    };
    use_paint_latency(
        first
            .and_then(|s| s.shown.as_ref())
            .map(|s| s.painted(cpu_reason)),
    );
    live
}

/// Loads `info` in the background, reporting progress, the engine or the failure.
fn load(
    live: UseReducerDispatcher<LiveModels>,
    info: &'static ModelInfo,
    gpu: Option<attnscope_gpu::GpuContext>,
    auto: bool,
) {
    // The slot exists before the first await, so the next render's effect sees it.
    live.dispatch(LiveAction::Start(info));
    wasm_bindgen_futures::spawn_local(async move {
        let progress = {
            let live = live.clone();
            move |stage: &str, fraction: f64| {
                live.dispatch(LiveAction::Loading(info, stage.to_owned(), fraction))
            }
        };
        // A model dropped meanwhile still finishes loading; the reducer finds no slot and
        // ignores it, and the engine is dropped with the action.
        match Engine::load(info, gpu, auto, &progress).await {
            Ok(engine) => live.dispatch(LiveAction::Loaded(info, Rc::new(engine))),
            Err(why) => live.dispatch(LiveAction::Failed(info, why)),
        }
    });
}

/// What the schedule calls with each model's outcome: the device-lost notice, then the
/// outcome into the reducer (which drops it if stale).
fn deliverer(
    live: UseReducerDispatcher<LiveModels>,
    on_notice: Callback<String>,
    on_device_lost: Callback<String>,
) -> Rc<dyn Fn(Outcome)> {
    Rc::new(move |outcome: Outcome| {
        if let Err(RunError::DeviceLost(reason)) = &outcome.result {
            on_notice.emit(format!(
                "The GPU device was lost ({reason}); attnscope switched to the CPU engine and kept your text."
            ));
            on_device_lost.emit(reason.clone());
        }
        live.dispatch(LiveAction::Outcome(Box::new(outcome)));
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::catalog::CLASSIFIERS;
    use crate::engine::EngineKind;
    use attnscope_core::trace::Trace;

    fn outcome(model: &'static str, seq: u64) -> LiveAction {
        let computed = Computed {
            trace: Trace::empty("test"),
            engine: EngineKind::Cpu,
            forward_ms: 1.0,
            submits: 0,
            dispatches: 0,
            why: None,
        };
        LiveAction::Outcome(Box::new(Outcome {
            model,
            seq,
            text: format!("job {seq}"),
            interventions: Interventions::default(),
            result: Ok(computed),
            input_at: None,
        }))
    }

    fn shown_seq(models: &LiveModels, name: &str) -> Option<u64> {
        models.slot(name)?.shown.as_ref().map(|s| s.seq)
    }

    #[test]
    fn outcomes_reach_their_model_by_name_and_stale_ones_are_dropped() {
        let [first, second] = [&CLASSIFIERS[0], &CLASSIFIERS[1]];
        let mut models = Rc::new(LiveModels::default());
        for info in [first, second] {
            models = models.reduce(LiveAction::Start(info));
        }
        // Outcomes of one job arrive model by model, whichever callback delivers them.
        models = models.reduce(outcome(first.name, 2));
        models = models.reduce(outcome(second.name, 2));
        assert_eq!(shown_seq(&models, first.name), Some(2));
        assert_eq!(shown_seq(&models, second.name), Some(2));
        // An older job's result never replaces a newer one; a newer one does.
        models = models.reduce(outcome(first.name, 1));
        assert_eq!(shown_seq(&models, first.name), Some(2));
        models = models.reduce(outcome(first.name, 3));
        assert_eq!(shown_seq(&models, first.name), Some(3));
        // A model the page never asked for is ignored, not added.
        models = models.reduce(outcome(CLASSIFIERS[2].name, 9));
        assert!(models.slot(CLASSIFIERS[2].name).is_none());
        // A model switched away is dropped, and its late load progress does not bring it back.
        models = models.reduce(LiveAction::Keep(vec![second.name]));
        assert!(models.slot(first.name).is_none() && models.slot(second.name).is_some());
        models = models.reduce(LiveAction::Loading(first, "late".into(), 0.5));
        assert!(models.slot(first.name).is_none());
    }
}
