//! The step-through (`#/steps`): how one head of the live model computed its map for the
//! typed sentence — embedding and positions, Q/K/V, scores, scaling, mask, softmax, weights,
//! output, heads joined — or, for a BiLSTM, its attention pooling, one step at a time with
//! the real numbers of the CPU reference (the forward runs with `Interventions::inspect`).
//! Each step has its equation (MathML), a plain explanation and the WGSL lines that compute
//! it on the GPU. ← / → move between steps (past the last step they are left to the page: a
//! lesson moves on).

pub mod kernels;
pub mod math;

use crate::backend::Backend;
use crate::components::heatmap_plot::HeatmapPlot;
use crate::components::live_text::LiveText;
use crate::components::probability_bars::ProbabilityBars;
use crate::components::token_chips::TokenChips;
use crate::engine::catalog::{self, ModelInfo, CLASSIFIERS};
use crate::engine::live::{use_live_engine, LiveRequest, LoadState, Shown};
use crate::hooks::keys::{use_window_keys, KeyPhase};
use crate::route::{Query, Route};
use crate::views::playground::cells::format_value;
use crate::views::url_sync::use_url_sync;
use attnscope_core::ops::softmax_parts;
use attnscope_core::trace::{HeadDetail, PoolingDetail};
use attnscope_core::{Interventions, Matrix};
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// What the step-through shows, kept in the URL.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSettings {
    /// The model.
    pub model: &'static ModelInfo,
    /// The sentence.
    pub text: String,
    /// Layer and head (Transformer).
    pub head: (usize, usize),
    /// The query token (Transformer).
    pub query: usize,
    /// Masked token positions.
    pub masked: Vec<usize>,
    /// The step shown (0-based).
    pub step: usize,
}

impl StepSettings {
    /// From the URL: `model`, `text`, `layer`, `head`, `query`, `mask`, `step` (numbers from 0).
    pub fn from_query(query: &Query) -> (Self, Vec<String>) {
        let mut s = Self {
            model: &CLASSIFIERS[0],
            text: String::new(),
            head: (0, 0),
            query: 0,
            masked: vec![],
            step: 0,
        };
        let mut notices = Vec::new();
        let mut text = None;
        let number = |v: &str| v.trim().parse::<usize>().ok().filter(|&n| n < 4096);
        for (key, value) in query {
            let ok = match key.as_str() {
                "model" => catalog::classifier(value).map(|m| s.model = m).is_some(),
                "text" => {
                    text = Some(value.clone());
                    true
                }
                "layer" => number(value).map(|n| s.head.0 = n).is_some(),
                "head" => number(value).map(|n| s.head.1 = n).is_some(),
                "query" => number(value).map(|n| s.query = n).is_some(),
                "step" => number(value).map(|n| s.step = n).is_some(),
                "mask" => crate::views::attention::settings::parse_list(value, number)
                    .map(|m| s.masked = m)
                    .is_some(),
                "present" => true,
                _ => false,
            };
            if !ok {
                notices.push(format!("Ignored {key}=“{value}”."));
            }
        }
        s.text =
            text.unwrap_or_else(|| s.model.examples[1.min(s.model.examples.len() - 1)].to_owned());
        (s, notices)
    }

    fn to_query(&self) -> Query {
        let mut q: Query = vec![
            ("model".into(), self.model.name.into()),
            ("text".into(), self.text.chars().take(2000).collect()),
        ];
        if self.model.transformer {
            q.push(("layer".into(), self.head.0.to_string()));
            q.push(("head".into(), self.head.1.to_string()));
            q.push(("query".into(), self.query.to_string()));
        }
        if !self.masked.is_empty() {
            let list: Vec<String> = self.masked.iter().map(usize::to_string).collect();
            q.push(("mask".into(), list.join(",")));
        }
        q.push(("step".into(), self.step.to_string()));
        q
    }
}

/// One step: its name, equation, explanation, numbers and kernel lines.
struct Step {
    id: &'static str,
    title: String,
    equation: &'static str,
    explain: String,
    body: Html,
    kernel: String,
}

/// Props of [`StepsView`].
#[derive(Properties, PartialEq)]
pub struct StepsProps {
    /// The URL query.
    pub query: Query,
    /// The page's backend.
    pub backend: Backend,
    /// A lost GPU device.
    pub on_device_lost: Callback<String>,
    /// Whether the view keeps its settings in the URL (not inside a lesson stop).
    #[prop_or(true)]
    pub sync_url: bool,
}

/// The step-through page.
#[component]
pub fn StepsView(props: &StepsProps) -> Html {
    let initial = use_memo(props.query.clone(), StepSettings::from_query);
    let settings = use_state(|| initial.0.clone());
    let changed_at = use_state(|| None::<f64>);
    use_url_sync(props.sync_url.then_some(Route::Steps), settings.to_query());
    let request = LiveRequest {
        text: settings.text.clone(),
        interventions: Interventions {
            masked_tokens: settings.masked.clone(),
            inspect: Some(if settings.model.transformer {
                settings.head
            } else {
                (0, 0)
            }),
            ..Interventions::default()
        },
        input_at: *changed_at,
    };
    let engine_choice = crate::engine::choice::use_engine_choice();
    let live = use_live_engine(
        &props.backend,
        engine_choice,
        &[settings.model],
        request,
        Callback::noop(),
        props.on_device_lost.clone(),
    );
    let slot = live.slot(settings.model.name);
    let shown = slot.and_then(|s| s.shown.clone());
    let steps = shown
        .as_ref()
        .map(|shown| build_steps(&settings, shown))
        .unwrap_or_default();
    let count = steps.len();
    let step = settings.step.min(count.saturating_sub(1));

    use_arrow_keys(&settings, step, count);
    let on_edit = {
        let settings = settings.clone();
        let changed_at = changed_at.clone();
        Callback::from(move |(text, at): (String, f64)| {
            changed_at.set(Some(at));
            settings.set(StepSettings {
                text,
                ..(*settings).clone()
            });
        })
    };
    // A click on a token chip masks it (or unmasks it) and runs the forward again.
    let on_toggle_mask = {
        let settings = settings.clone();
        let changed_at = changed_at.clone();
        Callback::from(move |t: usize| {
            let mut next = (*settings).clone();
            match next.masked.iter().position(|&m| m == t) {
                Some(i) => {
                    next.masked.remove(i);
                }
                None => next.masked.push(t),
            }
            changed_at.set(Some(crate::dom::now_ms()));
            settings.set(next);
        })
    };
    let tokens = shown
        .as_ref()
        .map(|s| (*s.tokens).clone())
        .unwrap_or_default();
    let go_to = |target: usize| go_to_step(&settings, target);
    let status = load_status(slot.map(|s| &s.load));
    html! {
        <section id="steps-view" class="view steps" aria-labelledby="steps-title">
            <h1 id="steps-title">{ if settings.model.transformer { "How one head computes its attention" } else { "How the BiLSTM pools its states" } }</h1>
            if !initial.1.is_empty() {
                <ul class="notice" role="status">{ for initial.1.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
            }
            <LiveText id="steps-text" label="Text" text={settings.text.clone()} autofocus={false}
                help="Every number below is recomputed from this sentence by the CPU reference, the same forward the live page runs."
                examples={settings.model.examples.to_vec()} {on_edit} />
            { selectors(&settings, shown.as_deref()) }
            <TokenChips id="steps-token" tokens={tokens} masked={settings.masked.clone()} highlight={Some(settings.query)}
                on_toggle={on_toggle_mask} on_highlight={Callback::noop()} />
            { status }
            if let Some(message) = shown.as_ref().and_then(|s| s.computed.trace.message.clone()) {
                <p class="notice trace-message" role="status">{ message }</p>
            }
            if count > 0 {
                { step_nav(&steps, step, go_to) }
                { render_step(&steps[step], step, count) }
            }
            if let Some(shown) = &shown { { record(&settings, shown) } }
        </section>
    }
}

/// A callback that shows step `target`.
fn go_to_step(settings: &UseStateHandle<StepSettings>, target: usize) -> Callback<MouseEvent> {
    let settings = settings.clone();
    Callback::from(move |_: MouseEvent| {
        settings.set(StepSettings {
            step: target,
            ..(*settings).clone()
        })
    })
}

/// The model's download progress or why it failed.
fn load_status(load: Option<&LoadState>) -> Html {
    match load {
        Some(LoadState::Loading(stage, fraction)) => {
            html! { <p class="load-state" role="status">{ format!("{stage}… {:.0} %", fraction * 100.0) }</p> }
        }
        Some(LoadState::Failed(why)) => {
            html! { <p class="field-message error" role="alert">{ why }</p> }
        }
        _ => html! {},
    }
}

/// Previous, the list of steps (the current one marked) and Next.
fn step_nav(steps: &[Step], step: usize, go_to: impl Fn(usize) -> Callback<MouseEvent>) -> Html {
    let count = steps.len();
    html! {
        <nav class="step-nav" aria-label="Steps">
            <button type="button" id="step-back" onclick={go_to(step.saturating_sub(1))} disabled={step == 0}>{ "← Previous" }</button>
            <ol class="step-list">
                { for steps.iter().enumerate().map(|(i, s)| html! {
                    <li><button type="button" class="step-link" aria-current={(i == step).then_some("step")} onclick={go_to(i)}>{ format!("{}. {}", i + 1, s.title) }</button></li>
                }) }
            </ol>
            <button type="button" id="step-forward" onclick={go_to((step + 1).min(count - 1))} disabled={step + 1 >= count}>{ "Next →" }</button>
        </nav>
    }
}

/// ← / → move between the `count` steps (not while typing in a field); `step` is the one shown.
#[hook]
fn use_arrow_keys(settings: &UseStateHandle<StepSettings>, step: usize, count: usize) {
    let handle = settings.clone();
    // First: the step-through decides before a lesson's own listener does.
    let deps = (step, count, (**settings).clone());
    use_window_keys(deps, KeyPhase::First, move |&(step, count, _), event| {
        // At either end the key is left alone (a lesson then moves to its next stop).
        let next = match event.key().as_str() {
            "ArrowRight" if step + 1 < count => step + 1,
            "ArrowLeft" if step > 0 => step - 1,
            _ => return false,
        };
        handle.set(StepSettings {
            step: next,
            ..(*handle).clone()
        });
        crate::dom::after_ms(30, crate::dom::show_presented_step);
        true
    });
}

fn selectors(settings: &UseStateHandle<StepSettings>, shown: Option<&Shown>) -> Html {
    let select = |id: &'static str,
                  label: &'static str,
                  value: usize,
                  options: Vec<String>,
                  f: fn(&mut StepSettings, usize)| {
        let settings = settings.clone();
        let onchange = Callback::from(move |event: Event| {
            if let Some(s) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Ok(v) = s.value().parse::<usize>() {
                    let mut next = (*settings).clone();
                    f(&mut next, v);
                    settings.set(next);
                }
            }
        });
        html! {
            <div class="field"><label for={id}>{ label }</label>
                <select {id} {onchange}>
                    { for options.iter().enumerate().map(|(i, o)| html! { <option value={i.to_string()} selected={i == value}>{ o }</option> }) }
                </select></div>
        }
    };
    // Shipped models and any the visitor brought on another page of this visit.
    let pickable = catalog::pickable();
    let models: Vec<String> = pickable.iter().map(|m| m.label.to_owned()).collect();
    let model_index = pickable
        .iter()
        .position(|m| m.name == settings.model.name)
        .unwrap_or(0);
    let maps = shown.and_then(|s| s.maps());
    let (layers, heads) = maps.as_ref().map_or((1, 1), |m| (m.layers, m.heads));
    let tokens: Vec<String> = shown
        .map(|s| {
            s.tokens
                .iter()
                .enumerate()
                .map(|(i, t)| format!("{i}: {t}"))
                .collect()
        })
        .unwrap_or_default();
    html! {
        <div class="controls steps-controls">
            { select("steps-model", "Model", model_index, models, |s, i| { s.model = catalog::pickable().get(i).copied().unwrap_or(&CLASSIFIERS[0]); s.step = 0; }) }
            if settings.model.transformer {
                { select("steps-layer", "Layer", settings.head.0, (1..=layers).map(|l| format!("layer {l}")).collect(), |s, v| s.head.0 = v) }
                { select("steps-head", "Head", settings.head.1, (1..=heads).map(|h| format!("head {h}")).collect(), |s, v| s.head.1 = v) }
                { select("steps-query", "Query token", settings.query, tokens, |s, v| s.query = v) }
            }
        </div>
    }
}

fn render_step(step: &Step, index: usize, count: usize) -> Html {
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
fn numbers(values: &[f32]) -> String {
    let text: Vec<String> = values
        .iter()
        .map(|v| {
            if v.is_finite() {
                format!("{v:e}")
            } else {
                "-inf".into()
            }
        })
        .collect();
    text.join(",")
}

fn record(settings: &StepSettings, shown: &Shown) -> Html {
    let trace = &shown.computed.trace;
    let (weights, scores, raw) = match (&trace.detail, shown.maps()) {
        (Some(d), Some(maps)) if settings.query < maps.len => {
            let i = settings.query;
            let t = maps.len;
            (
                numbers(&maps.map(d.layer, d.head)[i * t..(i + 1) * t]),
                numbers(d.scores.row(i)),
                numbers(d.raw_scores.row(i)),
            )
        }
        _ => match &trace.pooling_detail {
            Some(p) => match &trace.attention {
                attnscope_core::trace::Attention::Pooling { weights } => {
                    (numbers(weights), numbers(&p.scores), String::new())
                }
                _ => Default::default(),
            },
            None => Default::default(),
        },
    };
    html! {
        <div id="steps-record" hidden=true data-text={shown.text.clone()} data-engine={shown.computed.engine.name()}
            data-t={shown.tokens.len().to_string()} data-weights={weights} data-scores={scores} data-raw={raw}></div>
    }
}

/// Key rows of a per-key table: the key token and each column's value.
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
            x_label={col} y_label="token" row_name="token" col_name="dim" css_height={(140.0 + tokens.len() as f64 * 14.0).clamp(220.0, 420.0)}
            export_name={id.to_owned()} labels={Some(Rc::new(labels))} />
    }
}

fn build_steps(settings: &StepSettings, shown: &Shown) -> Vec<Step> {
    let trace = &shown.computed.trace;
    match (&trace.detail, &trace.pooling_detail) {
        (Some(detail), _) => head_steps(settings, shown, detail),
        (_, Some(detail)) => pooling_steps(settings, shown, detail),
        _ => Vec::new(),
    }
}

/// The steps of one head for the query token: inputs, scores, softmax, output.
fn head_steps(settings: &StepSettings, shown: &Shown, d: &HeadDetail) -> Vec<Step> {
    let tokens = &*shown.tokens;
    if tokens.is_empty() {
        return Vec::new();
    }
    let i = settings.query.min(tokens.len() - 1);
    let mut steps = input_steps(d, tokens);
    steps.extend(score_steps(settings, d, tokens, i));
    steps.extend(output_steps(d, tokens, i));
    steps
}

/// The head's input and projections: tokens become vectors, then Q, K and V.
fn input_steps(d: &HeadDetail, tokens: &[String]) -> Vec<Step> {
    let (l, h) = (d.layer, d.head);
    let dk = d.q.cols();
    let input_note = if l == 0 {
        "the token embeddings plus the positional encoding".to_owned()
    } else {
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

/// The query's scores against every key, scaled, masked and through the softmax.
fn score_steps(settings: &StepSettings, d: &HeadDetail, tokens: &[String], i: usize) -> Vec<Step> {
    let q_token = &tokens[i];
    let masked = &settings.masked;
    let dk = d.q.cols();
    let raw = d.raw_scores.row(i).to_vec();
    let scaled = d.scores.row(i).to_vec();
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
            title: "The mask".into(),
            equation: math::MASK,
            explain: if masked.is_empty() { "No token is masked: every key stays. Click a token above to mask it and its score becomes −∞.".into() } else { "Masked keys get −∞: after the softmax their weight is exactly 0.".into() },
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
fn output_steps(d: &HeadDetail, tokens: &[String], i: usize) -> Vec<Step> {
    let q_token = &tokens[i];
    let h = d.head;
    let kernel = |from: &str, to: &str| kernels::excerpt(kernels::ATTENTION, from, to);
    let one_row = |name: &str, values: &[f32]| {
        Matrix::from_vec(1, values.len(), values.to_vec())
            .map(|m| crate::views::playground::value_table(name, name, &m, "", "dim ", None))
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

fn pooling_steps(settings: &StepSettings, shown: &Shown, p: &PoolingDetail) -> Vec<Step> {
    let tokens = &*shown.tokens;
    let masked = &settings.masked;
    let parts = softmax_parts(&p.scores, |t| !masked.contains(&t));
    let half = p.states.cols() / 2;
    let split = |values: &[f32]| (values[..half].to_vec(), values[half..].to_vec());
    let (forward, backward) = split(&p.context);
    let kernel = kernels::excerpt(kernels::ADDITIVE_POOL, "fn main", "");
    let classification = shown.classification().cloned();
    let vector = |id: &str, caption: &str, values: &[f32]| {
        Matrix::from_vec(1, values.len(), values.to_vec())
            .map(|m| crate::views::playground::value_table(id, caption, &m, "", "", None))
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
