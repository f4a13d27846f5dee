//! The live attention page (`#/attention`): type a sentence and watch every head of a
//! Transformer, or a BiLSTM's pooling, move with each keystroke; mask tokens, switch heads
//! off, compare the two architectures.
//!
//! Flow: the text box and controls change [`LiveSettings`]; the live-engine hook
//! ([`use_live_engine`]) loads the models on the page and runs the settings' text and
//! interventions on them (one forward per frame, latest wins, stale results dropped); the
//! panels draw each model's latest result.

// `panel` draws one model's column; `settings` is the URL-backed state both read.
pub mod panel;

pub mod settings;

use crate::components::live_text::LiveText;
use crate::components::model_loader::ModelLoader;
use crate::components::notices::Notices;
use crate::components::token_chips::TokenChips;
use crate::dom::now_ms;
use crate::embed::dialog::EmbedButton;
use crate::embed::options::{EmbedOptions, ViewKind};
use crate::engine::backend::Backend;
use crate::engine::catalog::{self, ModelInfo};
use crate::engine::live::{use_live_engine, LiveModels, LiveRequest, LoadState};
use crate::hooks::dispatch::use_dispatch;
use crate::hooks::url_sync::use_url_sync;
use crate::route::{Query, Route};
use panel::ModelPanel;
use settings::LiveSettings;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`AttentionView`].
#[derive(Properties, PartialEq)]
pub struct AttentionViewProps {
    /// The URL query the page starts from.
    ///
    /// Without the app's own parameters; read once, since a new hash makes a new view.
    pub query: Query,
    /// The backend the app found.
    ///
    /// `Detecting` at first; the live-engine hook starts loading once it is known.
    pub backend: Backend,
    /// Called when the GPU device is lost (the app's chip then says CPU).
    pub on_device_lost: Callback<String>,
}

/// The page's own state.
#[derive(Debug, Clone, PartialEq)]
struct LiveState {
    /// What the page shows; also what the URL holds.
    settings: LiveSettings,
    /// Sentences for the notice list: ignored URL parameters and engine notices (such as a lost
    /// GPU), each once, until dismissed.
    notices: Vec<String>,
    /// When the input behind the current settings arrived.
    changed_at: Option<f64>,
}

/// What changes the page's state. Actions that change what a model computes carry the time
/// their input arrived, so the keystroke → paint record measures from the input event.
enum LiveAction {
    /// The text box changed, at a time.
    Text(String, f64),
    /// Another model was picked (or brought by the loader).
    Model(&'static ModelInfo),
    /// Compare mode on or off: the partner model runs beside the picked one.
    Compare(bool),
    /// A token chip was clicked: that position is masked or unmasked.
    ToggleMask(usize, f64),
    /// A head's switch in the model view: that (layer, head) is switched off or on.
    ToggleHead((usize, usize), f64),
    /// A head was opened in the large views; the models need not run again.
    OpenHead((usize, usize)),
    /// Every mask and switched-off head is cleared.
    Reset(f64),
    /// A sentence for the notice list (from the live-engine hook).
    Notice(String),
    /// The reader closed the notices.
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
            // Masks and heads off are kept across a model change; a pair the new model lacks does
            // nothing, and the BiLSTM ignores heads.
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
                // The hook may report the same thing for each model or each forward; one line is
                // enough.
                if !next.notices.contains(&text) {
                    next.notices.push(text)
                }
            }
            LiveAction::DismissNotices => next.notices.clear(),
        }
        Rc::new(next)
    }
}

/// The models on the page now: the picked one, and its partner in compare mode.
fn models_on_page(settings: &LiveSettings) -> Vec<&'static ModelInfo> {
    let mut models = vec![settings.model];
    // A model without a partner (a brought one) runs alone even in compare mode.
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
    // The hovered or focused token, shared by the chips and every panel; page state only,
    // never in the URL.
    let highlight = use_state(|| None::<usize>);
    let settings = &state.settings;
    // The models the hook should hold: one dropped from this list (compare turned off,
    // another model picked) loses its engine and GPU buffers.
    let on_page = models_on_page(settings);
    // The URL follows the settings once typing pauses; this page is always its own route.
    use_url_sync(Some(Route::Attention), settings.to_query());
    let request = LiveRequest {
        text: settings.text.clone(),
        interventions: settings.interventions(),
        input_at: state.changed_at,
    };
    // Made once, so the hook's callback stays the same between renders.
    let on_notice = use_dispatch(&state.dispatcher(), LiveAction::Notice);
    let engine_choice = crate::engine::choice::use_engine_choice();
    let live = use_live_engine(
        &props.backend,
        engine_choice,
        &on_page,
        request,
        on_notice,
        props.on_device_lost.clone(),
    );

    // Callbacks made once (see `use_dispatch`).
    let dispatch = state.dispatcher();
    let on_edit = use_dispatch(&dispatch, |(text, at): (String, f64)| {
        LiveAction::Text(text, at)
    });
    let on_toggle_mask = use_dispatch(&dispatch, |t: usize| LiveAction::ToggleMask(t, now_ms()));
    let on_toggle_head = use_dispatch(&dispatch, |head: (usize, usize)| {
        LiveAction::ToggleHead(head, now_ms())
    });
    let on_open = use_dispatch(&dispatch, LiveAction::OpenHead);
    let on_reset = use_dispatch(&dispatch, |_: MouseEvent| LiveAction::Reset(now_ms()));
    let on_dismiss = use_dispatch(&dispatch, |()| LiveAction::DismissNotices);
    let on_brought = use_dispatch(&dispatch, LiveAction::Model);
    let on_highlight = {
        let setter = highlight.setter();
        // `use_state` re-renders on every `set`, even to the same value, and hover events may
        // report the same token many times; only a change is passed on.
        use_callback(*highlight, move |t: Option<usize>, current| {
            if *current != t {
                setter.set(t)
            }
        })
    };
    // The chips show the tokens of the result drawn, not of the text in the box, so a
    // chip's position always matches what a click on it masks.
    let chips = live
        .slot(settings.model.name)
        .and_then(|s| s.shown.as_ref())
        .map(|shown| (*shown.tokens).clone())
        .unwrap_or_default();

    html! {
        <section id="attention-view" class="view live" aria-labelledby="attention-title">
            <div class="view-head">
                <h1 id="attention-title">{ "Live attention" }</h1>
                <EmbedButton options={embed_options(settings)} views={embed_views(settings.model)} />
            </div>
            <Notices messages={state.notices.clone()} {on_dismiss} />
            <LiveText id="live-text" label="Text" text={settings.text.clone()}
                help="Every keystroke runs the model again. Click a token below to mask it; switch heads off in the model view."
                examples={settings.model.examples.to_vec()} on_edit={on_edit} />
            <Controls settings={settings.clone()} dispatch={dispatch.clone()} {on_reset} />
            <ModelLoader on_loaded={on_brought} />
            <TokenChips id="token" tokens={chips} masked={settings.masked.clone()} highlight={*highlight}
                on_toggle={on_toggle_mask} on_highlight={on_highlight.clone()} />
            <p id="live-perf" class="perf" aria-live="off"></p>
            { engine_messages(&live, &on_page) }
            <div class={classes!("panels", settings.compare.then_some("compare"))}>
                { for on_page.iter().map(|info| {
                    let slot = live.slot(info.name);
                    html! {
                        // No slot yet: the hook makes one when it starts the load, after the
                        // backend is known.
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

/// The embed options that show what the page shows for the picked model.
///
/// Layer and head only for a Transformer; masks and heads off only when there are any,
/// so the snippet carries no empty attributes. The view itself is picked in the dialog.
fn embed_options(settings: &LiveSettings) -> EmbedOptions {
    let pair = |(a, b): (usize, usize)| format!("{a}.{b}");
    let list = |items: Vec<String>| (!items.is_empty()).then(|| items.join(","));
    EmbedOptions {
        model: Some(settings.model.name.to_owned()),
        text: Some(settings.text.clone()),
        layer: settings
            .model
            .transformer
            .then(|| settings.head.0.to_string()),
        head: settings
            .model
            .transformer
            .then(|| settings.head.1.to_string()),
        mask: list(settings.masked.iter().map(usize::to_string).collect()),
        off: list(settings.heads_off.iter().map(|&p| pair(p)).collect()),
        ..EmbedOptions::default()
    }
}

/// The views of `model` this page shows, its main one first.
///
/// Each must `fit` the model (`embed::options::fits`), or the dialog would offer an
/// embed that falls back to another view.
fn embed_views(model: &ModelInfo) -> Vec<ViewKind> {
    if model.transformer {
        vec![
            ViewKind::Heatmap,
            ViewKind::Model,
            ViewKind::Head,
            ViewKind::Rollout,
        ]
    } else {
        vec![ViewKind::Pooling]
    }
}

/// Why a model runs on the CPU, and the latest forward errors, for the models on the page.
fn engine_messages(live: &LiveModels, on_page: &[&'static ModelInfo]) -> Html {
    let slots = || on_page.iter().filter_map(|m| live.slot(m.name));
    let notes = slots().filter_map(|s| {
        let note = s.gpu_note()?;
        Some(html! { <p class="muted engine-note">{ format!("{} runs on the CPU: {note}.", s.info.label) }</p> })
    });
    let errors = slots().filter_map(|s| {
        let error = s.error.clone()?;
        Some(html! { <p class="field-message error" role="alert">{ error }</p> })
    });
    html! { <>{ for notes }{ for errors }</> }
}

/// Props of [`Controls`].
///
/// The settings it shows, the page's reducer it changes, and the reset callback the page
/// made once.
#[derive(Properties, PartialEq)]
struct ControlsProps {
    settings: LiveSettings,
    dispatch: UseReducerDispatcher<LiveState>,
    on_reset: Callback<MouseEvent>,
}

/// The model picker, the compare switch and the reset button.
#[component]
fn Controls(props: &ControlsProps) -> Html {
    let settings = &props.settings;
    let on_model = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |event: Event| {
            // The options' values are model names that `catalog::classifier` knows (shipped or
            // brought); anything else is ignored.
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Some(model) = catalog::classifier(&select.value()) {
                    dispatch.dispatch(LiveAction::Model(model));
                }
            }
        })
    };
    let on_compare = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                dispatch.dispatch(LiveAction::Compare(input.checked()));
            }
        })
    };
    let interventions = !settings.masked.is_empty() || !settings.heads_off.is_empty();
    let partner = if settings.model.transformer {
        "BiLSTM"
    } else {
        "Transformer"
    };
    html! {
        <div class="controls live-controls">
            <div class="field">
                <label for="live-model">{ "Model" }</label>
                <select id="live-model" onchange={on_model}>
                    { for catalog::pickable().into_iter().map(|m| html! {
                        <option value={m.name} selected={m.name == settings.model.name}>{ m.label }</option>
                    }) }
                </select>
            </div>
            // No partner, no compare switch (a brought model).
            if !settings.model.partner.is_empty() {
                <label class="check"><input id="live-compare" type="checkbox" checked={settings.compare} onchange={on_compare} />
                    { format!(" Compare with the {partner}") }</label>
            }
            <button id="live-reset" type="button" onclick={props.on_reset.clone()} disabled={!interventions}>{ "Reset masks and heads" }</button>
        </div>
    }
}
