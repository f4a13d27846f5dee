//! The CI smoke run of the trainer: the real pipeline (a WordPiece tokenizer trained with HF
//! `tokenizers`, core's encoder, candle networks, AdamW) for a few dozen steps on a few
//! hundred real texts — the committed fidelity inputs — asserting that the loss falls.
//!
//! Raw datasets are never committed, so the labels here are the shipped models' own
//! predictions on those texts (the classifiers), and the shipped translator's outputs (the
//! translator): targets a fresh network can only fit by learning.

use attnscope_core::tokenizer::WordPieceTokenizer;
use attnscope_train::models;
use attnscope_train::nets::seq2seq::Seq2Seq;
use attnscope_train::optim::{Learner, Schedule};
use attnscope_train::run::{
    classifier_epoch, encode, translation_epoch, Classifier, Span, TranslationExample,
};
use attnscope_train::tokenizer::{self, Role};
use candle_core::{DType, Device};
use candle_nn::{VarBuilder, VarMap};
use serde_json::Value;

fn cases(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    json["cases"].as_array().unwrap().clone()
}

fn argmax(v: &Value) -> usize {
    let xs: Vec<f64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    (0..xs.len()).fold(0, |b, i| if xs[i] > xs[b] { i } else { b })
}

const SMOKE: Schedule = Schedule {
    epochs: 1,
    batch: 16,
    lr: 3e-3,
    warmup: 5,
    clip: 5.0,
    dropout: 0.0,
    max_steps: Some(60),
};

fn falls(losses: &[f32]) {
    let n = losses.len();
    assert!(n >= 50, "only {n} steps");
    let first: f32 = losses[..10].iter().sum::<f32>() / 10.0;
    let last: f32 = losses[n - 10..].iter().sum::<f32>() / 10.0;
    assert!(losses.iter().all(|l| l.is_finite()), "{losses:?}");
    assert!(
        last < 0.85 * first,
        "loss did not fall: {first} → {last} ({losses:?})"
    );
}

fn smoke_classifier(architecture: &str) {
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    // Sentiment texts keep their predicted class (0, 1); topic texts theirs shifted (2..=6).
    for (name, offset) in [("sentiment-transformer", 0), ("topic-transformer", 2)] {
        for case in cases(name) {
            texts.push(case["text"].as_str().unwrap().to_owned());
            labels.push(offset + argmax(&case["logits"]));
        }
    }
    let json = tokenizer::train(&texts, 600, Role::Classifier, true)
        .unwrap()
        .to_string(false)
        .unwrap();
    let tok = WordPieceTokenizer::from_json(&json).unwrap();
    let names = [
        "neg",
        "pos",
        "business",
        "entertainment",
        "politics",
        "sport",
        "tech",
    ];
    let config = if architecture == "transformer" {
        models::transformer(tok.vocab_size(), &names)
    } else {
        models::bilstm(tok.vocab_size(), &names)
    };
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let set: Vec<(Vec<u32>, usize)> = encode(&tok, &refs, 64).into_iter().zip(labels).collect();
    let varmap = VarMap::new();
    let net = Classifier::new(
        &config,
        VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu),
        0.0,
    )
    .unwrap();
    let mut learner = Learner::new(&varmap, SMOKE, 60).unwrap();
    let mut losses = Vec::new();
    for epoch in 0..6 {
        let out = classifier_epoch(
            &net,
            &varmap,
            &mut learner,
            &set,
            &SMOKE,
            epoch,
            Span::default(),
        )
        .unwrap();
        losses.extend(out.losses);
    }
    falls(&losses);
}

#[test]
fn transformer_training_lowers_the_loss() {
    smoke_classifier("transformer");
}

#[test]
fn bilstm_training_lowers_the_loss() {
    smoke_classifier("bilstm");
}

#[test]
fn translator_training_lowers_the_loss() {
    let cases = cases("translate-en-es");
    let sources: Vec<String> = cases
        .iter()
        .map(|c| c["text"].as_str().unwrap().to_owned())
        .collect();
    let json = tokenizer::train(&sources, 400, Role::Source, true)
        .unwrap()
        .to_string(false)
        .unwrap();
    let tok = WordPieceTokenizer::from_json(&json).unwrap();
    let attnscope_core::config::ModelConfig::Seq2SeqAttention(mut config) =
        models::translator(tok.vocab_size(), 5000)
    else {
        unreachable!()
    };
    config.embedding_dim = 32;
    config.hidden_size = 32;
    config.attention_dim = 32;
    let mut set = Vec::new();
    for (case, source) in cases.iter().zip(&sources) {
        let mut out: Vec<u32> = case["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        out.truncate(12);
        let mut tgt_in = vec![config.bos_id];
        tgt_in.extend_from_slice(&out[..out.len() - 1]);
        let src = encode(&tok, &[source.as_str()], 64).remove(0);
        if !src.is_empty() {
            set.push(TranslationExample {
                src,
                tgt_in,
                tgt_out: out,
            });
        }
    }
    let set: Vec<TranslationExample> = (0..10)
        .flat_map(|_| {
            set.iter().map(|e| TranslationExample {
                src: e.src.clone(),
                tgt_in: e.tgt_in.clone(),
                tgt_out: e.tgt_out.clone(),
            })
        })
        .collect();
    let varmap = VarMap::new();
    let net = Seq2Seq::new(
        &config,
        VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu),
        0.0,
    )
    .unwrap();
    let mut learner = Learner::new(&varmap, SMOKE, 60).unwrap();
    let out = translation_epoch(
        &net,
        &varmap,
        &mut learner,
        &set,
        &SMOKE,
        1,
        Span::default(),
    )
    .unwrap();
    falls(&out.losses);
}
