//! Interactive attention (source document 000: attention that changes with the reader's
//! feedback): pick a query token of the open head, a key it may see and a weight; core puts
//! that weight on the key, rescales the row's other weights to share the rest, and every later
//! layer's maps and the next-token bars follow. The edits live in the URL; Reset clears them.

use attnscope_core::trace::AttentionEdit;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`AttentionEditor`].
#[derive(Properties, PartialEq)]
pub struct AttentionEditorProps {
    /// The tokens of the forward on screen.
    pub tokens: Rc<Vec<String>>,
    /// The open (layer, head): new edits are of this head.
    pub head: (usize, usize),
    /// The edits in force.
    pub edits: Vec<AttentionEdit>,
    /// Called with a new edit.
    pub on_edit: Callback<AttentionEdit>,
    /// Called to clear every edit.
    pub on_reset: Callback<()>,
}

/// Reads a `<select>`'s or `<input>`'s value from a change event.
fn value_of(event: &Event) -> Option<String> {
    let target = event.target()?;
    use wasm_bindgen::JsCast;
    if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        return Some(select.value());
    }
    target
        .dyn_ref::<web_sys::HtmlInputElement>()
        .map(|input| input.value())
}

/// The form that edits one weight of the open head, and the list of edits in force.
#[component]
pub fn AttentionEditor(props: &AttentionEditorProps) -> Html {
    let t = props.tokens.len();
    // Chosen query and key (clamped to the text below) and the weight as typed.
    let query = use_state(|| usize::MAX);
    let key = use_state(|| 0usize);
    let weight = use_state(|| "1".to_owned());
    let q = (*query).min(t.saturating_sub(1));
    // Under the look-ahead mask a query sees itself and the tokens before it.
    let k = (*key).min(q);
    let parsed = weight
        .trim()
        .parse::<f32>()
        .ok()
        .filter(|w| (0.0..=1.0).contains(w));
    let on_query = {
        let query = query.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = value_of(&e).and_then(|v| v.parse().ok()) {
                query.set(v);
            }
        })
    };
    let on_key = {
        let key = key.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = value_of(&e).and_then(|v| v.parse().ok()) {
                key.set(v);
            }
        })
    };
    let on_weight = {
        let weight = weight.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = value_of(&e) {
                weight.set(v);
            }
        })
    };
    let (layer, head) = props.head;
    let on_set = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(weight) = parsed {
                on_edit.emit(AttentionEdit {
                    layer,
                    head,
                    query: q,
                    key: k,
                    weight,
                });
            }
        })
    };
    let on_reset = props.on_reset.reform(|_: MouseEvent| ());
    let name = |i: usize| {
        props
            .tokens
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("#{i}"))
    };
    let option = |i: usize, chosen: usize| {
        html! { <option value={i.to_string()} selected={i == chosen}>{ format!("{i}: {}", name(i)) }</option> }
    };
    html! {
        <fieldset id="generate-edit" class="attention-edit">
            <legend>{ format!("Edit the attention of layer {} head {}", layer + 1, head + 1) }</legend>
            <p class="muted">{ "Give a query token's attention to a key of your choice: the row's other weights share the rest in their proportions, and every later layer and the next-token bars follow. Edited forwards run on the CPU reference." }</p>
            <div class="controls">
                <div class="field"><label for="edit-query">{ "Query token" }</label>
                    <select id="edit-query" onchange={on_query}>{ for (0..t).map(|i| option(i, q)) }</select></div>
                <div class="field"><label for="edit-key">{ "gives its attention to" }</label>
                    <select id="edit-key" onchange={on_key}>{ for (0..=q.min(t.saturating_sub(1))).filter(|_| t > 0).map(|i| option(i, k)) }</select></div>
                <div class="field"><label for="edit-weight">{ "weight (0 – 1; 1 pins it)" }</label>
                    <input id="edit-weight" type="number" min="0" max="1" step="0.05" value={(*weight).clone()}
                        aria-invalid={parsed.is_none().to_string()} onchange={on_weight} /></div>
                <button id="edit-set" type="button" disabled={parsed.is_none() || t == 0} onclick={on_set}>{ "Set weight" }</button>
                <button id="edit-reset" type="button" disabled={props.edits.is_empty()} onclick={on_reset}>
                    { format!("Reset edits ({})", props.edits.len()) }</button>
            </div>
            if !props.edits.is_empty() {
                <ul id="edit-list" class="edit-list">
                    { for props.edits.iter().map(|e| html! {
                        <li>{ format!("L{} H{}: “{}” → “{}” = {:.2}", e.layer + 1, e.head + 1, name(e.query), name(e.key), e.weight) }</li>
                    }) }
                </ul>
            }
        </fieldset>
    }
}
