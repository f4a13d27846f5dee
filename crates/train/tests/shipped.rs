//! The shipped model folders: all five present, each with its four files (the translator with
//! its Spanish tokenizer too), a card that states what the task requires, and together within
//! the 15 MB budget.

use attnscope_train::models::SHIPPED;
use std::path::PathBuf;

/// All five folders together, in bytes.
const BUDGET: u64 = 15_000_000;

fn folder(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/models")
        .join(name)
}

#[test]
fn every_folder_has_its_files_and_all_fit_the_budget() {
    let mut total = 0;
    for name in SHIPPED.map(|m| m.name) {
        let mut files = vec![
            "config.json",
            "model.safetensors",
            "tokenizer.json",
            "MODEL_CARD.md",
        ];
        if name.starts_with("translate") {
            files.push("target_tokenizer.json");
        }
        for file in files {
            let path = folder(name).join(file);
            let size = std::fs::metadata(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .len();
            assert!(size > 0, "{} is empty", path.display());
        }
        for entry in std::fs::read_dir(folder(name)).expect("model folder") {
            total += entry.expect("entry").metadata().expect("metadata").len();
        }
    }
    assert!(
        total <= BUDGET,
        "the five folders take {total} bytes, over {BUDGET}"
    );
}

#[test]
fn every_card_states_data_terms_splits_metrics_target_and_how_to_reproduce() {
    for name in SHIPPED.map(|m| m.name) {
        let card = std::fs::read_to_string(folder(name).join("MODEL_CARD.md")).expect("card");
        for needed in [
            "## Data",
            "Terms:",
            "Split (fixed seed, 80/10/10)",
            "## Results",
            "## Against the target",
            "Tried",
            "Parameters:",
            "optimiser steps in",
            "Reproduce: `bash scripts/retrain.sh`",
        ] {
            assert!(card.contains(needed), "{name}'s card lacks {needed:?}");
        }
        if !name.starts_with("translate") {
            assert!(
                card.contains("confusion matrix"),
                "{name}'s card lacks its confusion matrix"
            );
            assert!(
                card.contains("Naive Bayes"),
                "{name}'s card lacks its baseline"
            );
        }
    }
}
