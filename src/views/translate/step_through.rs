//! The decoding replayed one token at a time: at each step, what was written so far, the
//! decoder's attention over the English tokens and its five most likely next tokens (named
//! by core, a candidate equal to the token just written marked as skipped), with keyboard and
//!
//! It reads only the finished result: the decoding, its cross-attention rows and core's
//! top-5 candidates per step are all in the `Trace`, so replaying never runs the model.
//! slider navigation.

use crate::engine::live::Shown;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`StepThrough`].
#[derive(Properties, PartialEq)]
pub struct StepThroughProps {
    /// The result to replay.
    ///
    /// Frozen by the page while the step-through is off screen, so it may be older than the
    /// translation above it.
    pub shown: Rc<Shown>,
    /// The step shown (0-based).
    ///
    /// May be past the last step of this result (the page keeps it across results); it is
    /// clamped here, never written back.
    pub step: UseStateHandle<usize>,
}

/// Replays the decoding one token at a time: the decoder's attention over the source and its
/// five most likely next tokens at that step.
#[component]
pub fn StepThrough(props: &StepThroughProps) -> Html {
    // The bars' widths are `data-css` styles, applied through the CSSOM after each render.
    let root = crate::hooks::data_css::use_data_css();
    let shown = &props.shown;
    let (Some((decoding, target, _)), Some(alignment)) = (shown.translation(), shown.alignment())
    else {
        return html! {};
    };
    let steps = decoding.ids.len();
    // Nothing was generated (an empty text): nothing to replay.
    if steps == 0 {
        return html! {};
    }
    let k = (*props.step).min(steps - 1);
    let go = |to: usize| {
        let step = props.step.clone();
        Callback::from(move |_: MouseEvent| step.set(to))
    };
    // On the whole section, so the keys work from any of its controls. The default is
    // prevented so the range input does not move a second time on its own.
    let onkeydown = {
        let step = props.step.clone();
        Callback::from(move |event: KeyboardEvent| {
            let to = match event.key().as_str() {
                "ArrowLeft" => k.saturating_sub(1),
                "ArrowRight" => (k + 1).min(steps - 1),
                "Home" => 0,
                "End" => steps - 1,
                _ => return,
            };
            event.prevent_default();
            step.set(to);
        })
    };
    let oninput = {
        let step = props.step.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                // The slider counts from 1 (as the label does); the step is 0-based.
                if let Ok(v) = input.value().parse::<usize>() {
                    step.set(v.saturating_sub(1));
                }
            }
        })
    };
    // Row k of the cross-attention: where the decoder looked while writing token k.
    let attention = alignment.row(k);
    // One token string per step, so the tokens before step k are what was written so far.
    let written: Vec<&str> = target[..k].iter().map(String::as_str).collect();
    // A step without candidates shows an empty table rather than failing.
    let candidates = decoding.candidates.get(k).map_or(&[][..], Vec::as_slice);
    // Greedy decoding never writes the token it has just written (attnscope-core's
    // seq2seq): a candidate equal to it is named as skipped.
    let just_written = k.checked_sub(1).map(|previous| decoding.ids[previous]);
    html! {
        <section class="step-through" aria-labelledby="step-title" {onkeydown} ref={root}>
            <h2 id="step-title" class="sub">{ "Step through the decoding" }</h2>
            <div class="step-controls" role="group" aria-label="Decoding step">
                <button type="button" id="step-first" onclick={go(0)} disabled={k == 0} aria-label="First step">{ "First" }</button>
                <button type="button" id="step-prev" onclick={go(k.saturating_sub(1))} disabled={k == 0} aria-label="Previous step">{ "◀" }</button>
                <input type="range" id="step-range" min="1" max={steps.to_string()} value={(k + 1).to_string()}
                    aria-label="Decoding step" aria-valuetext={format!("step {} of {steps}", k + 1)} {oninput} />
                <button type="button" id="step-next" onclick={go((k + 1).min(steps - 1))} disabled={k + 1 >= steps} aria-label="Next step">{ "▶" }</button>
                <button type="button" id="step-last" onclick={go(steps - 1)} disabled={k + 1 >= steps} aria-label="Last step">{ "Last" }</button>
                <span id="step-label" aria-live="polite">{ format!("Step {} of {steps}", k + 1) }</span>
            </div>
            <p class="step-written">{ "Written so far: " }<span lang="es">{ if written.is_empty() { "(nothing yet)".to_owned() } else { written.join(" ") } }</span>
                { " → next: " }<strong lang="es">{ &target[k] }</strong></p>
            <div class="step-panels">
                <table class="pooling-bars" id="step-attention">
                    <caption>{ format!("Attention over the English tokens at step {}", k + 1) }</caption>
                    <thead><tr><th scope="col">{ "token" }</th><th scope="col">{ "weight" }</th></tr></thead>
                    <tbody>
                        { for shown.tokens.iter().zip(attention).map(|(token, w)| html! {
                            <tr><th scope="row">{ token }</th>
                                <td><span class="pool-bar" data-css={format!("width:{:.1}%", w * 100.0)} aria-hidden="true"></span>{ format!("{w:.3}") }</td></tr>
                        }) }
                    </tbody>
                </table>
                <table class="pooling-bars" id="step-candidates">
                    <caption>{ format!("Top {} next tokens at step {}", candidates.len(), k + 1) }</caption>
                    <thead><tr><th scope="col">{ "token" }</th><th scope="col">{ "probability" }</th></tr></thead>
                    <tbody>
                        { for candidates.iter().map(|c| {
                            let skipped = Some(c.id) == just_written;
                            html! {
                                <tr class={classes!(skipped.then_some("skipped"))}>
                                    <th scope="row" lang="es">{ &c.token }
                                        if skipped { <span class="skip-note" lang="en">{ "(just written: skipped)" }</span> }</th>
                                    <td><span class="pool-bar" data-css={format!("width:{:.1}%", c.probability * 100.0)} aria-hidden="true"></span>{ format!("{:.1} %", c.probability * 100.0) }</td></tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
