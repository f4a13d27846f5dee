//! Fuzzes the tokenizer path: any text (bytes made UTF-8) is tokenised (and, one time in
//! eight, run through a model with input-chosen interventions); byte spans must be valid
//! char boundaries.
#![no_main]

use attnscope_core::{Interventions, Model, ModelFiles};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[path = "common.rs"]
mod common;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let config = common::config();
        Model::from_files(ModelFiles { config: &config, weights: common::FIXTURE, tokenizer: common::TOKENIZER, target_tokenizer: None }).expect("valid folder")
    })
}

fuzz_target!(|data: &[u8]| {
    let (knobs, text) = data.split_at(data.len().min(5));
    let text = String::from_utf8_lossy(text);
    let model = model();
    let tokens = model.tokenizer.encode(&text);
    for token in &tokens {
        assert!(token.start <= token.end && token.end <= text.len());
        assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
    }
    let iv = Interventions {
        masked_tokens: knobs.first().map(|&k| vec![k as usize % 8]).unwrap_or_default(),
        heads_off: knobs.get(1).map(|&k| vec![((k % 2) as usize, (k / 2 % 4) as usize)]).unwrap_or_default(),
        temperature: knobs.get(2).map_or(1.0, |&k| k as f32 / 64.0),
        inspect: knobs.get(3).map(|&k| ((k % 2) as usize, (k / 2 % 4) as usize)),
        // A reader's edit of one weight, of any head, row and key (in range or not).
        edits: knobs
            .get(4)
            .map(|&k| {
                vec![attnscope_core::trace::AttentionEdit {
                    layer: (k % 2) as usize,
                    head: (k / 2 % 4) as usize,
                    query: (k / 8 % 8) as usize,
                    key: (k / 64) as usize,
                    weight: f32::from(k) / 200.0,
                }]
            })
            .unwrap_or_default(),
    };
    // The forward costs ~100× the tokenizer: run it on one input in eight.
    if knobs.first().is_some_and(|k| k % 8 == 0) {
        let trace = model.run(&text, &iv).expect("a loaded model runs on any text");
        assert!(trace.tokens.len() <= model.max_len());
    }
});
