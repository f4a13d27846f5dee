//! The same text in an encoder, beside the decoder: the topic Transformer (trained on the same
//! BBC news, with the same WordPiece vocabulary) reads the prompt bidirectionally, so its
//! map of the same head has weights on both sides of the diagonal where the decoder's upper
//! triangle is masked. Mounted only when the reader opens the comparison, so nobody downloads
//! the encoder who does not ask for it.

use crate::components::figure_plot::FigurePlot;
use crate::components::load_status::load_status;
use crate::engine::backend::Backend;
use crate::engine::catalog::{ModelInfo, CLASSIFIERS};
use crate::engine::live::{use_live_engine, LiveRequest};
use attnscope_core::Interventions;
use attnscope_plot::figure::{Figure, Selection, ViewKind};
use std::rc::Rc;
use yew::prelude::*;

/// The encoder compared: `topic-transformer`, whose tokenizer the decoder shares.
fn encoder() -> &'static ModelInfo {
    CLASSIFIERS
        .iter()
        .find(|m| m.name == "topic-transformer")
        .unwrap_or(&CLASSIFIERS[0])
}

/// Props of [`EncoderComparison`].
#[derive(Properties, PartialEq)]
pub struct EncoderComparisonProps {
    /// The prompt, as the decoder reads it.
    pub text: AttrValue,
    /// The decoder's open (layer, head): the encoder's same head is drawn (clamped to its size).
    pub head: (usize, usize),
    /// The page's backend.
    pub backend: Backend,
    /// Called when the GPU device is lost.
    pub on_device_lost: Callback<String>,
}

/// The encoder's map of the prompt at the decoder's open head, with no intervention (the
/// decoder's switched-off heads are the decoder's).
#[component]
pub fn EncoderComparison(props: &EncoderComparisonProps) -> Html {
    let model = encoder();
    let request = LiveRequest {
        text: props.text.to_string(),
        interventions: Interventions::default(),
        input_at: None,
    };
    let choice = crate::engine::choice::use_engine_choice();
    let live = use_live_engine(
        &props.backend,
        choice,
        &[model],
        request,
        Callback::noop(),
        props.on_device_lost.clone(),
    );
    let slot = live.slot(model.name);
    let shown = slot.and_then(|s| s.shown.clone());
    let figure = shown.as_ref().and_then(|shown| {
        let maps = shown.maps()?;
        let asked = Selection {
            layer: props.head.0,
            head: props.head.1,
            heads_off: Vec::new(),
        };
        let selection = asked.clamped(&maps);
        Figure::build(&shown.computed.trace, ViewKind::Heatmap, &selection)
            .ok()
            .map(Rc::new)
    });
    html! {
        <div class="encoder-comparison">
            { load_status(slot, "compare", "The encoder") }
            if let Some(figure) = figure {
                <p class="muted">{ format!("{}: every token attends to every other, before and after it — nothing is masked.", model.label) }</p>
                <FigurePlot id={format!("{}-compare", model.name)} {figure} export_prefix={Some(AttrValue::from(model.name))} />
            }
        </div>
    }
}
