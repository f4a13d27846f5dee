//! Fidelity: attnscope-core, loading each shipped folder in assets/models/, computes the
//! logits candle computed from the same weights when the model was trained (committed in
//! tests/fixtures/<model>.json: 100 test-split inputs each), within 1e-4 absolute + relative.
//! The translator's greedy decodings must also produce the same tokens, and its step logits
//! agree at every 50th vocabulary id and at the generated ids.

use attnscope_core::model::NetworkOutput;
use attnscope_core::{Interventions, Model};
use serde_json::Value;
use std::path::PathBuf;

const TOLERANCE: f32 = 1e-4;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> Vec<Value> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).expect("fixture JSON");
    json["cases"].as_array().expect("cases").clone()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number") as f32)
        .collect()
}

fn assert_close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= TOLERANCE * (1.0 + w.abs()),
            "{what}[{i}]: core {g} vs candle {w}"
        );
    }
}

fn check_classifier(name: &str) {
    let model = Model::from_dir(&root().join("assets/models").join(name)).expect("model folder");
    let cases = fixture(name);
    assert_eq!(cases.len(), 100, "{name}: 100 committed examples");
    for (i, case) in cases.iter().enumerate() {
        let text = case["text"].as_str().expect("text");
        let trace = model.run(text, &Interventions::default()).expect("runs");
        let ids: Vec<u64> = trace.tokens.iter().map(|t| t.id as u64).collect();
        let want_ids: Vec<u64> = case["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(ids, want_ids, "{name} #{i}: token ids");
        let attnscope_core::trace::Output::Classification(c) = trace.output else {
            panic!("{name}: not a classification")
        };
        assert_close(
            &format!("{name} #{i} logits"),
            &c.logits,
            &floats(&case["logits"]),
        );
    }
}

#[test]
fn sentiment_transformer_equals_candle() {
    check_classifier("sentiment-transformer");
}

#[test]
fn sentiment_bilstm_equals_candle() {
    check_classifier("sentiment-bilstm");
}

#[test]
fn topic_transformer_equals_candle() {
    check_classifier("topic-transformer");
}

#[test]
fn topic_bilstm_equals_candle() {
    check_classifier("topic-bilstm");
}

#[test]
fn translator_equals_candle() {
    let name = "translate-en-es";
    let model = Model::from_dir(&root().join("assets/models").join(name)).expect("model folder");
    let cases = fixture(name);
    assert_eq!(cases.len(), 100, "{name}: 100 committed examples");
    for (i, case) in cases.iter().enumerate() {
        let src: Vec<u32> = case["src"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        let NetworkOutput::Seq2Seq(out) = model
            .network
            .forward(&src, &Interventions::default())
            .expect("runs")
        else {
            panic!("not a translator")
        };
        let want: Vec<u32> = case["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(out.decoding.ids, want, "{name} #{i}: decoded tokens");
        let checked: Vec<usize> = case["checked_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        for (step, want) in case["step_logits"].as_array().unwrap().iter().enumerate() {
            let row = out.step_logits.row(step);
            let got: Vec<f32> = checked.iter().map(|&id| row[id]).collect();
            assert_close(
                &format!("{name} #{i} step {step} logits"),
                &got,
                &floats(want),
            );
        }
    }
}
