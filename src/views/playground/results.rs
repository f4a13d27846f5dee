//! The playground's results: for each head the masked scores, the softmax weights and the
//! output as heatmaps, and the same numbers (with the exponentials and their row sums) as
//! tables a screen reader can walk.

use super::settings::{Playground, Score};
use crate::components::heatmap_plot::HeatmapPlot;
use crate::components::value_table::value_table;
use attnscope_core::attention_math::{AttentionSteps, HeadSteps};
use attnscope_core::Matrix;
use std::sync::Arc;
use yew::prelude::*;

fn finite_range(matrix: &Matrix) -> (f32, f32) {
    let finite = matrix.as_slice().iter().copied().filter(|v| v.is_finite());
    let (low, high) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if low.is_finite() && high > low {
        (low, high)
    } else if low.is_finite() {
        (low - 0.5, low + 0.5) // every value equal: centre it
    } else {
        (0.0, 1.0)
    }
}

fn head_results(index: usize, heads: usize, head: &HeadSteps, score: Score) -> Html {
    let name = if heads > 1 {
        format!("Head {}: ", index + 1)
    } else {
        String::new()
    };
    let id = |what: &str| format!("pg-h{index}-{what}");
    let score_name = match score {
        Score::Dot => "q·k",
        Score::Scaled => "q·k / √d",
        Score::Additive => "vᵀ tanh(W_q q + W_k k)",
    };
    let plot = |what: &str,
                caption: String,
                matrix: &Matrix,
                range: (f32, f32),
                x: &'static str| {
        html! {
            <HeatmapPlot id={id(what)} caption={caption} matrix={Arc::new(matrix.clone())} range={range}
                x_label={x} y_label="query" row_name="q" col_name={if x == "key" { "k" } else { "dim" }}
                css_height={260.0} export_name={id(what)} />
        }
    };
    html! {
        <section class="head-results" aria-label={format!("{name}results")}>
            if heads > 1 { <h3>{ format!("Head {} (columns {}–{})", index + 1, index * head.q.cols() + 1, (index + 1) * head.q.cols()) }</h3> }
            <div class="plots">
                { plot("scores", format!("{name}scores {score_name} (masked: −∞)"), &head.masked, finite_range(&head.masked), "key") }
                { plot("weights", format!("{name}weights = softmax"), &head.weights, (0.0, 1.0), "key") }
                { plot("output", format!("{name}output = weights · V"), &head.output, finite_range(&head.output), "value dim") }
            </div>
            <div class="value-tables">
                { value_table(&id("scores-table"), &format!("{name}scores after temperature and mask"), &head.masked, "q", "k", None) }
                { value_table(&id("exps-table"), &format!("{name}exp(score − row max), and the row sums"), &head.exps, "q", "k", Some(("sum", &head.sums))) }
                { value_table(&id("weights-table"), &format!("{name}weights (each row sums to 1)"), &head.weights, "q", "k", None) }
                { value_table(&id("output-table"), &format!("{name}output"), &head.output, "q", "v", None) }
            </div>
        </section>
    }
}

pub(super) fn results(state: &Playground, steps: &AttentionSteps) -> Html {
    let heads = steps.heads.len();
    html! {
        <div class="playground-results" id="playground-results" data-heads={heads.to_string()}>
            <h2 class="sub">{ "Results" }</h2>
            { for steps.heads.iter().enumerate().map(|(i, h)| head_results(i, heads, h, state.score)) }
            if heads > 1 {
                { value_table("pg-joined", "The heads joined: [out¹ | out² | …]", &steps.output, "q", "v", None) }
            }
        </div>
    }
}
