//! One live model's state under a page's text box: load progress (or why the load failed),
//! why the model runs on the CPU when it does, and the latest error — for the pages that run
//! one model (the translator's, the decoder's).

use crate::engine::live::{LoadState, Slot};
use yew::prelude::*;

/// Load progress or failure, why the model runs on the CPU, the latest error; `id` prefixes
/// the progress bar's id (`{id}-progress`), `who` names the model in the CPU note.
///
/// `None` (no slot yet) means the backend is still being detected. A failed load shows its
/// reason alone: the note and errors of a model that never loaded add nothing.
pub fn load_status(slot: Option<&Slot>, id: &str, who: &str) -> Html {
    let load = match slot.map(|s| &s.load) {
        None => Some(("Waiting for the backend", 0.0)),
        Some(LoadState::Loading(stage, fraction)) => Some((stage.as_str(), *fraction)),
        Some(LoadState::Ready) => None,
        Some(LoadState::Failed(why)) => {
            return html! { <p class="field-message error" role="alert">{ why }</p> }
        }
    };
    let note = slot.and_then(Slot::gpu_note);
    let error = slot.and_then(|s| s.error.clone());
    html! {
        <>
            if let Some((stage, fraction)) = load {
                <div class="load-state">
                    <label for={format!("{id}-progress")}>{ format!("{stage}…") }</label>
                    <progress id={format!("{id}-progress")} max="1" value={fraction.to_string()}></progress>
                </div>
            }
            if let Some(note) = note {
                <p class="muted engine-note">{ format!("{who} runs on the CPU: {note}.") }</p>
            }
            if let Some(error) = error { <p class="field-message error" role="alert">{ error }</p> }
        </>
    }
}
