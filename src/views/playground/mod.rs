//! The Q/K/V playground (`#/playground`): small editable Q, K and V; dot-product, scaled or
//! additive scores; no mask, padding or look-ahead; 1, 2 or 4 heads; a temperature. Scores,
//! weights and output follow every edit, as heatmaps and as tables a screen reader reads.
//! The numbers come from core's `attention_math` (the models' own softmax), not a copy.

pub mod cells;
mod controls;
pub mod editor;
mod live_copy;
pub mod presets;
mod results;
pub mod settings;
pub mod state;

use crate::hooks::url_sync::use_url_sync;
use crate::route::{Query, Route};
use attnscope_core::attention_math::AttentionSteps;
use controls::{controls, editors};
use live_copy::LiveCopy;
use results::results;
pub use settings::{MaskKind, Playground, Score};
pub use state::Edit;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`PlaygroundView`].
#[derive(Properties, PartialEq)]
pub struct PlaygroundProps {
    /// The URL query.
    pub query: Query,
    /// Whether the view keeps its settings in the URL (not inside a lesson stop).
    #[prop_or(true)]
    pub sync_url: bool,
}

/// The playground page.
#[component]
pub fn PlaygroundView(props: &PlaygroundProps) -> Html {
    let notices = use_state(Vec::<String>::new);
    let state = {
        let notices = notices.clone();
        let query = props.query.clone();
        use_reducer(move || {
            let (state, found) = Playground::from_query(&query);
            notices.set(found);
            state
        })
    };
    use_url_sync(
        props.sync_url.then_some(Route::Playground),
        state.to_query(),
    );
    let result = use_memo((*state).clone(), |s| s.compute());
    let last_good = use_mut_ref(|| None::<Rc<AttentionSteps>>);
    let (shown, problem) = match &*result {
        Ok(steps) => {
            let steps = Rc::new(steps.clone());
            *last_good.borrow_mut() = Some(steps.clone());
            (Some(steps), None)
        }
        Err(why) => (last_good.borrow().clone(), Some(why.clone())),
    };
    let dispatch = state.dispatcher();
    html! {
        <section id="playground-view" class="view playground" aria-labelledby="playground-title">
            <h1 id="playground-title">{ "Q, K, V playground" }</h1>
            <p class="lede">{ "Type into Q, K and V and watch the scores, the softmax weights and the output follow. Every number below is computed by attnscope's own attention code." }</p>
            if !notices.is_empty() {
                <ul class="notice" role="status">{ for notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
            }
            { controls(&state, &dispatch) }
            <LiveCopy on_copy={dispatch.to_callback().reform(|(q, k, v)| Edit::Copied(q, k, v))} />
            { editors(&state, &dispatch) }
            <p id="playground-problem" class="field-message error" role="alert" hidden={problem.is_none()}>
                { problem.map(|p| format!("{p}. Showing the last good result.")).unwrap_or_default() }
            </p>
            if let Some(steps) = shown {
                { results(&state, &steps) }
            }
        </section>
    }
}
