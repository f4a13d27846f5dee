//! "Copy from a live sentence": Q, K and V of a real model's head, taken from the same
//! forward the live page runs (`Interventions::inspect`), so a reader can play with numbers a
//! trained model produced.

use super::cells::Cells;
use super::presets;
use attnscope_core::Matrix;
use yew::prelude::*;

/// Props of [`LiveCopy`].
#[derive(Properties, PartialEq)]
pub struct LiveCopyProps {
    /// Receives Q, K, V (at most 8 × 8 each).
    pub on_copy: Callback<(Cells, Cells, Cells)>,
}

/// "Copy from a live sentence": the sentiment Transformer's layer 1 head 1 on a sentence,
/// its first 8 tokens and 8 dimensions of Q, K and V. The model loads on the first click.
#[component]
pub fn LiveCopy(props: &LiveCopyProps) -> Html {
    let text = use_state(|| "not bad at all".to_owned());
    let wanted = use_state(|| None::<String>);
    let backend = crate::engine::page::use_page_backend();
    let model: &'static crate::engine::catalog::ModelInfo = &crate::engine::catalog::CLASSIFIERS[0];
    let models = if wanted.is_some() {
        vec![model]
    } else {
        vec![]
    };
    let request = crate::engine::live::LiveRequest {
        text: (*wanted).clone().unwrap_or_default(),
        interventions: attnscope_core::Interventions {
            inspect: Some((0, 0)),
            ..Default::default()
        },
        input_at: None,
    };
    let engine_choice = crate::engine::choice::use_engine_choice();
    let live = crate::engine::live::use_live_engine(
        &backend,
        engine_choice,
        &models,
        request,
        Callback::noop(),
        Callback::from(crate::engine::page::device_lost),
    );
    let shown = live.slot(model.name).and_then(|s| s.shown.clone());
    {
        let (wanted, on_copy) = (wanted.clone(), props.on_copy.clone());
        let seq = shown.as_ref().map(|s| s.seq);
        use_effect_with(seq, move |_| {
            let Some(shown) = shown else { return };
            let Some(detail) = &shown.computed.trace.detail else {
                return;
            };
            if wanted.as_deref() == Some(shown.text.as_str()) {
                let corner = |m: &Matrix| presets::corner(m, 8, 8);
                on_copy.emit((corner(&detail.q), corner(&detail.k), corner(&detail.v)));
                wanted.set(None);
            }
        });
    }
    let oninput = {
        let text = text.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                text.set(input.value());
            }
        })
    };
    let onclick = {
        let (text, wanted) = (text.clone(), wanted.clone());
        Callback::from(move |_: MouseEvent| wanted.set(Some((*text).clone())))
    };
    let busy = wanted.is_some();
    html! {
        <div class="field live-copy">
            <label for="pg-live-text">{ "Copy Q, K, V from a live sentence (sentiment Transformer, layer 1 head 1)" }</label>
            <span class="inline-field">
                <input type="text" id="pg-live-text" value={(*text).clone()} {oninput} />
                <button type="button" id="preset-live" {onclick} disabled={busy}>{ if busy { "Running the model…" } else { "Copy from the sentence" } }</button>
            </span>
        </div>
    }
}
