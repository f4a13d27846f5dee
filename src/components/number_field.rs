//! A numeric text field with spin-button keys and an inline error message.
//!
//! It is a text input (not `type=number`) so that every keystroke reaches the app, however
//! malformed, and the app can say what is wrong next to the control.

use yew::prelude::*;

/// Props of [`NumberField`].
#[derive(Properties, PartialEq)]
pub struct NumberFieldProps {
    /// The input's id (also used for its label and message).
    pub id: AttrValue,
    /// The visible label.
    pub label: AttrValue,
    /// What the field shows (the user's text, valid or not).
    pub text: AttrValue,
    /// Why the text is refused, if it is.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// A hint shown under the field when there is no error.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// Smallest and largest value (for assistive technology).
    pub bounds: (f64, f64),
    /// The current valid value (for assistive technology).
    #[prop_or_default]
    pub value_now: Option<f64>,
    /// Called with the text after every edit.
    pub on_edit: Callback<String>,
    /// Called with a number of steps for ArrowUp/Down (±1) and PageUp/Down (±10).
    #[prop_or_default]
    pub on_step: Option<Callback<f64>>,
}

/// A labelled text field that behaves as a spin button.
#[component]
pub fn NumberField(props: &NumberFieldProps) -> Html {
    let oninput = props.on_edit.reform(|event: InputEvent| {
        event
            .target_unchecked_into::<web_sys::HtmlInputElement>()
            .value()
    });
    let on_step = props.on_step.clone();
    let onkeydown = Callback::from(move |event: KeyboardEvent| {
        // Without `on_step` the keys keep their text-field meaning (caret, scrolling).
        let Some(on_step) = &on_step else { return };
        let steps = match event.key().as_str() {
            "ArrowUp" => 1.0,
            "ArrowDown" => -1.0,
            "PageUp" => 10.0,
            "PageDown" => -10.0,
            _ => return,
        };
        // Stepped instead of moving the caret to an end (↑/↓) or scrolling (PageUp/PageDown).
        event.prevent_default();
        on_step.emit(steps);
    });
    let message_id = format!("{}-message", props.id);
    // An error replaces the hint. The message `<p>` stays in the page even when empty: a
    // live region announces changes only once it exists.
    let (class, message) = match (&props.error, &props.hint) {
        (Some(error), _) => ("field-message error", Some(error.clone())),
        (None, Some(hint)) => ("field-message", Some(hint.clone())),
        (None, None) => ("field-message", None),
    };
    // The spin-button role and its value attributes only where the keys do step.
    html! {
        <div class={classes!("field", props.error.is_some().then_some("invalid"))}>
            <label for={props.id.clone()}>{ &props.label }</label>
            <input
                id={props.id.clone()}
                type="text"
                inputmode="decimal"
                autocomplete="off"
                spellcheck="false"
                role={props.on_step.is_some().then_some("spinbutton")}
                aria-valuemin={props.on_step.is_some().then(|| props.bounds.0.to_string())}
                aria-valuemax={props.on_step.is_some().then(|| props.bounds.1.to_string())}
                aria-valuenow={props.value_now.filter(|_| props.on_step.is_some()).map(|v| v.to_string())}
                aria-invalid={if props.error.is_some() { "true" } else { "false" }}
                aria-describedby={message_id.clone()}
                value={props.text.clone()}
                {oninput}
                {onkeydown}
            />
            <p id={message_id} class={class} aria-live="polite">{ message.unwrap_or_default() }</p>
        </div>
    }
}
