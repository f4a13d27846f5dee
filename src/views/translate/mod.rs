//! The live translation page (`#/translate`): type English, the greedy Spanish translation
//! and its cross-attention alignment update with every keystroke; a step-through replays the
//! decoding one token at a time with the decoder's attention and its top-5 candidates.
//!
//! The page owns only its text and notices; the live-engine hook ([`use_live_engine`]) loads
//! the translator and runs it (one decode per frame, latest wins, stale results dropped).
//! [`alignment`] draws the translation and the alignment, [`step_through`] the replay.

pub mod alignment;
pub mod step_through;

use crate::components::live_text::LiveText;
use crate::components::load_status::load_status;
use crate::components::notices::Notices;
use crate::embed::dialog::EmbedButton;
use crate::embed::options::{EmbedOptions, ViewKind};
use crate::engine::backend::Backend;
use crate::engine::catalog::TRANSLATOR;
use crate::engine::live::{use_live_engine, LiveRequest};
use crate::hooks::url_sync::use_url_sync;
use crate::route::{Query, Route};
use alignment::ResultViews;
use std::rc::Rc;
use yew::prelude::*;

/// Most characters of the text the URL keeps.
///
/// The same limit as the live attention page's; the box keeps everything typed, and the
/// translator reads only its first `max_len` tokens anyway.
const URL_TEXT_LIMIT: usize = 2000;

/// Props of [`TranslateView`].
#[derive(Properties, PartialEq)]
pub struct TranslateViewProps {
    /// The URL query the page starts from.
    ///
    /// Only `text=` means something here; the app's own parameters are already removed.
    pub query: Query,
    /// The backend the app found.
    ///
    /// `Detecting` at first; the translator's load starts once it is known.
    pub backend: Backend,
    /// Called when the GPU device is lost.
    ///
    /// The app passes `engine::page::device_lost`: every view on the page moves to the CPU,
    /// and the translation is answered there.
    pub on_device_lost: Callback<String>,
}

/// Reads `text=` from the URL; anything else is ignored with a notice.
///
/// No `text=` gives the translator's first example; an empty `text=` stays empty (the
/// page then shows core's message for an empty input). A repeated `text=` keeps the last.
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

/// What the page itself holds: the text, when it last changed, the notices.
#[derive(Debug, Clone, PartialEq)]
struct TranslateState {
    /// The English text, exactly as typed.
    text: String,
    /// When the last keystroke arrived (`performance.now()`), for the keystroke → paint record.
    changed_at: Option<f64>,
    /// Ignored URL parameters and engine notices (a lost GPU), each once, until dismissed.
    notices: Vec<String>,
}

/// What changes the page's state.
enum TranslateAction {
    /// The text box changed, at a time.
    Text(String, f64),
    /// A sentence from the live-engine hook.
    Notice(String),
    /// The reader closed the notices.
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
            TranslateAction::Notice(text) => {
                // The same notice may come once per forward; it is listed once.
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
        }
    });
    // The step-through's step lives here, not in `ResultViews`: a new text starts the replay
    // at step 1 again (see `on_edit`), whatever result is drawn meanwhile.
    let step = use_state(|| 0usize);
    let url_text = state.text.chars().take(URL_TEXT_LIMIT).collect();
    // The URL follows the text once typing pauses; the step is not kept in it.
    use_url_sync(Some(Route::Translate), vec![("text".to_owned(), url_text)]);
    let request = LiveRequest {
        text: state.text.clone(),
        // The translator takes no masks or heads off: the page only shows what it computes.
        interventions: Default::default(),
        input_at: state.changed_at,
    };
    let on_notice = {
        let dispatch = state.dispatcher();
        Callback::from(move |text| dispatch.dispatch(TranslateAction::Notice(text)))
    };
    let engine_choice = crate::engine::choice::use_engine_choice();
    let live = use_live_engine(
        &props.backend,
        engine_choice,
        &[&TRANSLATOR],
        request,
        on_notice,
        props.on_device_lost.clone(),
    );
    let slot = live.slot(TRANSLATOR.name);

    let on_edit = {
        let (dispatch, step) = (state.dispatcher(), step.clone());
        Callback::from(move |(text, at): (String, f64)| {
            // A new sentence decodes to new tokens, so a step kept from the old one would point at
            // an unrelated token (or past the end).
            step.set(0);
            dispatch.dispatch(TranslateAction::Text(text, at))
        })
    };
    let on_dismiss = {
        let dispatch = state.dispatcher();
        Callback::from(move |()| dispatch.dispatch(TranslateAction::DismissNotices))
    };
    html! {
        <section id="translate-view" class="view live" aria-labelledby="translate-title">
            <div class="view-head">
                <h1 id="translate-title">{ "Live translation" }</h1>
                // The alignment is the translator's only embed view, so the dialog has nothing to
                // pick.
                <EmbedButton options={EmbedOptions { model: Some(TRANSLATOR.name.to_owned()), text: Some(state.text.clone()), ..EmbedOptions::default() }}
                    views={vec![ViewKind::Alignment]} />
            </div>
            <Notices messages={state.notices.clone()} {on_dismiss} />
            <p class="lede">{ "An LSTM encoder–decoder with attention (trained by us on Tatoeba) translates English into Spanish as you type. Each row of the alignment is one decoding step: which English tokens the decoder looked at to write that Spanish token." }</p>
            <LiveText id="translate-text" label="English" text={state.text.clone()}
                help="Every keystroke decodes again (greedy: the most likely token at each step)."
                examples={TRANSLATOR.examples.to_vec()} {on_edit} />
            // Written straight through the DOM by the live-engine hook's latency record, not by a
            // render; silent for screen readers.
            <p id="live-perf" class="perf" aria-live="off"></p>
            { load_status(slot, "translate", "The translator") }
            // Nothing below the status until the first translation is ready.
            if let Some(shown) = slot.and_then(|s| s.shown.clone()) {
                <ResultViews {shown} step={step.clone()} />
            }
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
