//! The models the page ships (folders under `assets/models/`), with example sentences.

/// One shipped classifier.
#[derive(Debug, PartialEq, Eq)]
pub struct ModelInfo {
    /// The folder name under `assets/models/`, also the `model=` URL value.
    pub name: &'static str,
    /// The picker's label.
    pub label: &'static str,
    /// What the model predicts.
    pub task: &'static str,
    /// Whether it is a Transformer (else a BiLSTM).
    pub transformer: bool,
    /// The other architecture trained on the same data (compare mode).
    pub partner: &'static str,
    /// Example sentences offered as chips.
    pub examples: &'static [&'static str],
}

/// The sentiment models' example chips, shared by both architectures of the task.
const SENTIMENT_EXAMPLES: &[&str] = &[
    "the acting is wonderful but the plot is a mess",
    "not bad at all",
    "a dull, lifeless film that never finds its heart",
    "one of the most moving stories i have seen in years",
];

/// The news-topic models' example chips, shared by both architectures of the task.
const TOPIC_EXAMPLES: &[&str] = &[
    "the bank raised interest rates as oil prices climbed",
    "the striker scored twice in the final minutes of the match",
    "the new phone ships with a faster chip and a better camera",
    "the minister said the election would be held in may",
];

/// Every classifier the live page offers, in picker order.
pub const CLASSIFIERS: &[ModelInfo] = &[
    ModelInfo {
        name: "sentiment-transformer",
        label: "Sentiment · Transformer",
        task: "sentiment",
        transformer: true,
        partner: "sentiment-bilstm",
        examples: SENTIMENT_EXAMPLES,
    },
    ModelInfo {
        name: "sentiment-bilstm",
        label: "Sentiment · BiLSTM",
        task: "sentiment",
        transformer: false,
        partner: "sentiment-transformer",
        examples: SENTIMENT_EXAMPLES,
    },
    ModelInfo {
        name: "topic-transformer",
        label: "News topic · Transformer",
        task: "topic",
        transformer: true,
        partner: "topic-bilstm",
        examples: TOPIC_EXAMPLES,
    },
    ModelInfo {
        name: "topic-bilstm",
        label: "News topic · BiLSTM",
        task: "topic",
        transformer: false,
        partner: "topic-transformer",
        examples: TOPIC_EXAMPLES,
    },
];

/// The shipped decoder-only language model (`assets/models/story-decoder`): a GPT-style
/// Transformer that predicts the next token under the look-ahead mask (`#/generate`).
pub const DECODER: ModelInfo = ModelInfo {
    name: "story-decoder",
    label: "Next token · decoder",
    task: "generation",
    transformer: true,
    partner: "",
    examples: &[
        "the film is a",
        "the government said it would",
        "i think this movie",
        "she opened the door and",
    ],
};

/// The English → Spanish translator of the translation page. The first example is the source
/// documents'; the others flip adjective–noun order, so the alignment shows crossings.
pub const TRANSLATOR: ModelInfo = ModelInfo {
    name: "translate-en-es",
    label: "English → Spanish",
    task: "translation",
    transformer: false,
    partner: "",
    examples: &[
        "I love Python",
        "the red car is fast",
        "she has a white cat",
        "we live in a big house",
        "where is the old church?",
    ],
};

/// The classifier named `name`: one the page ships, or one the visitor brought
/// (`crate::engine::user`).
pub fn classifier(name: &str) -> Option<&'static ModelInfo> {
    // Shipped names first; a brought model is always `user-N`, never a shipped folder's name.
    CLASSIFIERS
        .iter()
        .find(|m| m.name == name)
        .or_else(|| super::user::models().into_iter().find(|m| m.name == name))
}

/// Every model the step-through offers: the shipped classifiers, the decoder, then the
/// classifiers the visitor brought.
pub fn steppable() -> Vec<&'static ModelInfo> {
    CLASSIFIERS
        .iter()
        .chain([&DECODER])
        .chain(super::user::models())
        .collect()
}

/// The model the step-through's `model=` names: a classifier (shipped or brought) or the
/// decoder.
pub fn steppable_named(name: &str) -> Option<&'static ModelInfo> {
    classifier(name).or((name == DECODER.name).then_some(&DECODER))
}

/// Every classifier a picker offers: the shipped ones, then those the visitor brought.
pub fn pickable() -> Vec<&'static ModelInfo> {
    CLASSIFIERS.iter().chain(super::user::models()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partners_are_shipped_and_of_the_other_architecture() {
        for info in CLASSIFIERS {
            let partner = classifier(info.partner).expect("partner is listed");
            assert_eq!(partner.task, info.task);
            assert_ne!(partner.transformer, info.transformer);
            assert_eq!(partner.partner, info.name);
        }
    }

    #[test]
    fn every_listed_folder_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/models");
        for info in CLASSIFIERS.iter().chain([&TRANSLATOR, &DECODER]) {
            assert!(
                root.join(info.name).join("config.json").exists(),
                "{}",
                info.name
            );
        }
    }

    /// `www/prefetch.js` starts the opening route's model before the wasm runs, from its own
    /// copy of this list: the same names in the same order (the first is the default).
    #[test]
    fn the_prefetch_module_lists_the_shipped_models_in_picker_order() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/prefetch.js");
        let source = std::fs::read_to_string(path).expect("www/prefetch.js");
        let line = source
            .lines()
            .find(|l| l.starts_with("const SHIPPED = ["))
            .expect("a SHIPPED list");
        let listed: Vec<&str> = line.split('\'').skip(1).step_by(2).collect();
        let shipped: Vec<&str> = CLASSIFIERS.iter().map(|m| m.name).collect();
        assert_eq!(listed, shipped);
        assert!(source.contains(&format!("assets/models/{}/", TRANSLATOR.name)));
    }
}
