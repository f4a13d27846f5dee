//! The positional-encoding explorer (`#/pe`): the PE matrix, curves of chosen dimensions and
//!
//! There is no model and no engine here: the "forward" is core's closed-form encoding,
//! computed synchronously in the render whenever the valid parameters change. Its flow is
//! controls / URL → [`PeSettings`] (checked) → `positional_encoding(params)` → PE matrix and
//! similarity → two heatmaps and the curves.
//! the position-similarity matrix, all from `attnscope_core::positional_encoding`.

pub mod settings;

use crate::components::curves_plot::CurvesPlot;
use crate::components::heatmap_plot::HeatmapPlot;
use crate::components::notices::Notices;
use crate::components::number_field::NumberField;
use crate::embed::dialog::EmbedButton;
use crate::embed::options::{EmbedOptions, ViewKind};
use crate::hooks::dispatch::use_dispatch;
use crate::plot::curves::Series;
use crate::route::{Location, Query, Route};
use attnscope_core::{positional_encoding, Matrix};
use settings::{Field, PeSettings};
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// The explorer's form: what each control shows, why it is refused, and the valid settings
/// the plots draw (the last valid value of every control).
#[derive(Debug, Clone, PartialEq)]
struct PeForm {
    /// The last valid settings: what the plots draw, whatever the controls hold.
    settings: PeSettings,
    /// Each control's text as the reader left it (maybe invalid), in [`Field::ALL`] order.
    texts: [String; 4],
    /// Why each control's text is refused, in [`Field::ALL`] order; `None` when it is valid.
    errors: [Option<String>; 4],
    /// The URL parameters that were ignored, each as a sentence, until dismissed.
    notices: Vec<String>,
    /// When the input that produced the current settings arrived (`performance.now()`).
    changed_at: Option<f64>,
}

/// What the user did to the form.
enum PeAction {
    /// Typed into a control, at a time.
    Edit(Field, String, f64),
    /// Pressed a spin key on a control, at a time.
    Step(Field, f64, f64),
    /// Picked a column of the PE matrix (at a time): draw that dimension's curve.
    AddDim(usize, f64),
    /// Dismissed the URL notices.
    DismissNotices,
}

/// The index of `field` in the form's per-control arrays.
fn slot(field: Field) -> usize {
    Field::ALL
        .iter()
        .position(|f| *f == field)
        .expect("every field is listed")
}

impl PeForm {
    /// A form whose controls all show `settings`, with no errors and no input time yet.
    fn new(settings: PeSettings, notices: Vec<String>) -> Self {
        let texts = Field::ALL.map(|field| settings.text(field));
        Self {
            settings,
            texts,
            errors: Default::default(),
            notices,
            changed_at: None,
        }
    }

    /// The form with every control reset to show `settings` and every error cleared.
    ///
    /// Used when a change comes from outside the controls (a column picked in the matrix), so
    /// a half-typed invalid value elsewhere gives way to what the plots show.
    fn synced(mut self, settings: PeSettings) -> Self {
        self.texts = Field::ALL.map(|field| settings.text(field));
        self.errors = Default::default();
        self.settings = settings;
        self
    }
}

impl Reducible for PeForm {
    type Action = PeAction;

    fn reduce(self: Rc<Self>, action: PeAction) -> Rc<Self> {
        let mut form = (*self).clone();
        // The action's input time, taken before `action` is moved into the match below.
        let at = match action {
            PeAction::Edit(_, _, at) | PeAction::Step(_, _, at) | PeAction::AddDim(_, at) => {
                Some(at)
            }
            PeAction::DismissNotices => None,
        };
        match action {
            PeAction::Edit(field, text, _) => {
                let i = slot(field);
                match form.settings.with(field, &text) {
                    Ok(settings) => {
                        form.settings = settings;
                        form.errors[i] = None;
                    }
                    // Refused: the settings (and so the plots) stay as they were; only the control
                    // shows the text and the reason.
                    Err(why) => form.errors[i] = Some(why),
                }
                // The control always shows what was typed, valid or not, so the reader can fix it.
                form.texts[i] = text;
            }
            PeAction::Step(field, steps, _) => {
                // A spin key starts from the last valid value, not from the text, and always lands
                // on a valid one, so it also clears the control's error.
                let next = form.settings.stepped(field, steps);
                let i = slot(field);
                form.settings = next;
                form.texts[i] = form.settings.text(field);
                form.errors[i] = None;
            }
            PeAction::AddDim(dim, _) => {
                let next = form.settings.with_dim(dim);
                form = form.synced(next);
            }
            PeAction::DismissNotices => form.notices.clear(),
        }
        // Only a change the plots will draw gets a start time; a refused keystroke or a
        // dismissed notice must not be measured as an update.
        if form.settings != self.settings {
            form.changed_at = at;
        }
        Rc::new(form)
    }
}

/// Props of [`PeView`].
#[derive(Properties, PartialEq)]
pub struct PeViewProps {
    /// The URL query the view starts from.
    ///
    /// Read once when the view is made; the app re-keys the view on every `hashchange`, so a
    /// new URL is a new form rather than an update of this one.
    pub query: Query,
}

/// The PE matrix, curves and similarity matrix for one setting.
struct PeData {
    /// The encoding, (positions × d_model), values in [−1, 1].
    pe: Arc<Matrix>,
    /// PE(p)·PE(q) for every pair of positions, (positions × positions).
    similarity: Arc<Matrix>,
    /// The similarity's smallest and largest value, for its colour scale.
    similarity_range: (f32, f32),
}

/// The positional-encoding explorer.
#[component]
pub fn PeView(props: &PeViewProps) -> Html {
    let form = use_reducer(|| {
        let (settings, notices) = PeSettings::from_query(&props.query);
        PeForm::new(settings, notices)
    });
    let params = form.settings.params;

    // Recomputed only when the valid parameters change: editing the dimension list redraws
    // the curves without recomputing the matrices.
    let data = use_memo(params, PeData::of);
    let (drawn, hidden) = form.settings.drawable_dims();
    // The curves follow the matrix and the drawn dimensions only, not the other controls.
    let series = use_memo((data.pe.clone(), drawn.clone()), |(pe, dims)| {
        Rc::new(curve_series(pe, dims))
    });
    use_url_and_update_time(form.settings.clone(), form.changed_at);

    let dispatch = form.dispatcher();
    // Inputs carry the time they arrived, read here in the event handler, so the measured
    // update starts at the keystroke, not at the reducer or the render.
    let edit = |field: Field| {
        let dispatch = dispatch.clone();
        Callback::from(move |text: String| {
            dispatch.dispatch(PeAction::Edit(field, text, crate::dom::now_ms()))
        })
    };
    let step = |field: Field| {
        let dispatch = dispatch.clone();
        Some(Callback::from(move |steps: f64| {
            dispatch.dispatch(PeAction::Step(field, steps, crate::dom::now_ms()))
        }))
    };
    // A click on the PE matrix reports (row, column); only the column, the dimension, is used.
    let on_pick_dim = use_dispatch(&dispatch, |(_pos, dim): (usize, usize)| {
        PeAction::AddDim(dim, crate::dom::now_ms())
    });
    let on_dismiss = use_dispatch(&dispatch, |()| PeAction::DismissNotices);
    let error = |field: Field| form.errors[slot(field)].clone().map(AttrValue::from);
    let text = |field: Field| AttrValue::from(form.texts[slot(field)].clone());
    let bounds = |field: Field| {
        let (low, high, _, _) = field.bounds();
        (low, high)
    };
    let dims_hint = dims_hint(&hidden, params.d_model());
    let (n, d) = (params.positions(), params.d_model());
    // The heatmaps grow a little with the number of positions, within a height that still
    // fits beside the controls.
    let height = |rows: usize| (180.0 + rows as f64 * 0.9).clamp(260.0, 440.0);

    html! {
        <section id="pe-view" class="view" aria-labelledby="pe-title">
            <div class="view-head">
                <h1 id="pe-title">{ "Positional encoding" }</h1>
                // Embed options have no PE parameters, so the snippet shows the default encoding,
                // not the settings on this page.
                <EmbedButton options={EmbedOptions::default()} views={vec![ViewKind::Pe]} />
            </div>
            <Notices messages={form.notices.clone()} {on_dismiss} />
            { lede() }
            // Enter in a field would submit the form and reload the page; the fields apply as
            // typed.
            <form class="controls" aria-label="Positional-encoding settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <NumberField id="pe-d-model" label="d_model" text={text(Field::DModel)} error={error(Field::DModel)}
                    hint={Some(AttrValue::from("Even, 2 – 1024. ↑/↓ steps by 2."))} bounds={bounds(Field::DModel)}
                    value_now={Some(d as f64)} on_edit={edit(Field::DModel)} on_step={step(Field::DModel)} />
                <NumberField id="pe-positions" label="positions" text={text(Field::Positions)} error={error(Field::Positions)}
                    hint={Some(AttrValue::from("1 – 2048."))} bounds={bounds(Field::Positions)}
                    value_now={Some(n as f64)} on_edit={edit(Field::Positions)} on_step={step(Field::Positions)} />
                <NumberField id="pe-base" label="base" text={text(Field::Base)} error={error(Field::Base)}
                    hint={Some(AttrValue::from("Greater than 1; the paper uses 10000."))} bounds={bounds(Field::Base)}
                    value_now={Some(params.base())} on_edit={edit(Field::Base)} on_step={step(Field::Base)} />
                <NumberField id="pe-dims" label="curves of dimensions" text={text(Field::Dims)} error={error(Field::Dims)}
                    hint={Some(AttrValue::from(dims_hint))} bounds={(0.0, (d - 1) as f64)} on_edit={edit(Field::Dims)} />
            </form>
            // Filled by `use_url_and_update_time` straight through the DOM; `aria-live="off"` keeps
            // a screen reader from announcing a timing on every keystroke.
            <p id="pe-perf" class="perf" aria-live="off"></p>
            <div class="plots">
                <HeatmapPlot id="pe-matrix" caption={format!("PE matrix · {n} positions × {d} dimensions")}
                    // A fixed range of [−1, 1] (sines and cosines) so colours keep their meaning
                    // when the settings change.
                    matrix={data.pe.clone()} range={(-1.0, 1.0)} x_label="dimension" y_label="position"
                    row_name="pos" col_name="dim" css_height={height(n)} export_name="pe-matrix"
                    on_pick={on_pick_dim} />
                <CurvesPlot id="pe-curves" caption="Dimensions over positions" series={(*series).clone()}
                    y_range={(-1.05, 1.05)} x_label="position" y_label="PE value" x_name="pos"
                    css_height={300.0} export_name="pe-curves" />
                <HeatmapPlot id="pe-similarity" caption={format!("Position similarity PE(p)·PE(q) · {n} × {n}")}
                    matrix={data.similarity.clone()} range={data.similarity_range} x_label="position q" y_label="position p"
                    row_name="p" col_name="q" css_height={height(n)} export_name="pe-similarity" />
            </div>
            { similarity_note() }
        </section>
    }
}

/// The page's opening paragraph: what the encoding is and its two equations.
fn lede() -> Html {
    html! {
        <p class="lede">
            { "A Transformer sees a bag of tokens unless each position gets its own signature. The sinusoidal encoding gives position " }
            <var>{ "pos" }</var>{ " the vector " }
            <code>{ "PE(pos, 2i) = sin(pos / base" }<sup>{ "2i/d" }</sup>{ ")" }</code>{ ", " }
            <code>{ "PE(pos, 2i+1) = cos(pos / base" }<sup>{ "2i/d" }</sup>{ ")" }</code>
            { ": each pair of dimensions turns at its own speed, from one radian per position down to one turn in 2π·base positions." }
        </p>
    }
}

/// What the similarity matrix shows: PE(p)·PE(q) depends only on p − q.
fn similarity_note() -> Html {
    html! {
        <p class="note">
            { "PE(p)·PE(q) = Σ" }<sub>{ "i" }</sub>{ " cos((p − q)·ω" }<sub>{ "i" }</sub>
            { ") depends only on the offset p − q: every diagonal of the similarity matrix is constant, which is how attention can read relative position." }
        </p>
    }
}

impl PeData {
    /// The encoding of `params` and its position similarity with their range.
    fn of(params: &positional_encoding::PeParams) -> Self {
        let encoding = positional_encoding::positional_encoding(params);
        let similarity = encoding.similarity();
        // `min_max` is `None` only for an empty matrix, which valid parameters never give; the
        // fallback keeps the colour scale well-formed regardless.
        let similarity_range = similarity.min_max().unwrap_or((0.0, 1.0));
        PeData {
            pe: Arc::new(encoding.into_matrix()),
            similarity: Arc::new(similarity),
            similarity_range,
        }
    }
}

/// One curve per drawn dimension: its values over every position, labelled sin or cos.
fn curve_series(pe: &Matrix, dims: &[usize]) -> Vec<Series> {
    dims.iter()
        .map(|&dim| Series {
            label: format!(
                "dim {dim} ({}, i={})",
                if dim % 2 == 0 { "sin" } else { "cos" },
                dim / 2
            ),
            // `dims` are already below d_model (`drawable_dims`), so `get` finds every value.
            values: (0..pe.rows()).filter_map(|pos| pe.get(pos, dim)).collect(),
        })
        .collect()
}

/// The hint under the dimensions field: how to add curves, or which asked-for dimensions are
/// beyond d_model and so not drawn.
fn dims_hint(hidden: &[usize], d_model: usize) -> String {
    if hidden.is_empty() {
        return format!(
            "Up to {} dimensions, comma-separated; or click a column of the matrix.",
            settings::MAX_CURVES
        );
    }
    let hidden: Vec<String> = hidden.iter().map(usize::to_string).collect();
    format!(
        "Not drawn (beyond d_model = {d_model}): {}.",
        hidden.join(", ")
    )
}

/// Keeps the URL in step with the settings and reports input → painted plots. Children's
/// effects (the plots' paints) run before this one, so the time measured here is input →
/// painted plots. Written straight to the DOM: a number is no reason to render again.
#[hook]
fn use_url_and_update_time(settings: PeSettings, changed_at: Option<f64>) {
    use_effect_with(settings, move |settings| {
        // Written at once rather than through `use_url_sync`'s pause: the query is four short
        // fields, not a live view's long text.
        Location {
            route: Route::PositionalEncoding,
            query: crate::route::with_app_params(settings.to_query(), &Location::current().query),
        }
        .replace_current();
        // No input time (the first render, a dismissed notice): nothing to report.
        let Some(started) = changed_at else { return };
        let elapsed = crate::dom::now_ms() - started;
        if let Some(element) = crate::dom::document().get_element_by_id("pe-perf") {
            let _ = element.set_attribute("data-update-ms", &format!("{elapsed:.2}"));
            element.set_text_content(Some(&format!(
                "Last update: {elapsed:.1} ms from input to painted plots."
            )));
        }
    });
}
