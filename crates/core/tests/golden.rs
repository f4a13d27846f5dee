//! The CPU reference equals PyTorch on committed golden fixtures.
//!
//! The fixtures (tests/fixtures/*.safetensors) were written by tools/golden/make_fixtures.py
//! with PyTorch 2.11, computing in float64: they are the exact answer, and our f32 results
//! must be within |got − want| ≤ 1e-5·(1 + |want|) (absolute + relative, as llm.c checks).
//! Each file holds the model's weights, config and cases (metadata), `input.*` and
//! `expected.*`; cases cover T = 1, several lengths, rows of a padded batch, and
//! interventions (masked tokens, heads off, temperature).

use attnscope_core::bilstm::BiLstmAttentionClassifier;
use attnscope_core::config::ModelConfig;
use attnscope_core::decoder::TransformerDecoderLm;
use attnscope_core::seq2seq::Seq2SeqAttention;
use attnscope_core::trace::Interventions;
use attnscope_core::transformer::TransformerEncoderClassifier;
use attnscope_core::weights::{metadata, WeightStore};
use serde_json::Value;

const TOLERANCE: f32 = 1e-5;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}.safetensors",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn assert_close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= TOLERANCE * (1.0 + w.abs()),
            "{what}[{i}]: got {g}, PyTorch {w} (diff {:e})",
            (g - w).abs()
        );
    }
}

struct Fixture {
    bytes: Vec<u8>,
    config: ModelConfig,
    cases: Vec<Value>,
}

impl Fixture {
    fn open(name: &str) -> Self {
        let bytes = fixture(name);
        let meta = metadata(&bytes).unwrap();
        Self {
            config: ModelConfig::from_json(&meta["config"]).unwrap(),
            cases: serde_json::from_str(&meta["cases"]).unwrap(),
            bytes,
        }
    }
}

fn interventions(case: &Value) -> Interventions {
    let list = |key: &str| {
        case.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    Interventions {
        masked_tokens: list("masked_tokens")
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect(),
        heads_off: list("heads_off")
            .iter()
            .map(|p| {
                (
                    p[0].as_u64().unwrap() as usize,
                    p[1].as_u64().unwrap() as usize,
                )
            })
            .collect(),
        temperature: case
            .get("temperature")
            .and_then(Value::as_f64)
            .unwrap_or(1.0) as f32,
        inspect: Some((0, 0)),
        // The fixtures are PyTorch's own forwards: no reader edits.
        edits: Vec::new(),
    }
}

fn ids(store: &WeightStore<'_>, case: &str) -> Vec<u32> {
    store
        .integers(&format!("input.{case}.ids"))
        .unwrap()
        .into_iter()
        .map(|v| v as u32)
        .collect()
}

fn expected(store: &WeightStore<'_>, case: &str, what: &str) -> Vec<f32> {
    let name = format!("expected.{case}.{what}");
    let shape = store.shape(&name).unwrap_or_else(|| panic!("{name}"));
    store.tensor(&name, &shape).unwrap()
}

fn check_transformer(name: &str) {
    let f = Fixture::open(name);
    let store = WeightStore::parse(&f.bytes).unwrap();
    let ModelConfig::TransformerEncoderClassifier(config) = f.config else {
        panic!("{name} is not a Transformer")
    };
    let causal = config.causal;
    let model = TransformerEncoderClassifier::load(config, &store).unwrap();
    for case in &f.cases {
        let case_name = case["name"].as_str().unwrap();
        let out = model
            .forward(&ids(&store, case_name), &interventions(case))
            .unwrap();
        let what = |part: &str| format!("{name}/{case_name}/{part}");
        assert_close(
            &what("logits"),
            &out.classification.logits,
            &expected(&store, case_name, "logits"),
        );
        assert_close(
            &what("attention"),
            &out.attention.weights,
            &expected(&store, case_name, "attention"),
        );
        if causal {
            // The look-ahead mask: no query sees a later key, exactly (not merely ≈ 0).
            let t = out.attention.len;
            for (n, w) in out.attention.weights.iter().enumerate() {
                let (i, j) = ((n / t) % t, n % t);
                assert!(
                    j <= i || *w == 0.0,
                    "{name}/{case_name}: weight {w} at ({i}, {j})"
                );
            }
        }
        let detail = out.detail.expect("inspected head");
        assert_close(
            &what("scores"),
            detail.scores.as_slice(),
            &expected(&store, case_name, "scores_l0h0"),
        );
    }
}

#[test]
fn transformer_post_norm_gelu_cls_equals_pytorch() {
    check_transformer("transformer_post_gelu_cls");
}

#[test]
fn transformer_pre_norm_relu_mean_equals_pytorch() {
    check_transformer("transformer_pre_relu_mean");
}

#[test]
fn decoder_lm_equals_pytorch_at_every_position() {
    // The decoder's maps, the inspected head's scores and the logits after every position
    // (E·x_p, tied) — the last row through the forward's candidates, every other row
    // through `logits` on the forward's hidden state.
    let name = "decoder_lm";
    let f = Fixture::open(name);
    let store = WeightStore::parse(&f.bytes).unwrap();
    let ModelConfig::TransformerDecoderLm(config) = f.config else {
        panic!("{name} is not a decoder")
    };
    let vocab = config.vocab_size;
    let model = TransformerDecoderLm::load(config, &store).unwrap();
    for case in &f.cases {
        let case_name = case["name"].as_str().unwrap();
        let out = model
            .forward(&ids(&store, case_name), &interventions(case))
            .unwrap();
        let what = |part: &str| format!("{name}/{case_name}/{part}");
        let want = expected(&store, case_name, "logits");
        let got: Vec<f32> = (0..out.hidden.rows())
            .flat_map(|p| model.logits(out.hidden.row(p)))
            .collect();
        assert_close(&what("logits"), &got, &want);
        assert_close(
            &what("attention"),
            &out.attention.weights,
            &expected(&store, case_name, "attention"),
        );
        let detail = out.detail.expect("inspected head");
        assert_close(
            &what("scores"),
            detail.scores.as_slice(),
            &expected(&store, case_name, "scores_l0h0"),
        );
        // The best candidate is PyTorch's argmax after the last position.
        let last = &want[want.len() - vocab..];
        let best = (0..vocab)
            .max_by(|&a, &b| last[a].total_cmp(&last[b]))
            .unwrap();
        assert_eq!(out.next[0].0 as usize, best, "{}", what("next token"));
    }
}

#[test]
fn causal_transformer_equals_pytorch_with_the_look_ahead_mask() {
    check_transformer("transformer_pre_gelu_causal");
}

#[test]
fn bilstm_attention_equals_pytorch() {
    let f = Fixture::open("bilstm_attention");
    let store = WeightStore::parse(&f.bytes).unwrap();
    let ModelConfig::BiLstmAttentionClassifier(config) = f.config else {
        panic!("not a BiLSTM")
    };
    let model = BiLstmAttentionClassifier::load(config, &store).unwrap();
    for case in &f.cases {
        let case_name = case["name"].as_str().unwrap();
        let out = model
            .forward(&ids(&store, case_name), &interventions(case))
            .unwrap();
        assert_close(
            &format!("{case_name}/logits"),
            &out.classification.logits,
            &expected(&store, case_name, "logits"),
        );
        assert_close(
            &format!("{case_name}/pooling"),
            &out.pooling,
            &expected(&store, case_name, "pooling"),
        );
        assert_close(
            &format!("{case_name}/states"),
            out.states.as_slice(),
            &expected(&store, case_name, "states"),
        );
    }
}

#[test]
fn seq2seq_greedy_decoding_equals_pytorch() {
    check_seq2seq("seq2seq_bahdanau");
}

#[test]
fn seq2seq_with_attentional_hidden_and_tied_output_equals_pytorch() {
    check_seq2seq("seq2seq_luong_tied");
}

fn check_seq2seq(name: &str) {
    let f = Fixture::open(name);
    let store = WeightStore::parse(&f.bytes).unwrap();
    let ModelConfig::Seq2SeqAttention(config) = f.config else {
        panic!("not a seq2seq")
    };
    let model = Seq2SeqAttention::load(config, &store).unwrap();
    for case in &f.cases {
        let case_name = case["name"].as_str().unwrap();
        let out = model
            .forward(&ids(&store, case_name), &interventions(case))
            .unwrap();
        let tokens: Vec<u32> = expected(&store, case_name, "tokens")
            .iter()
            .map(|&t| t as u32)
            .collect();
        assert_eq!(out.decoding.ids, tokens, "{case_name}: tokens");
        assert_close(
            &format!("{case_name}/cross_attention"),
            out.decoding.cross_attention.as_slice(),
            &expected(&store, case_name, "cross_attention"),
        );
        assert_close(
            &format!("{case_name}/step_logits"),
            out.step_logits.as_slice(),
            &expected(&store, case_name, "step_logits"),
        );
    }
}
