//! Prints the sentiment checklist's report for model folders:
//! `cargo run --release -p attnscope-train --example checklist -- assets/models/sentiment-bilstm …`

use attnscope_core::Model;
use attnscope_train::checklist;

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let tsv = std::fs::read_to_string(format!("{root}/checklists/sentiment.tsv"))
        .expect("the checklist is committed");
    let items = checklist::parse(&tsv, &["negative", "positive"]).expect("the checklist parses");
    for dir in std::env::args().skip(1) {
        let model = Model::from_dir(std::path::Path::new(&dir)).expect("a model folder");
        let report = checklist::evaluate(&model, &items).expect("every sentence runs");
        println!("## {dir}\n\n{}", report.markdown());
    }
}
