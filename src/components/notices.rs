//! A dismissible list of notices (e.g. URL parameters that were ignored).

use yew::prelude::*;

/// Props of [`Notices`].
#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    /// The messages; nothing is shown when empty.
    pub messages: Vec<String>,
    /// Called when the user dismisses them.
    pub on_dismiss: Callback<()>,
}

/// Notices in a polite live region, with a dismiss button.
#[component]
pub fn Notices(props: &NoticesProps) -> Html {
    if props.messages.is_empty() {
        return html! {};
    }
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="notice" role="status" data-testid="notices">
            <ul>{ for props.messages.iter().map(|m| html! { <li>{ m }</li> }) }</ul>
            <button type="button" class="notice-dismiss" onclick={dismiss} aria-label="Dismiss these notices">{ "Dismiss" }</button>
        </div>
    }
}

/// The trace's own note for the reader (empty input, a cut text, words the model cannot
/// read), as a polite status line under the result; nothing when the trace has none. Every
/// view that shows a result shows this note the same way.
pub fn trace_message(message: Option<&String>) -> Html {
    message.map_or_else(
        || html! {},
        |m| html! { <p class="notice trace-message" role="status">{ m }</p> },
    )
}
