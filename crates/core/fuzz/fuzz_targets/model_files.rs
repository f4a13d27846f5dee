//! Fuzzes the model loader: one of config.json, model.safetensors or tokenizer.json is
//! replaced by the input (or the weights are corrupted at an input-chosen place); loading
//! must give a model or a typed error, never a panic or an unbounded allocation, and a
//! loaded model must run. One input in three corrupts the same model stored with f16 weights
//! (the golden fixture is f32), so both weight types the shipped folders use are fuzzed. One
//! in eight loads a Hugging Face BERT folder (the committed tiny one) with the input as its
//! config.json or written over its weights, the layout a visitor brings.
#![no_main]

use attnscope_core::{Interventions, Model, ModelFiles};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// The tiny `BertModel` folder of core's tests, with a tokenizer made from its vocab.txt.
const BERT_CONFIG: &str = include_str!("../../tests/fixtures/hf/tiny-bert/config.json");
const BERT_WEIGHTS: &[u8] = include_bytes!("../../tests/fixtures/hf/tiny-bert/model.safetensors");
const BERT_VOCAB: &str = include_str!("../../tests/fixtures/hf/tiny-bert/vocab.txt");

fn hugging_face(selector: u8, rest: &[u8]) {
    let tokenizer = attnscope_core::hf::tokenizer_json_from_vocab(BERT_VOCAB, true).expect("vocab");
    let text = String::from_utf8_lossy(rest);
    let mut weights = BERT_WEIGHTS.to_vec();
    let config = if selector % 16 < 8 {
        text.as_ref()
    } else {
        let at = rest.first().map_or(0, |&b| b as usize * weights.len() / 256);
        for (i, &b) in rest.iter().enumerate().skip(1).take(16) {
            if let Some(slot) = weights.get_mut(at + i) {
                *slot = b;
            }
        }
        BERT_CONFIG
    };
    let files = ModelFiles { config, weights: &weights, tokenizer: &tokenizer, target_tokenizer: None };
    if let Ok(model) = Model::from_files(files) {
        let _ = model.run("the cat sat on the mat", &Interventions::default());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    if selector % 8 == 7 {
        hugging_face(selector, rest);
        return;
    }
    let config = common::config();
    let text = String::from_utf8_lossy(rest);
    let mut weights = common::FIXTURE.to_vec();
    if selector % 6 >= 4 {
        // The same model with f16 weights: the input overwrites bytes of the header (first
        // byte even) or of the data.
        let mut weights = common::fixture_f16().to_vec();
        let at = match rest.first() {
            Some(&b) if b % 2 == 0 => b as usize % 256,
            Some(&b) => b as usize * weights.len() / 256,
            None => 0,
        };
        for (i, &b) in rest.iter().enumerate().skip(1).take(16) {
            if let Some(slot) = weights.get_mut(at + i) {
                *slot = b;
            }
        }
        let files = ModelFiles { config: &config, weights: &weights, tokenizer: common::TOKENIZER, target_tokenizer: None };
        if let Ok(model) = Model::from_files(files) {
            if selector % 32 < 4 {
                let _ = model.run("the movie was not bad!", &Interventions::default());
            }
        }
        return;
    }
    let files = match selector % 4 {
        0 => ModelFiles { config: &text, weights: common::FIXTURE, tokenizer: common::TOKENIZER, target_tokenizer: None },
        1 => ModelFiles { config: &config, weights: rest, tokenizer: common::TOKENIZER, target_tokenizer: None },
        2 => ModelFiles { config: &config, weights: common::FIXTURE, tokenizer: &text, target_tokenizer: None },
        _ => {
            // Overwrite a few bytes of the real file (header or data) with the input.
            let at = rest.first().map_or(0, |&b| b as usize * weights.len() / 256);
            for (i, &b) in rest.iter().enumerate().skip(1).take(16) {
                if let Some(slot) = weights.get_mut(at + i) {
                    *slot = b;
                }
            }
            ModelFiles { config: &config, weights: &weights, tokenizer: common::TOKENIZER, target_tokenizer: None }
        }
    };
    if let Ok(model) = Model::from_files(files) {
        if selector % 32 < 4 {
            let _ = model.run("the movie was not bad!", &Interventions::default());
        }
    }
});
