//! Class probabilities as labelled horizontal bars.

use yew::prelude::*;

/// Props of [`ProbabilityBars`].
#[derive(Properties, PartialEq)]
pub struct ProbabilityBarsProps {
    /// Class names.
    pub labels: Vec<String>,
    /// One probability per class.
    pub probabilities: Vec<f32>,
    /// The list's accessible name.
    #[prop_or(AttrValue::Static("Class probabilities"))]
    pub label: AttrValue,
}

/// One bar per class, the most likely one marked; values as text for every reader.
#[component]
pub fn ProbabilityBars(props: &ProbabilityBarsProps) -> Html {
    // On a tie the first class is marked (`argmax` keeps the first largest).
    let best = attnscope_core::ops::argmax(&props.probabilities);
    let root = crate::hooks::data_css::use_data_css();
    if props.labels.is_empty() {
        // A brought encoder (BertModel) has no classification head: its output is a
        // vector per token, and the maps are the whole story.
        return html! {
            <p class="prob-bars muted no-head" ref={root}>
                { "This encoder has no classification head: it outputs one vector per token, so there is no prediction to show. Its attention is below." }
            </p>
        };
    }
    html! {
        <ul class="prob-bars" aria-label={props.label.clone()} ref={root}>
            { for props.labels.iter().zip(&props.probabilities).enumerate().map(|(i, (label, p))| {
                // Clamped, so a sum rounded past 1 never draws a bar longer than its track.
                let percent = (p * 100.0).clamp(0.0, 100.0);
                html! {
                    <li class={classes!("prob-row", (i == best).then_some("best"))}>
                        <span class="prob-label">{ label }</span>
                        <span class="prob-track" aria-hidden="true">
                            <span class="prob-fill" data-css={format!("width:{percent:.2}%")}></span>
                        </span>
                        <span class="prob-value">{ format!("{percent:.1} %") }</span>
                    </li>
                }
            }) }
        </ul>
    }
}
