//! The Q/K/V playground (`#/playground`): small editable Q, K and V; dot-product, scaled or
//! additive scores; no mask, padding or look-ahead; 1, 2 or 4 heads; a temperature. Scores,
//! weights and output follow every edit, as heatmaps and as tables a screen reader reads.
//! The numbers come from core's `attention_math` (the models' own softmax), not a copy.

pub mod cells;
pub mod editor;
pub mod presets;

use crate::components::heatmap_plot::HeatmapPlot;
use crate::components::value_table::value_table;
use crate::route::{Query, Route};
use crate::views::url_sync::use_url_sync;
use attnscope_core::attention_math::{
    attention_steps, AttentionSteps, HeadSteps, Mask, ScoreFunction,
};
use attnscope_core::Matrix;
use cells::Cells;
use editor::MatrixEditor;
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// The score function picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Score {
    /// q·k.
    Dot,
    /// q·k / √d.
    Scaled,
    /// Bahdanau's vᵀ tanh(W_q q + W_k k).
    Additive,
}

/// The mask picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskKind {
    /// No mask.
    None,
    /// Chosen key positions are padding.
    Padding,
    /// Causal.
    LookAhead,
}

/// Everything the reader set.
#[derive(Debug, Clone, PartialEq)]
pub struct Playground {
    q: Cells,
    k: Cells,
    v: Cells,
    w_q: Cells,
    w_k: Cells,
    w_v: Cells,
    score: Score,
    mask: MaskKind,
    padded: Vec<usize>,
    heads: usize,
    temperature: String,
    seed: u64,
}

/// Width of the additive attention's hidden layer.
const ADDITIVE_DIM: usize = 2;

impl Playground {
    /// The source documents' example, scaled dot product, no mask, one head.
    fn example() -> Self {
        let (q, k, v) = presets::source_example();
        let mut state = Self {
            q,
            k,
            v,
            w_q: Cells::filled(0, 0, 0.0),
            w_k: Cells::filled(0, 0, 0.0),
            w_v: presets::random(3, 1, ADDITIVE_DIM),
            score: Score::Scaled,
            mask: MaskKind::None,
            padded: vec![],
            heads: 1,
            temperature: "1".into(),
            seed: 1,
        };
        state.fit_additive();
        state
    }

    /// From the URL: `score`, `mask`, `pad`, `heads`, `t`, `preset`.
    pub fn from_query(query: &Query) -> (Self, Vec<String>) {
        let mut state = Self::example();
        let mut notices = Vec::new();
        for (key, value) in query {
            match (key.as_str(), value.as_str()) {
                ("score", "dot") => state.score = Score::Dot,
                ("score", "scaled") => state.score = Score::Scaled,
                ("score", "additive") => state.score = Score::Additive,
                ("mask", "none") => state.mask = MaskKind::None,
                ("mask", "padding") => state.mask = MaskKind::Padding,
                ("mask", "lookahead") => state.mask = MaskKind::LookAhead,
                ("pad", list) => {
                    state.padded = list
                        .split(',')
                        .filter_map(|p| p.trim().parse().ok())
                        .filter(|&p: &usize| p < 8)
                        .collect()
                }
                ("heads", "1" | "2" | "4") => state.heads = value.parse().unwrap_or(1),
                ("t", t) => state.temperature = t.to_owned(),
                ("preset", "example") => {}
                ("preset", "random") => state.randomise(),
                _ => notices.push(format!("Ignored the URL parameter {key}=“{value}”.")),
            }
        }
        state.fit_additive();
        (state, notices)
    }

    fn to_query(&self) -> Query {
        let score = match self.score {
            Score::Dot => "dot",
            Score::Scaled => "scaled",
            Score::Additive => "additive",
        };
        let mask = match self.mask {
            MaskKind::None => "none",
            MaskKind::Padding => "padding",
            MaskKind::LookAhead => "lookahead",
        };
        let mut query = vec![
            ("score".into(), score.into()),
            ("mask".into(), mask.into()),
            ("heads".into(), self.heads.to_string()),
        ];
        if self.mask == MaskKind::Padding {
            let pad: Vec<String> = self.padded.iter().map(usize::to_string).collect();
            query.push(("pad".into(), pad.join(",")));
        }
        if self.temperature.trim() != "1" {
            query.push(("t".into(), self.temperature.clone()));
        }
        query
    }

    fn randomise(&mut self) {
        self.seed = self.seed.wrapping_add(1);
        let (n, d) = self.q.shape();
        let (m, dv) = self.v.shape();
        self.q = presets::random(self.seed, n, d);
        self.k = presets::random(self.seed + 1000, m, d);
        self.v = presets::random(self.seed + 2000, m, dv);
    }

    /// Keeps the additive weights the shape one head needs (a × d/heads).
    fn fit_additive(&mut self) {
        let dh = (self.q.shape().1 / self.heads.max(1)).max(1);
        if self.w_q.shape() != (ADDITIVE_DIM, dh) {
            self.w_q = presets::random(11, ADDITIVE_DIM, dh);
            self.w_k = presets::random(12, ADDITIVE_DIM, dh);
        }
    }

    /// The whole computation, or what is wrong (a cell's place, a shape).
    fn compute(&self) -> Result<AttentionSteps, String> {
        let parse = |name: &str, cells: &Cells| {
            cells.parse().map_err(|bad| {
                let (r, c) = bad.first().copied().unwrap_or((0, 0));
                format!(
                    "{name} row {} column {}: {}",
                    r + 1,
                    c + 1,
                    cells::cell_problem(&cells.rows[r][c]).unwrap_or("not usable")
                )
            })
        };
        let (q, k, v) = (
            parse("Q", &self.q)?,
            parse("K", &self.k)?,
            parse("V", &self.v)?,
        );
        let function = match self.score {
            Score::Dot => ScoreFunction::Dot,
            Score::Scaled => ScoreFunction::ScaledDot,
            Score::Additive => ScoreFunction::Additive {
                w_q: parse("W_q", &self.w_q)?,
                w_k: parse("W_k", &self.w_k)?,
                v: parse("v", &self.w_v)?.row(0).to_vec(),
            },
        };
        let mask = match self.mask {
            MaskKind::None => Mask::None,
            MaskKind::Padding => Mask::Padding(self.padded.clone()),
            MaskKind::LookAhead => Mask::LookAhead,
        };
        let temperature = match cells::cell_problem(&self.temperature) {
            None => self.temperature.trim().parse::<f32>().unwrap_or(1.0),
            Some(why) => return Err(format!("temperature: {why}")),
        };
        if temperature <= 0.0 {
            return Err("temperature: must be above 0".into());
        }
        attention_steps(&q, &k, &v, &function, &mask, self.heads, temperature)
            .map_err(|e| e.to_string())
    }
}

/// What the reader can do.
pub enum Edit {
    /// A cell of Q, K, V, W_q, W_k or v.
    Cell(char, usize, usize, String),
    /// A matrix size: 'n' queries, 'm' keys, 'd' width, 'e' value width.
    Size(char, usize),
    /// The score function.
    Score(Score),
    /// The mask.
    Mask(MaskKind),
    /// Padding on or off at a key position.
    TogglePad(usize),
    /// Heads.
    Heads(usize),
    /// Temperature text.
    Temperature(String),
    /// A preset: "example" or "random".
    Preset(&'static str),
    /// Q, K, V copied from a live sentence.
    Copied(Cells, Cells, Cells),
}

impl Reducible for Playground {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut s = (*self).clone();
        match edit {
            Edit::Cell(which, r, c, text) => {
                let cells = match which {
                    'q' => &mut s.q,
                    'k' => &mut s.k,
                    'v' => &mut s.v,
                    'a' => &mut s.w_q,
                    'b' => &mut s.w_k,
                    _ => &mut s.w_v,
                };
                if let Some(cell) = cells.rows.get_mut(r).and_then(|row| row.get_mut(c)) {
                    *cell = text;
                }
            }
            Edit::Size(which, size) => {
                let size = size.clamp(2, 8);
                let ((n, d), (m, e)) = (s.q.shape(), s.v.shape());
                let (n, m, d, e) = match which {
                    'n' => (size, m, d, e),
                    'm' => (n, size, d, e),
                    'd' => (n, m, size, e),
                    _ => (n, m, d, size),
                };
                s.q = s.q.resized(n, d);
                s.k = s.k.resized(m, d);
                s.v = s.v.resized(m, e);
                s.padded.retain(|&p| p < m);
            }
            Edit::Score(score) => s.score = score,
            Edit::Mask(mask) => s.mask = mask,
            Edit::TogglePad(p) => match s.padded.iter().position(|&x| x == p) {
                Some(i) => {
                    s.padded.remove(i);
                }
                None => s.padded.push(p),
            },
            Edit::Heads(h) => s.heads = h,
            Edit::Temperature(t) => s.temperature = t,
            Edit::Preset("random") => s.randomise(),
            Edit::Preset(_) => {
                let example = Playground::example();
                (s.q, s.k, s.v) = (example.q, example.k, example.v);
            }
            Edit::Copied(q, k, v) => (s.q, s.k, s.v) = (q, k, v),
        }
        s.fit_additive();
        Rc::new(s)
    }
}

/// Props of [`PlaygroundView`].
#[derive(Properties, PartialEq)]
pub struct PlaygroundProps {
    /// The URL query.
    pub query: Query,
    /// Whether the view keeps its settings in the URL (not inside a lesson stop).
    #[prop_or(true)]
    pub sync_url: bool,
}

/// The playground page.
#[component]
pub fn PlaygroundView(props: &PlaygroundProps) -> Html {
    let notices = use_state(Vec::<String>::new);
    let state = {
        let notices = notices.clone();
        let query = props.query.clone();
        use_reducer(move || {
            let (state, found) = Playground::from_query(&query);
            notices.set(found);
            state
        })
    };
    use_url_sync(
        props.sync_url.then_some(Route::Playground),
        state.to_query(),
    );
    let result = use_memo((*state).clone(), |s| s.compute());
    let last_good = use_mut_ref(|| None::<Rc<AttentionSteps>>);
    let (shown, problem) = match &*result {
        Ok(steps) => {
            let steps = Rc::new(steps.clone());
            *last_good.borrow_mut() = Some(steps.clone());
            (Some(steps), None)
        }
        Err(why) => (last_good.borrow().clone(), Some(why.clone())),
    };
    let dispatch = state.dispatcher();
    html! {
        <section id="playground-view" class="view playground" aria-labelledby="playground-title">
            <h1 id="playground-title">{ "Q, K, V playground" }</h1>
            <p class="lede">{ "Type into Q, K and V and watch the scores, the softmax weights and the output follow. Every number below is computed by attnscope's own attention code." }</p>
            if !notices.is_empty() {
                <ul class="notice" role="status">{ for notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
            }
            { controls(&state, &dispatch) }
            <LiveCopy on_copy={dispatch.to_callback().reform(|(q, k, v)| Edit::Copied(q, k, v))} />
            { editors(&state, &dispatch) }
            <p id="playground-problem" class="field-message error" role="alert" hidden={problem.is_none()}>
                { problem.map(|p| format!("{p}. Showing the last good result.")).unwrap_or_default() }
            </p>
            if let Some(steps) = shown {
                { results(&state, &steps) }
            }
        </section>
    }
}

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

fn controls(state: &Playground, dispatch: &UseReducerDispatcher<Playground>) -> Html {
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

fn editors(state: &Playground, dispatch: &UseReducerDispatcher<Playground>) -> Html {
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

fn results(state: &Playground, steps: &AttentionSteps) -> Html {
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
