//! The text box of the live views: autofocus, the user's text kept whatever it holds, and
//! example sentences as chips. Reports each edit with the time it arrived.

use yew::prelude::*;

/// Props of [`LiveText`].
#[derive(Properties, PartialEq)]
pub struct LiveTextProps {
    /// The textarea's id.
    pub id: AttrValue,
    /// The label above the box.
    pub label: AttrValue,
    /// The text shown.
    pub text: AttrValue,
    /// A help line under the box.
    pub help: AttrValue,
    /// Example sentences offered as chips.
    pub examples: Vec<&'static str>,
    /// Called with the new text and `performance.now()` of the edit.
    pub on_edit: Callback<(String, f64)>,
    /// Whether the box takes the focus when the page opens (never inside a host's page).
    #[prop_or(true)]
    pub autofocus: bool,
}

/// A labelled textarea with example chips.
#[component]
pub fn LiveText(props: &LiveTextProps) -> Html {
    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(area) = event.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                // The whole value and when it arrived: the keystroke → paint record starts here.
                on_edit.emit((area.value(), crate::dom::now_ms()));
            }
        })
    };
    // The box is controlled: it shows `text`, which the page keeps (an example chip replaces
    // it through `on_edit` like typing does).
    let help_id = format!("{}-help", props.id);
    html! {
        <div class="live-input">
            <label for={props.id.clone()}>{ &props.label }</label>
            <textarea id={props.id.clone()} rows="2" autofocus={props.autofocus} spellcheck="false"
                placeholder="Type a sentence…" value={props.text.clone()} {oninput}
                aria-describedby={help_id.clone()} />
            <p id={help_id} class="muted">{ &props.help }</p>
            <div class="example-chips" role="group" aria-label="Example sentences">
                { for props.examples.iter().map(|&example| {
                    let on_edit = props.on_edit.clone();
                    // A chip is an edit like any other, timed from the click.
                    let onclick = Callback::from(move |_: MouseEvent| on_edit.emit((example.to_owned(), crate::dom::now_ms())));
                    html! { <button type="button" class="example-chip" {onclick}>{ example }</button> }
                }) }
            </div>
        </div>
    }
}
