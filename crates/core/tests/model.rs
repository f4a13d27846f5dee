//! Model folders: loading from bytes, running on text, and every kind of malformed folder
//! giving a typed error that names what is wrong.

mod common;

use attnscope_core::config::ModelConfig;
use attnscope_core::trace::{Attention, Output};
use attnscope_core::{Interventions, Model, ModelError, ModelFiles};
use common::*;

fn load(config: &ModelConfig, weights: &[u8], tokenizer: &str) -> Result<Model, ModelError> {
    let target = tokenizer_json(WORDS);
    Model::from_files(ModelFiles {
        config: &config_json(config),
        weights,
        tokenizer,
        target_tokenizer: Some(&target),
    })
}

fn model(config: ModelConfig) -> Model {
    let weights = safetensors_bytes(&random_weights(&config, 1, 0.5));
    load(&config, &weights, &tokenizer_json(WORDS)).unwrap()
}

#[test]
fn every_loader_accepts_exactly_its_manifest() {
    for config in [
        transformer_config(false, 32),
        transformer_config(true, 32),
        bilstm_config(),
        seq2seq_config(),
        decoder_config(32),
    ] {
        model(config.clone());
        // Drop any one tensor: the error names it.
        let weights = random_weights(&config, 1, 0.5);
        for skip in 0..weights.len() {
            let partial: Vec<_> = weights
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, t)| t.clone())
                .collect();
            let error = load(
                &config,
                &safetensors_bytes(&partial),
                &tokenizer_json(WORDS),
            )
            .unwrap_err();
            assert_eq!(error, ModelError::MissingTensor(weights[skip].0.clone()));
        }
    }
}

#[test]
fn a_transformer_trace_has_tokens_spans_probabilities_and_every_map() {
    let model = model(transformer_config(false, 32));
    let text = "I love Python!";
    let trace = model
        .run(
            text,
            &Interventions {
                inspect: Some((1, 2)),
                ..Default::default()
            },
        )
        .unwrap();
    let words: Vec<&str> = trace.tokens.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(words, ["[CLS]", "i", "love", "python", "!", "[SEP]"]);
    assert!(trace.tokens[0].special && !trace.tokens[1].special);
    for t in trace.tokens.iter().filter(|t| !t.special) {
        assert_eq!(text[t.start..t.end].to_lowercase(), t.text);
    }
    let Output::Classification(c) = &trace.output else {
        panic!("classification")
    };
    assert_eq!(c.labels, ["negative", "positive"]);
    assert!((c.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    let Attention::SelfAttention(a) = &trace.attention else {
        panic!("self-attention")
    };
    assert_eq!(
        (a.layers, a.heads, a.len, a.weights.len()),
        (2, 4, 6, 2 * 4 * 36)
    );
    let detail = trace.detail.as_ref().expect("inspected head");
    assert_eq!(
        (
            detail.layer,
            detail.head,
            detail.q.rows(),
            detail.q.cols(),
            detail.scores.cols()
        ),
        (1, 2, 6, 4, 6)
    );
    assert!(!trace.truncated);
    // Serde round trip: the trace is what the CLI prints and the app reads.
    let json = serde_json::to_string(&trace).unwrap();
    assert_eq!(
        serde_json::from_str::<attnscope_core::Trace>(&json).unwrap(),
        trace
    );
}

#[test]
fn bilstm_and_translator_traces() {
    let bilstm = model(bilstm_config());
    let trace = bilstm
        .run("the plot was awful", &Interventions::default())
        .unwrap();
    let Attention::Pooling { weights } = &trace.attention else {
        panic!("pooling")
    };
    assert_eq!(weights.len(), trace.tokens.len());
    assert!((weights.iter().sum::<f32>() - 1.0).abs() < 1e-5);

    let translator = model(seq2seq_config());
    let trace = translator
        .run("I love Python", &Interventions::default())
        .unwrap();
    let Output::Translation {
        decoding, tokens, ..
    } = &trace.output
    else {
        panic!("translation")
    };
    assert_eq!(tokens.len(), decoding.ids.len());
    assert!(!decoding.ids.is_empty() && decoding.ids.len() <= 10);
    let Attention::Cross { weights } = &trace.attention else {
        panic!("cross-attention")
    };
    assert_eq!(weights.rows(), decoding.ids.len());
    assert_eq!(weights.cols(), trace.tokens.len());
    assert!(decoding
        .candidates
        .iter()
        .all(|k| k.len() == 5 && k[0].probability >= k[4].probability));
    // Candidates are named by the target vocabulary; the chosen token is the first one that
    // is not the token just written (the start token at the first step).
    let ModelConfig::Seq2SeqAttention(config) = seq2seq_config() else {
        panic!("a seq2seq config")
    };
    let mut previous = config.bos_id;
    for (step, &id) in decoding.candidates.iter().zip(&decoding.ids) {
        let chosen = step.iter().find(|c| c.id != previous).expect("a candidate");
        assert_eq!(chosen.id, id);
        assert_eq!(
            Some(chosen.token.as_str()),
            translator.target_tokenizer.as_ref().unwrap().token(id)
        );
        previous = id;
    }
}

#[test]
fn empty_long_and_strange_text() {
    let model = model(transformer_config(true, 8));
    for blank in ["", "   ", "\n\t"] {
        let trace = model.run(blank, &Interventions::default()).unwrap();
        assert!(trace.tokens.is_empty() && trace.output == Output::None && trace.message.is_some());
    }
    let long = "the movie was not bad ".repeat(500);
    let trace = model.run(&long, &Interventions::default()).unwrap();
    assert!(trace.truncated);
    assert_eq!(trace.tokens.len(), 8);
    assert_eq!(trace.original_token_count, 2 + 5 * 500);
    assert_eq!(trace.tokens.last().unwrap().text, "[SEP]");
    for text in [
        "🙂👩‍💻 zürich",
        "مرحبا بالعالم",
        "a\u{0301}\u{0302}",
        "\u{0007}\u{200b}x",
        "<script>alert(1)</script>",
        "xyzzy qwerty",
    ] {
        let trace = model.run(text, &Interventions::default()).unwrap();
        for t in &trace.tokens {
            assert!(
                text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
                "{text:?}"
            );
        }
        if text == "xyzzy qwerty" {
            assert_eq!(trace.tokens.iter().filter(|t| t.text == "[UNK]").count(), 2);
        }
    }
}

fn error_for(config: &ModelConfig, weights: &[u8]) -> ModelError {
    load(config, weights, &tokenizer_json(WORDS)).unwrap_err()
}

/// A valid small Transformer folder's config and weights (as tensors and as a file).
fn good_folder() -> (ModelConfig, Tensors, Vec<u8>) {
    let config = transformer_config(false, 32);
    let good = random_weights(&config, 3, 0.5);
    let bytes = safetensors_bytes(&good);
    (config, good, bytes)
}

#[test]
fn malformed_weights_give_typed_errors() {
    let (config, good, bytes) = good_folder();

    // Wrong shape (a config/weights disagreement).
    let mut wrong = good.clone();
    wrong[0].1 = vec![5 + WORDS.len(), 15];
    wrong[0].2.truncate((5 + WORDS.len()) * 15);
    assert!(
        matches!(error_for(&config, &safetensors_bytes(&wrong)), ModelError::ShapeMismatch { name, .. } if name == "embedding.weight")
    );

    // NaN weights.
    let mut nan = good.clone();
    nan[3].2[0] = f32::NAN;
    assert_eq!(
        error_for(&config, &safetensors_bytes(&nan)),
        ModelError::NonFinite(good[3].0.clone())
    );

    // A truncated file.
    assert!(matches!(
        error_for(&config, &bytes[..bytes.len() - 10]),
        ModelError::Safetensors(_)
    ));
    assert!(matches!(
        error_for(&config, &bytes[..5]),
        ModelError::Safetensors(_)
    ));

    // A header claiming gigabytes: refused before anything is allocated.
    let mut huge = bytes.clone();
    huge[..8].copy_from_slice(&(8u64 << 30).to_le_bytes());
    assert!(matches!(
        error_for(&config, &huge),
        ModelError::Safetensors(_)
    ));
    let header = br#"{"embedding.weight":{"dtype":"F32","shape":[100000000,1000],"data_offsets":[0,400000000000]}}"#;
    let mut lying = (header.len() as u64).to_le_bytes().to_vec();
    lying.extend_from_slice(header);
    lying.extend_from_slice(&[0; 64]);
    assert!(matches!(
        error_for(&config, &lying),
        ModelError::Safetensors(_)
    ));

    // Wrong dtype.
    let i32_bytes = {
        use safetensors::tensor::TensorView;
        let data = vec![0u8; 4 * 3 * 16 * 16];
        let view = TensorView::new(safetensors::Dtype::I32, vec![48, 16], &data).unwrap();
        safetensors::serialize(
            [("layers.0.self_attn.in_proj_weight".to_owned(), view)],
            None,
        )
        .unwrap()
    };
    let store = attnscope_core::weights::WeightStore::parse(&i32_bytes).unwrap();
    let error = store
        .tensor("layers.0.self_attn.in_proj_weight", &[48, 16])
        .unwrap_err();
    assert!(
        matches!(error, ModelError::UnsupportedDtype { ref name, .. } if name == "layers.0.self_attn.in_proj_weight")
    );

    // Messages name the culprit.
    assert!(ModelError::MissingTensor("x.weight".into())
        .to_string()
        .contains("x.weight"));
}

#[test]
fn malformed_configs_give_typed_errors() {
    let (config, _, bytes) = good_folder();
    // A config that does not parse, or breaks a limit.
    let target = tokenizer_json(WORDS);
    let files = |config: &str| {
        Model::from_files(ModelFiles {
            config,
            weights: &bytes,
            tokenizer: &target,
            target_tokenizer: None,
        })
    };
    assert!(matches!(
        files("{not json"),
        Err(ModelError::ConfigParse(_))
    ));
    assert!(matches!(
        files(r#"{"architecture":"Mystery"}"#),
        Err(ModelError::ConfigParse(_))
    ));
    let mut value: serde_json::Value = serde_json::from_str(&config_json(&config)).unwrap();
    value["d_model"] = serde_json::json!(1_000_000_000u64);
    assert!(matches!(
        files(&value.to_string()),
        Err(ModelError::ConfigField {
            field: "d_model",
            ..
        })
    ));
    value["d_model"] = serde_json::json!(18);
    assert!(matches!(
        files(&value.to_string()),
        Err(ModelError::ConfigField {
            field: "d_model",
            ..
        })
    ));
}

#[test]
fn malformed_tokenizers_give_typed_errors() {
    let (config, _, bytes) = good_folder();
    // A tokenizer that does not parse, or has more ids than the embedding table.
    let bad = Model::from_files(ModelFiles {
        config: &config_json(&config),
        weights: &bytes,
        tokenizer: "{",
        target_tokenizer: None,
    });
    assert!(matches!(bad, Err(ModelError::Tokenizer(_))));
    let mut words = WORDS.to_vec();
    words.push("extra");
    let bigger = tokenizer_json(&words);
    let bad = Model::from_files(ModelFiles {
        config: &config_json(&config),
        weights: &bytes,
        tokenizer: &bigger,
        target_tokenizer: None,
    });
    assert!(matches!(
        bad,
        Err(ModelError::ConfigField {
            field: "vocab_size",
            ..
        })
    ));
}

#[test]
fn configs_round_trip_through_json_and_name_what_is_wrong() {
    for config in attnscope_testkit::reference_configs(500) {
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(ModelConfig::from_json(&json).unwrap(), config, "{json}");
    }
    let message = |json: &str| match ModelConfig::from_json(json) {
        Err(ModelError::ConfigParse(message)) => message,
        other => panic!("{json}: {other:?}"),
    };
    assert!(message(r#"{"architecture":"Mystery"}"#).contains("unknown variant `Mystery`"));
    assert!(message(r#"{"d_model":4}"#).contains("missing field `architecture`"));
    assert!(message(r#"{"architecture":7}"#).contains("`architecture` must be a string"));
    assert!(message("[1, 2]").contains("must be a JSON object"));
    assert!(
        message(r#"{"architecture":"BiLstmAttentionClassifier","vocab_size":5}"#)
            .contains("missing field `embedding_dim`")
    );
    // Wrong types and names are refused with the field named; optional fields may be absent.
    let [transformer, ..] = attnscope_testkit::reference_configs(500);
    let mut json = serde_json::to_value(&transformer).unwrap();
    for optional in ["positions", "embedding_norm", "layout"] {
        json.as_object_mut().unwrap().remove(optional);
    }
    assert_eq!(
        ModelConfig::from_json(&json.to_string()).unwrap(),
        transformer
    );
    for (field, bad, expected) in [
        ("d_model", serde_json::json!(-4), "unsigned integer"),
        ("d_model", serde_json::json!(64.5), "unsigned integer"),
        ("activation", serde_json::json!("swish"), "`relu` or `gelu`"),
        ("labels", serde_json::json!(["a", 1]), "list of strings"),
        ("pad_id", serde_json::json!(1u64 << 40), "32-bit"),
        ("layout", serde_json::json!(null), "`hf_bert`"),
    ] {
        let mut wrong = json.clone();
        wrong[field] = bad;
        let text = message(&wrong.to_string());
        assert!(
            text.contains(&format!("`{field}`")) && text.contains(expected),
            "{text}"
        );
    }
}
