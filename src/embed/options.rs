//! What an embed shows: the options of an `<attn-scope>` element (its attributes) or of the
//! `#/embed` route (its URL parameters), and their check into an [`EmbedSpec`].
//!
//! Bad options never fail the embed: each problem becomes a readable sentence and the embed
//! shows the nearest sensible view (the default model, the model's main view, no mask).

use crate::engine::catalog::{self, ModelInfo, CLASSIFIERS, DECODER, TRANSLATOR};
use crate::route::Query;
use crate::route::{parse_list, parse_pair, MAX_INDEX, MAX_POSITION};
use serde::Deserialize;

/// The longest text an embed runs; longer text is cut here with a notice (the models read at
/// most a few hundred tokens anyway).
pub const TEXT_LIMIT: usize = 10_000;

pub use attnscope_plot::figure::{ViewKind, VIEWS};

/// Whether `view` can show `model`'s result.
pub fn fits(view: ViewKind, model: &ModelInfo) -> bool {
    use attnscope_plot::figure::Needs;
    let translator = model.name == TRANSLATOR.name;
    match view.needs() {
        Needs::Transformer => model.transformer,
        // The translator is no Transformer either: it is told apart by name.
        Needs::BiLstm => !model.transformer && !translator,
        Needs::Translator => translator,
        Needs::Nothing => true,
        Needs::Decoder => model.task == DECODER.task,
    }
}

/// The view an embed of `model` shows when none is named.
pub fn main_view(model: &ModelInfo) -> ViewKind {
    if model.name == TRANSLATOR.name {
        ViewKind::Alignment
    } else if model.transformer {
        ViewKind::Heatmap
    } else {
        ViewKind::Pooling
    }
}

pub use crate::engine::choice::EngineChoice;

/// An embed's options as given: every attribute or URL parameter as text, nothing checked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct EmbedOptions {
    /// `model`: a shipped model's name.
    pub model: Option<String>,
    /// `text`: the sentence.
    pub text: Option<String>,
    /// `view`: one of [`VIEWS`]' names.
    pub view: Option<String>,
    /// `layer`: 0-based.
    pub layer: Option<String>,
    /// `head`: 0-based.
    pub head: Option<String>,
    /// `mask`: token positions, `1,4`.
    pub mask: Option<String>,
    /// `off`: heads switched off, `layer.head` pairs, `0.1,1.3`.
    pub off: Option<String>,
    /// `editable`: whether a text box lets the reader type.
    pub editable: bool,
    /// `theme`: `light` or `dark` (the element resolves `auto` against the host page first).
    pub theme: Option<String>,
    /// `engine`: `auto`, `gpu` or `cpu`.
    pub engine: Option<String>,
}

/// The parameter names, in the order snippets write them.
pub const PARAMETERS: [&str; 10] = [
    "model", "view", "text", "layer", "head", "mask", "off", "editable", "theme", "engine",
];

impl EmbedOptions {
    /// The options in a URL query (the `#/embed` route); unknown keys become problems later.
    pub fn from_query(query: &Query) -> (Self, Vec<String>) {
        let mut options = Self::default();
        let mut problems = Vec::new();
        // A key given twice keeps its last value.
        for (key, value) in query {
            let value = Some(value.clone());
            match key.as_str() {
                "model" => options.model = value,
                "text" => options.text = value,
                "view" => options.view = value,
                "layer" => options.layer = value,
                "head" => options.head = value,
                "mask" => options.mask = value,
                "off" => options.off = value,
                // A flag: present means yes, whatever its value, except `0` and `false`.
                "editable" => {
                    options.editable =
                        !matches!(value.as_deref().map(str::trim), Some("0" | "false"))
                }
                "theme" => options.theme = value,
                "engine" => options.engine = value,
                _ => problems.push(format!("Ignored the unknown parameter “{key}”.")),
            }
        }
        (options, problems)
    }

    /// The options as (name, value) pairs, unset ones left out (`editable` has no value).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        // In [`PARAMETERS`]' order, so a snippet reads the same whichever way it was made.
        let fields = [
            ("model", &self.model),
            ("view", &self.view),
            ("text", &self.text),
            ("layer", &self.layer),
            ("head", &self.head),
            ("mask", &self.mask),
            ("off", &self.off),
        ];
        let mut pairs: Vec<(&'static str, String)> = fields
            .into_iter()
            .filter_map(|(name, value)| Some((name, value.clone()?)))
            .collect();
        // Written bare (`editable`, no value), as an HTML boolean attribute is.
        if self.editable {
            pairs.push(("editable", String::new()));
        }
        for (name, value) in [("theme", &self.theme), ("engine", &self.engine)] {
            if let Some(value) = value {
                pairs.push((name, value.clone()));
            }
        }
        pairs
    }
}

/// What an embed shows, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedSpec {
    /// The model.
    pub model: &'static ModelInfo,
    /// The view.
    pub view: ViewKind,
    /// The sentence.
    pub text: String,
    /// The layer asked for (checked against the model once its maps are known).
    pub layer: usize,
    /// The head asked for (idem).
    pub head: usize,
    /// Masked token positions.
    pub masked: Vec<usize>,
    /// Heads switched off.
    pub heads_off: Vec<(usize, usize)>,
    /// Whether the reader may type.
    pub editable: bool,
    /// Whether the dark theme is used.
    pub dark: bool,
    /// The engine asked for.
    pub engine: EngineChoice,
}

/// Every model an embed may name: the classifiers, the translator and the decoder.
pub fn embeddable(name: &str) -> Option<&'static ModelInfo> {
    catalog::classifier(name)
        .or((name == TRANSLATOR.name).then_some(&TRANSLATOR))
        .or((name == DECODER.name).then_some(&DECODER))
}

/// The names of every model an embed may name, for messages.
fn model_names() -> String {
    let mut names: Vec<&str> = CLASSIFIERS.iter().map(|m| m.name).collect();
    names.extend([TRANSLATOR.name, DECODER.name]);
    names.join(", ")
}

/// A 0-based layer or head from `value`: 0 when unset or blank; 0 and a problem when it is
/// not a number below [`MAX_INDEX`]. The model's own counts are checked later, by the view.
fn index(value: Option<&str>, what: &str, problems: &mut Vec<String>) -> usize {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return 0;
    };
    match value.parse::<usize>() {
        Ok(i) if i < MAX_INDEX => i,
        _ => {
            problems.push(format!(
                "Ignored {what}=“{}”: expected a number from 0 (the first {what}).",
                clip(value)
            ));
            0
        }
    }
}

/// A value quoted in a message, cut to a readable length.
fn clip(value: &str) -> String {
    if value.chars().count() > 40 {
        let head: String = value.chars().take(39).collect();
        format!("{head}…")
    } else {
        value.to_owned()
    }
}

impl EmbedSpec {
    /// Checks `options`: the spec to show, and one sentence per problem found.
    pub fn resolve(options: &EmbedOptions) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        // A brought model's `user-N` resolves too (`catalog::classifier`), but only on the page
        // that brought it; the message lists the shipped names.
        let model = match options.model.as_deref().map(str::trim) {
            None | Some("") => &CLASSIFIERS[0],
            Some(name) => embeddable(name).unwrap_or_else(|| {
                problems.push(format!(
                    "There is no model “{}”; showing {}. Models: {}.",
                    clip(name),
                    CLASSIFIERS[0].name,
                    model_names()
                ));
                &CLASSIFIERS[0]
            }),
        };
        let view = resolve_view(options.view.as_deref(), model, &mut problems);
        let mut text = options
            .text
            .clone()
            .unwrap_or_else(|| model.examples[0].to_owned());
        // Counted and cut in characters, not bytes, so the cut never splits a UTF-8 sequence.
        if text.chars().count() > TEXT_LIMIT {
            text = text.chars().take(TEXT_LIMIT).collect();
            problems.push(format!(
                "The text is longer than {TEXT_LIMIT} characters; the embed uses the first {TEXT_LIMIT}."
            ));
        }
        // One bad item rejects the whole list ([`parse_list`]): an embed never applies part of
        // a mask or of a list of heads. A position past the text's end is harmless.
        let masked = match options.mask.as_deref() {
            None => Vec::new(),
            Some(value) => parse_list(value, |s| {
                s.parse::<usize>().ok().filter(|&p| p < MAX_POSITION)
            })
            .unwrap_or_else(|| {
                problems.push(format!(
                    "Ignored mask=“{}”: expected token positions such as 1,4.",
                    clip(value)
                ));
                Vec::new()
            }),
        };
        let heads_off = match options.off.as_deref() {
            None => Vec::new(),
            Some(value) => parse_list(value, parse_pair).unwrap_or_else(|| {
                problems.push(format!(
                    "Ignored off=“{}”: expected layer.head pairs such as 0.1,1.3.",
                    clip(value)
                ));
                Vec::new()
            }),
        };
        let engine = match options.engine.as_deref().map(str::trim) {
            None | Some("") | Some("auto") => EngineChoice::Auto,
            Some("gpu") => EngineChoice::Gpu,
            Some("cpu") => EngineChoice::Cpu,
            Some(other) => {
                problems.push(format!(
                    "Ignored engine=“{}”: expected auto, gpu or cpu.",
                    clip(other)
                ));
                EngineChoice::Auto
            }
        };
        let spec = Self {
            model,
            view,
            text,
            layer: index(options.layer.as_deref(), "layer", &mut problems),
            head: index(options.head.as_deref(), "head", &mut problems),
            masked,
            heads_off,
            editable: options.editable,
            // Anything but `dark` is light: `auto` was resolved against the host already (by the
            // element, or by `EmbedPage` for the `#/embed` route).
            dark: options.theme.as_deref() == Some("dark"),
            engine,
        };
        (spec, problems)
    }
}

/// The view `name` if it exists and fits `model`; else the model's main view and a problem.
/// Unset or blank is the main view, with no problem.
fn resolve_view(name: Option<&str>, model: &ModelInfo, problems: &mut Vec<String>) -> ViewKind {
    let main = main_view(model);
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return main;
    };
    match ViewKind::parse(name) {
        Some(view) if fits(view, model) => view,
        Some(view) => {
            problems.push(format!(
                "The {} view does not fit {} ({}); showing the {} view.",
                view.name(),
                model.name,
                model.task,
                main.name()
            ));
            main
        }
        None => {
            let names: Vec<&str> = VIEWS.iter().map(|v| v.name()).collect();
            problems.push(format!(
                "There is no view “{}”; showing the {} view. Views: {}.",
                clip(name),
                main.name(),
                names.join(", ")
            ));
            main
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(pairs: &[(&str, &str)]) -> EmbedOptions {
        let query: Query = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (options, problems) = EmbedOptions::from_query(&query);
        assert!(problems.is_empty(), "{problems:?}");
        options
    }

    #[test]
    fn defaults_are_the_first_model_and_its_main_view() {
        let (spec, problems) = EmbedSpec::resolve(&EmbedOptions::default());
        assert!(problems.is_empty());
        assert_eq!(spec.model.name, "sentiment-transformer");
        assert_eq!(spec.view, ViewKind::Heatmap);
        assert_eq!(spec.text, spec.model.examples[0]);
        assert_eq!(spec.engine, EngineChoice::Auto);
        for (model, view) in [
            ("sentiment-bilstm", ViewKind::Pooling),
            ("translate-en-es", ViewKind::Alignment),
        ] {
            let (spec, _) = EmbedSpec::resolve(&options(&[("model", model)]));
            assert_eq!(spec.view, view, "{model}");
        }
    }

    #[test]
    fn every_option_is_read() {
        let o = options(&[
            ("model", "topic-transformer"),
            ("view", "rollout"),
            ("text", "a <b>c</b>"),
            ("layer", "1"),
            ("head", "3"),
            ("mask", "2,0"),
            ("off", "0.1,1.2"),
            ("editable", ""),
            ("theme", "dark"),
            ("engine", "cpu"),
        ]);
        let (spec, problems) = EmbedSpec::resolve(&o);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            (spec.model.name, spec.view, spec.text.as_str()),
            ("topic-transformer", ViewKind::Rollout, "a <b>c</b>")
        );
        assert_eq!((spec.layer, spec.head), (1, 3));
        assert_eq!(spec.masked, vec![2, 0]);
        assert_eq!(spec.heads_off, vec![(0, 1), (1, 2)]);
        assert!(spec.editable && spec.dark);
        assert_eq!(spec.engine, EngineChoice::Cpu);
        assert_eq!(o.pairs().len(), 10);
    }

    #[test]
    fn bad_options_give_sentences_and_a_sensible_view() {
        let long = "x".repeat(TEXT_LIMIT + 5);
        let o = options(&[
            ("model", "gpt-9"),
            ("view", "sankey"),
            ("layer", "-1"),
            ("head", "many"),
            ("mask", "1,<script>"),
            ("off", "9"),
            ("engine", "tpu"),
            ("text", &long),
        ]);
        let (spec, problems) = EmbedSpec::resolve(&o);
        assert_eq!(problems.len(), 8, "{problems:#?}");
        assert!(problems[0].contains("no model “gpt-9”"), "{}", problems[0]);
        assert_eq!(spec.model.name, "sentiment-transformer");
        assert_eq!(spec.view, ViewKind::Heatmap);
        assert_eq!((spec.layer, spec.head), (0, 0));
        assert!(spec.masked.is_empty() && spec.heads_off.is_empty());
        assert_eq!(spec.text.chars().count(), TEXT_LIMIT);
        // A view of the wrong architecture falls back to the model's own.
        let (spec, problems) = EmbedSpec::resolve(&options(&[
            ("model", "sentiment-bilstm"),
            ("view", "model"),
        ]));
        assert_eq!(spec.view, ViewKind::Pooling);
        assert_eq!(problems.len(), 1);
        let (_, unknown) = EmbedOptions::from_query(&vec![("zzz".into(), "1".into())]);
        assert_eq!(unknown.len(), 1);
    }

    #[test]
    fn every_view_fits_some_model_and_names_round_trip() {
        let mut models: Vec<&ModelInfo> = CLASSIFIERS.iter().collect();
        models.extend([&TRANSLATOR, &DECODER]);
        for view in VIEWS {
            assert_eq!(ViewKind::parse(view.name()), Some(view));
            assert!(models.iter().any(|m| fits(view, m)), "{view:?}");
        }
    }
}
