//! The steps themselves, built from a result's inspected head (or the BiLSTM's pooling): each
//! with its equation, its explanation with the real numbers, the numbers as plots and
//! tables, and the WGSL lines that compute it on the GPU.

use super::settings::StepSettings;
use super::{kernels, math};
use crate::components::heatmap_plot::HeatmapPlot;
use crate::components::probability_bars::ProbabilityBars;
use crate::components::value_table::format_value;
use crate::engine::live::Shown;
use attnscope_core::ops::softmax_parts;
use attnscope_core::trace::{HeadDetail, PoolingDetail};
use attnscope_core::Matrix;
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// One step: its name, equation, explanation, numbers and kernel lines.
pub struct Step {
    /// Its anchor (`step-{id}`) and the name tests find it by.
    ///
    /// A Transformer's and a BiLSTM's steps have different ids; within one architecture the
    /// order is fixed, and a lesson's `step=` and the end-to-end tests rely on it.
    pub id: &'static str,
    /// Its heading.
    pub title: String,
    /// Its equation, as MathML.
    pub equation: &'static str,
    /// What it does, with the numbers.
    pub explain: String,
    /// The numbers: plots and tables.
    pub body: Html,
    /// The WGSL lines that compute it.
    ///
    /// Already numbered by [`kernels::excerpt`]; empty if a marker is missing from the WGSL.
    pub kernel: String,
}

/// One step as an article: heading, equation, explanation, numbers, the kernel's lines.
///
/// `index` is 0-based and shown 1-based. The equation is inserted as markup unescaped,
/// which is safe because every `Step::equation` is one of the static [`math`] constants.
pub fn render_step(step: &Step, index: usize, count: usize) -> Html {
    html! {
        <article class="step" id={format!("step-{}", step.id)} aria-labelledby="step-heading" data-step={step.id}>
            <h2 id="step-heading">{ format!("Step {} of {count}: {}", index + 1, step.title) }</h2>
            <div class="equation">{ Html::from_html_unchecked(AttrValue::from(step.equation)) }</div>
            <p class="explain">{ &step.explain }</p>
            { step.body.clone() }
            <details class="kernel">
                <summary>{ "Show the kernel: the WGSL lines that compute this step on the GPU" }</summary>
                <pre><code>{ &step.kernel }</code></pre>
            </details>
        </article>
    }
}

/// Full-precision numbers for scripts and tests.
///
/// `{:e}` prints the shortest text that reads back as the same `f32`, so a test comparing
/// with the CLI's JSON loses nothing. −∞ (a masked score) is written `-inf`; +∞ and NaN,
/// which no step should ever hold, are written `inf` and `NaN` so a test sees them.
pub fn numbers(values: &[f32]) -> String {
    let text: Vec<String> = values
        .iter()
        .map(|v| {
            if v.is_finite() {
                format!("{v:e}")
            } else if *v == f32::NEG_INFINITY {
                "-inf".into()
            } else if v.is_nan() {
                "NaN".into()
            } else {
                "inf".into()
            }
        })
        .collect();
    text.join(",")
}

/// Key rows of a per-key table: the key token and each column's value.
///
/// `columns` hold one value per key; a missing value leaves its cell empty. Rows of
/// `masked` keys are marked (class and label) so their −∞ and zero weights read as meant.
fn key_table(
    id: &str,
    caption: &str,
    tokens: &[String],
    columns: &[(&str, Vec<f32>)],
    masked: &[usize],
) -> Html {
    html! {
        <table class="value-table" id={id.to_owned()}>
            <caption>{ caption }</caption>
            <thead><tr><th scope="col">{ "key token" }</th>{ for columns.iter().map(|(name, _)| html! { <th scope="col">{ *name }</th> }) }</tr></thead>
            <tbody>
                { for tokens.iter().enumerate().map(|(j, token)| html! {
                    <tr class={classes!(masked.contains(&j).then_some("masked"))}>
                        <th scope="row">{ format!("{j}: {token}{}", if masked.contains(&j) { " (masked)" } else { "" }) }</th>
                        { for columns.iter().map(|(_, values)| html! { <td>{ values.get(j).map(|v| format_value(*v)).unwrap_or_default() }</td> }) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// A small heatmap of one step's matrix, rows labelled by token and columns by index.
///
/// The colour range is symmetric around 0 (the largest finite magnitude on both sides),
/// so positive and negative entries of Q, K, V or an embedding read alike; the floor of
/// 1e-6 keeps an all-zero matrix (a head switched off) from giving an empty range.
fn heatmap(
    id: &str,
    caption: String,
    matrix: &Matrix,
    tokens: &[String],
    col: &'static str,
) -> Html {
    let finite = matrix.as_slice().iter().copied().filter(|v| v.is_finite());
    let (low, high) = finite.fold((0f32, 0f32), |(a, b), v| (a.min(v), b.max(v)));
    let bound = low.abs().max(high.abs()).max(1e-6);
    let labels = crate::plot::heatmap::AxisLabels {
        rows: tokens.to_vec(),
        cols: (0..matrix.cols()).map(|c| c.to_string()).collect(),
    };
    html! {
        <HeatmapPlot id={id.to_owned()} caption={caption} matrix={Arc::new(matrix.clone())} range={(-bound, bound)}
            // About 14 CSS pixels per token row plus room for the axes, kept between 220 and 420 px
            // so a two-word sentence is still readable and a long one does not fill the screen.
            x_label={col} y_label="token" row_name="token" col_name="dim" css_height={(140.0 + tokens.len() as f64 * 14.0).clamp(220.0, 420.0)}
            export_name={id.to_owned()} labels={Some(Rc::new(labels))} />
    }
}

/// The steps of the result: one head's (Transformer) or the pooling's (BiLSTM).
///
/// Empty when the trace has neither detail (a forward run without `inspect`): the view
/// then shows no step navigation at all.
pub fn build_steps(settings: &StepSettings, shown: &Shown) -> Vec<Step> {
    let trace = &shown.computed.trace;
    match (&trace.detail, &trace.pooling_detail) {
        (Some(detail), _) => head_steps(settings, shown, detail),
        (_, Some(detail)) => pooling_steps(shown, detail),
        _ => Vec::new(),
    }
}

/// The steps of one head for the query token: inputs, scores, softmax, output.
fn head_steps(settings: &StepSettings, shown: &Shown, d: &HeadDetail) -> Vec<Step> {
    let tokens = &*shown.tokens;
    if tokens.is_empty() {
        return Vec::new();
    }
    // The query setting may point past a sentence that just got shorter; show its last token
    // instead of nothing.
    let i = settings.query.min(tokens.len() - 1);
    let mut steps = input_steps(d, tokens);
    // A decoder's maps were computed under the look-ahead mask: its keys after the query are
    // masked too.
    let causal = shown.maps().is_some_and(|m| m.causal);
    // The masks the shown numbers were computed with (not the settings, which lead them by a
    // forward just after a chip is clicked).
    let masks = Masks {
        masked: &shown.interventions.masked_tokens,
        causal,
    };
    steps.extend(score_steps(masks, d, tokens, i));
    steps.extend(output_steps(d, tokens, i));
    steps
}

/// The head's input and projections: tokens become vectors, then Q, K and V.
fn input_steps(d: &HeadDetail, tokens: &[String]) -> Vec<Step> {
    let (l, h) = (d.layer, d.head);
    // d_k is read from the matrices, so a model with another head width needs no setting.
    let dk = d.q.cols();
    let input_note = if l == 0 {
        "the token embeddings plus the positional encoding".to_owned()
    } else {
        // `l` is 0-based, so "layer {l}" names the previous layer in the 1-based numbering the
        // page uses everywhere else.
        format!("the output of layer {l}")
    };
    vec![
        Step {
            id: "embed",
            title: "Tokens become vectors".into(),
            equation: if d.learned_positions { math::EMBED_LEARNED } else { math::EMBED },
            explain: if d.learned_positions {
                format!("Each token's embedding gets the learned vector of its place added (BERT learns one per position, and adds its segment's), then a LayerNorm rescales every row, so the same word at two places differs. Layer {} reads {input_note}.", l + 1)
            } else {
                format!("Each token's embedding (scaled by √d) gets the positional encoding of its place added, so the same word at two places differs. Layer {} reads {input_note}.", l + 1)
            },
            body: html! { <div class="plots">
                { heatmap("steps-embedded", if d.learned_positions { "Token embeddings E[ids]".into() } else { "Token embeddings E[ids]·√d".into() }, &d.embedded, tokens, "dimension") }
                { heatmap("steps-positions", if d.learned_positions { "Learned positions P".into() } else { "Positional encoding PE".into() }, &d.positions, tokens, "dimension") }
                { heatmap("steps-input", format!("What layer {} reads, X", l + 1), &d.input, tokens, "dimension") }
            </div> },
            kernel: kernels::excerpt(kernels::EMBED, "// Embedding gather", "struct Params"),
        },
        Step {
            id: "qkv",
            title: "Queries, keys and values".into(),
            equation: math::PROJECT,
            explain: format!("Three learned projections turn every token into a query (what it looks for), a key (what it offers) and a value (what it passes on). Head {} of layer {} uses {dk} columns of each.", h + 1, l + 1),
            body: html! { <div class="plots">
                { heatmap("steps-q", format!("Q (head {}), T × {dk}", h + 1), &d.q, tokens, "d_k") }
                { heatmap("steps-k", format!("K (head {}), T × {dk}", h + 1), &d.k, tokens, "d_k") }
                { heatmap("steps-v", format!("V (head {}), T × {dk}", h + 1), &d.v, tokens, "d_k") }
            </div> },
            kernel: kernels::excerpt(kernels::MATMUL, "// Linear layer", "struct Params"),
        },
    ]
}

/// The masks a forward ran under: the keys the reader masked and, for a decoder, the
/// look-ahead mask.
#[derive(Clone, Copy)]
struct Masks<'a> {
    /// The keys the reader masked.
    masked: &'a [usize],
    /// Whether every key after the query is masked too.
    causal: bool,
}

impl Masks<'_> {
    /// Every key of a `t`-token sentence hidden from query `i`, in order.
    fn keys(self, i: usize, t: usize) -> Vec<usize> {
        (0..t)
            .filter(|&j| self.masked.contains(&j) || (self.causal && j > i))
            .collect()
    }
}

/// What the mask step says about `hidden` keys of query `q_token` (`i`).
fn mask_explanation(masks: Masks<'_>, q_token: &str, i: usize, t: usize) -> String {
    match (masks.causal, masks.masked.is_empty()) {
        (true, _) if i + 1 == t => format!("The look-ahead mask: a decoder's token may attend only to itself and earlier tokens. “{q_token}” is the last token, so every key stays{}.", if masks.masked.is_empty() { "" } else { ", but for the masked ones, which get −∞" }),
        (true, _) => format!("The look-ahead mask: a decoder predicts each next token from what came before it, so “{q_token}” (token {i}) may not attend to tokens {} to {}: their scores become −∞ and their weights exactly 0. Without the mask, training would let every token copy the very word it must predict.", i + 1, t - 1),
        (false, true) => "No token is masked: every key stays. Click a token above to mask it and its score becomes −∞.".into(),
        (false, false) => "Masked keys get −∞: after the softmax their weight is exactly 0.".into(),
    }
}

/// The query's scores against every key, scaled, masked and through the softmax.
///
/// `i` is the query row, already inside the sentence; `masks` are those the forward ran
/// under. The softmax is `ops::softmax_parts`, the models' own, so every exponential and the
/// sum shown are the ones the forward used.
fn score_steps(masks: Masks<'_>, d: &HeadDetail, tokens: &[String], i: usize) -> Vec<Step> {
    let masked = &masks.keys(i, tokens.len());
    let q_token = &tokens[i];
    let dk = d.q.cols();
    let raw = d.raw_scores.row(i).to_vec();
    let scaled = d.scores.row(i).to_vec();
    // Core's scores are taken before the mask (its softmax skips masked keys instead); the
    // −∞ of masked keys is drawn here, where the step explains it.
    let with_mask: Vec<f32> = scaled
        .iter()
        .enumerate()
        .map(|(j, s)| {
            if masked.contains(&j) {
                f32::NEG_INFINITY
            } else {
                *s
            }
        })
        .collect();
    let parts = softmax_parts(&scaled, |j| !masked.contains(&j));
    // The markers are the attention kernel's own step comments: the scaling and the mask
    // happen in its step 2, so three steps here show the same excerpt.
    let kernel = |from: &str, to: &str| kernels::excerpt(kernels::ATTENTION, from, to);
    vec![
        Step {
            id: "scores",
            title: format!("Scores of “{q_token}” against every key"),
            equation: math::DOT,
            explain: format!("The query of “{q_token}” is multiplied with every key: a large dot product means the key offers what the query looks for."),
            body: key_table("steps-scores", "q·k for each key", tokens, &[("q·k", raw.clone())], &[]),
            kernel: kernel("// Step 2", "// Step 3"),
        },
        Step {
            id: "scale",
            title: "Scaling by √d_k".into(),
            equation: math::SCALE,
            explain: format!("Dot products grow with the vectors' length d_k = {dk}; dividing by √{dk} = {:.3} keeps the softmax from saturating (τ is the temperature, 1 here).", (dk as f32).sqrt()),
            body: key_table("steps-scaled", "scaled scores", tokens, &[("q·k", raw.clone()), ("÷ √d_k", scaled.clone())], &[]),
            kernel: kernel("// Step 2", "// Step 3"),
        },
        Step {
            id: "mask",
            title: if masks.causal { "The look-ahead mask".into() } else { "The mask".into() },
            equation: if masks.causal { math::LOOK_AHEAD } else { math::MASK },
            explain: mask_explanation(masks, q_token, i, tokens.len()),
            body: key_table("steps-masked", "scores after the mask", tokens, &[("score", with_mask)], masked),
            kernel: kernel("// Step 2", "// Step 3"),
        },
        Step {
            id: "softmax",
            title: "Softmax: exponentials and their sum".into(),
            equation: math::SOFTMAX,
            explain: format!("Subtract the largest score (m = {}) so nothing overflows, exponentiate, and add up: Z = {}.", format_value(parts.max), format_value(parts.sum)),
            body: key_table("steps-softmax", "exponentials", tokens, &[("score − m", scaled.iter().enumerate().map(|(j, s)| if masked.contains(&j) { f32::NEG_INFINITY } else { s - parts.max }).collect()), ("e", parts.exps.clone())], masked),
            kernel: kernel("// Step 3", "// Step 4"),
        },
        Step {
            id: "weights",
            title: "The attention weights".into(),
            equation: math::WEIGHTS,
            explain: format!("Each exponential divided by Z: how much “{q_token}” attends to each token. This is row {i} of the heatmap on the live page."),
            body: key_table("steps-weights", "weights a", tokens, &[("a", parts.weights.clone())], masked),
            kernel: kernel("// Step 5", "// Step 6"),
        },
    ]
}

/// The head's output for the query, then every head joined and projected by W_O.
///
/// The note "(zero: the head is switched off)" is inferred from the numbers: an all-zero
/// output row while the values are not all zero is taken as a head mask.
fn output_steps(d: &HeadDetail, tokens: &[String], i: usize) -> Vec<Step> {
    let q_token = &tokens[i];
    let h = d.head;
    let kernel = |from: &str, to: &str| kernels::excerpt(kernels::ATTENTION, from, to);
    let one_row = |name: &str, values: &[f32]| {
        Matrix::from_vec(1, values.len(), values.to_vec())
            .map(|m| crate::components::value_table::value_table(name, name, &m, "", "dim ", None))
            .unwrap_or_default()
    };
    vec![
        Step {
            id: "output",
            title: "The head's output".into(),
            equation: math::OUTPUT,
            explain: format!("The values, mixed by the weights: what head {} passes on for “{q_token}”{}.", h + 1, if d.output.row(i).iter().all(|v| *v == 0.0) && !d.v.row(0).iter().all(|v| *v == 0.0) { " (zero: the head is switched off)" } else { "" }),
            body: one_row("steps-output", d.output.row(i)),
            kernel: kernel("// Step 4", "// Step 5"),
        },
        Step {
            id: "concat",
            title: "Heads joined, then W_O".into(),
            equation: math::CONCAT,
            explain: "Every head's output sits side by side; one more projection mixes them into the layer's attention output, which is added back to X.".into(),
            body: html! { <div class="plots">
                { heatmap("steps-concat", "Heads joined [o¹ | … | oʰ]".into(), &d.concat, tokens, "dimension") }
                { heatmap("steps-projected", "After W_O".into(), &d.projected, tokens, "dimension") }
            </div> },
            kernel: kernels::excerpt(kernels::MATMUL, "// Linear layer", "struct Params"),
        },
    ]
}

/// The BiLSTM's attention pooling: states, scores, softmax, the pooled vector, the class.
///
/// The states' columns are [forward | backward] halves of equal width, as core stores them
/// (`PoolingDetail::states`), which is how the split below is made.
fn pooling_steps(shown: &Shown, p: &PoolingDetail) -> Vec<Step> {
    let tokens = &*shown.tokens;
    let masked = &shown.interventions.masked_tokens;
    let parts = softmax_parts(&p.scores, |t| !masked.contains(&t));
    let half = p.states.cols() / 2;
    let split = |values: &[f32]| (values[..half].to_vec(), values[half..].to_vec());
    let (forward, backward) = split(&p.context);
    let kernel = kernels::excerpt(kernels::ADDITIVE_POOL, "fn main", "");
    let classification = shown.classification().cloned();
    let vector = |id: &str, caption: &str, values: &[f32]| {
        Matrix::from_vec(1, values.len(), values.to_vec())
            .map(|m| crate::components::value_table::value_table(id, caption, &m, "", "", None))
            .unwrap_or_default()
    };
    vec![
        Step {
            id: "states",
            title: "States in both directions".into(),
            equation: math::POOL_CONTEXT,
            explain: format!("The BiLSTM reads the sentence forwards and backwards; each token's state h_t joins both: columns 0–{} come from the forward pass (what came before), {}–{} from the backward pass (what comes after).", half - 1, half, 2 * half - 1),
            body: html! { <div class="plots">{ heatmap("steps-states", "h_t = [h→_t ; h←_t]".into(), &p.states, tokens, "state dimension (forward | backward)") }</div> },
            kernel: kernels::excerpt(kernels::ADDITIVE_POOL, "// Additive attention", "struct Params"),
        },
        Step {
            id: "pool-score",
            title: "A score per token".into(),
            equation: math::POOL_SCORE,
            explain: "Each state goes through a small layer, and the learned query vector v (attention.v in the model folder) scores it: v is the question the model learned to ask every token.".into(),
            body: key_table("steps-pool-scores", "score_t = v · u_t", tokens, &[("score", p.scores.clone())], &[]),
            kernel: kernel.clone(),
        },
        Step {
            id: "pool-softmax",
            title: "Softmax over the tokens".into(),
            equation: math::POOL_SOFTMAX,
            explain: "The scores become weights that sum to 1; a masked token's weight is exactly 0 and the others share its weight.".into(),
            body: key_table("steps-pool-weights", "α", tokens, &[("score", p.scores.clone()), ("e", parts.exps.clone()), ("α", parts.weights.clone())], masked),
            kernel: kernel.clone(),
        },
        Step {
            id: "pool-context",
            title: "The pooled sentence vector".into(),
            equation: math::POOL_CONTEXT,
            explain: "The states mixed by α: one vector for the whole sentence, its first half from the forward pass, its second from the backward pass.".into(),
            body: html! { <>{ vector("steps-context-forward", "s, forward half", &forward) }{ vector("steps-context-backward", "s, backward half", &backward) }</> },
            kernel,
        },
        Step {
            id: "pool-classify",
            title: "The classifier reads s".into(),
            equation: math::POOL_CLASSIFY,
            explain: "A linear layer on s gives one score per class; the softmax turns them into the probabilities. The attention is the only way a token reaches the prediction.".into(),
            body: html! { <>
                { vector("steps-logits", "class scores (logits)", &p.logits) }
                { for classification.map(|c| html! { <ProbabilityBars labels={c.labels} probabilities={c.probabilities} /> }) }
            </> },
            kernel: kernels::excerpt(kernels::MATMUL, "// Linear layer", "struct Params"),
        },
    ]
}
