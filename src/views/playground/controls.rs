//! The playground's controls: presets, matrix sizes, the score function, the mask (with the
//! padded keys), the heads and the temperature, and the matrix editors. Each control only
//! dispatches an [`Edit`]; the reducer in `state.rs` decides what it changes.

use super::cells;
use super::editor::MatrixEditor;
use super::settings::{MaskKind, Playground, Score};
use super::state::Edit;
use yew::prelude::*;

fn radio<T: Copy + PartialEq + 'static>(
    name: &'static str,
    value: T,
    current: T,
    label: &'static str,
    on: Callback<T>,
) -> Html {
    let id = format!(
        "{name}-{}",
        label.to_lowercase().replace([' ', '(', ')', '-'], "")
    );
    html! {
        <label class="check" for={id.clone()}>
            <input type="radio" {name} id={id} checked={value == current} onchange={on.reform(move |_| value)} />
            { format!(" {label}") }
        </label>
    }
}

pub(super) fn controls(state: &Playground, dispatch: &UseReducerDispatcher<Playground>) -> Html {
    let edit = |f: fn(usize) -> Edit| {
        let dispatch = dispatch.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                if let Ok(v) = input.value().parse::<usize>() {
                    dispatch.dispatch(f(v));
                }
            }
        })
    };
    let ((n, d), (m, e)) = (state.q.shape(), state.v.shape());
    let size = |id: &'static str, label: &'static str, value: usize, f: fn(usize) -> Edit| {
        html! {
            <div class="field"><label for={id}>{ label }</label>
                <input type="number" id={id} min="2" max="8" value={value.to_string()} onchange={edit(f)} /></div>
        }
    };
    let score = dispatch.to_callback().reform(Edit::Score);
    let mask = dispatch.to_callback().reform(Edit::Mask);
    let heads = dispatch.to_callback().reform(Edit::Heads);
    let preset = |name: &'static str, label: &'static str| {
        let dispatch = dispatch.clone();
        html! { <button type="button" id={format!("preset-{name}")} onclick={Callback::from(move |_| dispatch.dispatch(Edit::Preset(name)))}>{ label }</button> }
    };
    let temperature = dispatch.to_callback().reform(|event: InputEvent| {
        let text = event
            .target_dyn_into::<web_sys::HtmlInputElement>()
            .map(|i| i.value())
            .unwrap_or_default();
        Edit::Temperature(text)
    });
    html! {
        <div class="controls playground-controls">
            <div class="field-group" role="group" aria-label="Presets">
                { preset("example", "Example: Q = I, K = I reversed, V = 0") }
                { preset("random", "Random") }
            </div>
            { size("pg-n", "Queries (rows of Q)", n, |v| Edit::Size('n', v)) }
            { size("pg-m", "Keys (rows of K, V)", m, |v| Edit::Size('m', v)) }
            { size("pg-d", "Width of Q, K", d, |v| Edit::Size('d', v)) }
            { size("pg-e", "Width of V", e, |v| Edit::Size('e', v)) }
            <fieldset class="field-group"><legend>{ "Score" }</legend>
                { radio("score", Score::Dot, state.score, "Dot product", score.clone()) }
                { radio("score", Score::Scaled, state.score, "Scaled dot product", score.clone()) }
                { radio("score", Score::Additive, state.score, "Additive (Bahdanau)", score) }
            </fieldset>
            <fieldset class="field-group"><legend>{ "Mask" }</legend>
                { radio("mask", MaskKind::None, state.mask, "None", mask.clone()) }
                { radio("mask", MaskKind::Padding, state.mask, "Padding", mask.clone()) }
                { radio("mask", MaskKind::LookAhead, state.mask, "Look-ahead", mask) }
                if state.mask == MaskKind::Padding {
                    <span class="pad-toggles" role="group" aria-label="Padded key positions">
                        { for (0..m).map(|p| {
                            let on = state.padded.contains(&p);
                            let dispatch = dispatch.clone();
                            html! { <button type="button" class="pad-toggle" aria-pressed={on.to_string()}
                                onclick={Callback::from(move |_| dispatch.dispatch(Edit::TogglePad(p)))}>{ format!("key {}", p + 1) }</button> }
                        }) }
                    </span>
                }
            </fieldset>
            <fieldset class="field-group"><legend>{ "Heads" }</legend>
                { radio("heads", 1usize, state.heads, "1 head", heads.clone()) }
                { radio("heads", 2usize, state.heads, "2 heads", heads.clone()) }
                { radio("heads", 4usize, state.heads, "4 heads", heads) }
            </fieldset>
            <div class="field"><label for="pg-temperature">{ "Temperature" }</label>
                <input type="text" inputmode="decimal" id="pg-temperature" value={state.temperature.clone()}
                    aria-invalid={cells::cell_problem(&state.temperature).is_some().to_string()} oninput={temperature} /></div>
        </div>
    }
}

pub(super) fn editors(state: &Playground, dispatch: &UseReducerDispatcher<Playground>) -> Html {
    let on = |which: char| {
        dispatch
            .to_callback()
            .reform(move |(r, c, text)| Edit::Cell(which, r, c, text))
    };
    html! {
        <div class="matrix-editors">
            <MatrixEditor id="pg-q" name="Q" row_name="query" cells={state.q.clone()} on_edit={on('q')} />
            <MatrixEditor id="pg-k" name="K" row_name="key" cells={state.k.clone()} on_edit={on('k')} />
            <MatrixEditor id="pg-v" name="V" row_name="key" cells={state.v.clone()} on_edit={on('v')} />
            if state.score == Score::Additive {
                <MatrixEditor id="pg-wq" name="W_q" row_name="row" cells={state.w_q.clone()} on_edit={on('a')} />
                <MatrixEditor id="pg-wk" name="W_k" row_name="row" cells={state.w_k.clone()} on_edit={on('b')} />
                <MatrixEditor id="pg-wv" name="v" row_name="row" cells={state.w_v.clone()} on_edit={on('c')} />
            }
        </div>
    }
}
