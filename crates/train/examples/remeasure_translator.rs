//! Measures the shipped translator folder again through attnscope-core, without training:
//! its dev and test BLEU (the card's f16 rows) and its fidelity fixture, after a change to
//! how core decodes. `attnscope-train` writes both when it trains; this is for a folder
//! that stays as it is.
//!
//! `cargo run --release -p attnscope-train --example remeasure_translator -- DATA [FOLDER] [FIXTURE]`

use attnscope_train::data::translation;
use attnscope_train::run::{core_bleu, translator_fixture};
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(
        args.next()
            .expect("the data folder (scripts/fetch-data.sh)"),
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let folder = args.next().map_or_else(
        || root.join("../../assets/models/translate-en-es"),
        PathBuf::from,
    );
    let fixture = args.next().map_or_else(
        || root.join("tests/fixtures/translate-en-es.json"),
        PathBuf::from,
    );
    let pairs = translation::load(&data).expect("the translation data loads");
    let test = core_bleu(&folder, &pairs.test).expect("test BLEU");
    let dev = core_bleu(&folder, &pairs.dev).expect("dev BLEU");
    println!(
        "test BLEU, all references (lower-cased, f16): {:.2}",
        test.all_references
    );
    println!(
        "test BLEU, first reference only (f16): {:.2}",
        test.first_reference
    );
    println!("test BLEU, cased (f16): {:.2}", test.cased);
    println!(
        "dev BLEU, all references / first reference (f16): {:.2} / {:.2}",
        dev.all_references, dev.first_reference
    );
    let json = translator_fixture(&folder, &pairs.test).expect("the fixture");
    std::fs::write(&fixture, json.to_string()).expect("the fixture is written");
    println!("fixture: {}", fixture.display());
}
