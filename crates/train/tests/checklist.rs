//! The sentiment demo checklist (crates/train/checklists/sentiment.tsv) against the shipped
//! sentiment folders, run by attnscope-core as the page runs them.
//!
//! Issue 16's targets are a checklist accuracy ≥ 0.90 for both models and, for the BiLSTM's
//! attention pooling, a median (largest weight × T) ≥ 3 with the top-weighted token in a
//! marked word for ≥ 70 % of the sentences. The pooling targets are met and held here; the
//! accuracy is not yet (see the cards), so this test holds the distilled models' floor
//! instead: a model that regresses towards the older ones (0.66 and a flat 1.04 before the
//! distillation, 0.848 before the negation copies; the Transformer 0.824 before its
//! masked-LM pretraining) fails.

use attnscope_core::Model;
use attnscope_train::checklist::{self, Item, Report};
use std::path::PathBuf;

fn items() -> Vec<Item> {
    let tsv = include_str!("../checklists/sentiment.tsv");
    checklist::parse(tsv, &["negative", "positive"]).expect("the checklist parses")
}

fn report(name: &str) -> Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/models")
        .join(name);
    let model = Model::from_dir(&dir).expect("shipped folder");
    let report = checklist::evaluate(&model, &items()).expect("every sentence runs");
    println!("{name}:\n{}", report.markdown());
    report
}

#[test]
fn the_checklist_has_150_sentences_of_both_labels_and_every_capability() {
    let items = items();
    assert!(items.len() >= 150, "{} sentences", items.len());
    for label in 0..2 {
        assert!(items.iter().filter(|i| i.label == label).count() >= 70);
    }
    for capability in ["negation", "contrast", "intensifier", "idiom", "topic"] {
        assert!(
            items.iter().filter(|i| i.capability == capability).count() >= 20,
            "{capability}"
        );
    }
}

#[test]
fn the_sentiment_bilstm_attends_to_the_words_that_carry_the_sentiment() {
    let report = report("sentiment-bilstm");
    let top = report
        .top_on_carrier()
        .expect("a BiLSTM reports its pooling");
    assert!(
        top >= 0.70,
        "top-weighted token on a marked word for {top:.2}"
    );
    let peak = report.median_peak_ratio().expect("pooling");
    assert!(
        peak >= 3.0,
        "median largest weight × T {peak:.2} (target 3)"
    );
    assert!(
        report.accuracy() >= 0.87,
        "accuracy {:.3}",
        report.accuracy()
    );
}

#[test]
fn the_sentiment_transformer_holds_its_distilled_floor() {
    // 0.861 with masked-LM pretraining before the distillation; 0.824 without.
    let report = report("sentiment-transformer");
    assert!(
        report.accuracy() >= 0.85,
        "accuracy {:.3}",
        report.accuracy()
    );
}

/// The translator's output for `source`, as words without punctuation.
fn translated_words(model: &Model, source: &str) -> (String, Vec<String>) {
    let trace = model
        .run(source, &attnscope_core::Interventions::default())
        .expect("translates");
    let attnscope_core::trace::Output::Translation { text, .. } = trace.output else {
        panic!("not a translation")
    };
    let words = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
        .filter(|w| !w.is_empty())
        .collect();
    (text, words)
}

fn repeats_a_word(words: &[String]) -> bool {
    words.windows(2).any(|w| w[0] == w[1])
}

/// Issue 16: the translator never writes a word twice in a row on the page's examples
/// (src/engine/catalog.rs) nor on the 50 simple sentences of checklists/translation.txt. The
/// network alone still ended 5 of the 50 on a repeat ("ciudad ciudad."; 12 before the
/// LSTM-bias fix); greedy decoding now skips the token just written (`ops::argmax_skipping`).
#[test]
fn the_translator_does_not_stutter_on_the_page_examples() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/models/translate-en-es");
    let model = Model::from_dir(&dir).expect("shipped translator");
    let examples = [
        "I love Python",
        "the red car is fast",
        "she has a white cat",
        "we live in a big house",
        "where is the old church?",
    ];
    for source in examples {
        let (text, words) = translated_words(&model, source);
        assert!(!repeats_a_word(&words), "{source:?} → {text:?}");
    }
    let simple: Vec<&str> = include_str!("../checklists/translation.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(simple.len(), 50);
    let stutters: Vec<String> = simple
        .iter()
        .filter_map(|source| {
            let (text, words) = translated_words(&model, source);
            repeats_a_word(&words).then(|| format!("{source} → {text}"))
        })
        .collect();
    println!(
        "{} of 50 with a word written twice in a row: {stutters:#?}",
        stutters.len()
    );
    assert!(stutters.is_empty(), "{stutters:#?}");
}
