//! CPU reference speed in Chromium's wasm (a report, not a timed test): every architecture at
//! the default sizes, T = 16, 64, 128, 256; median and p95 of repeated forwards.
//!
//! `cargo test --release --target wasm32-unknown-unknown -p attnscope-core --test wasm_bench -- --nocapture`
#![cfg(target_arch = "wasm32")]

use attnscope_core::bilstm::BiLstmAttentionClassifier;
use attnscope_core::config::ModelConfig;
use attnscope_core::manifest::{random_tensors, to_safetensors};
use attnscope_core::seq2seq::Seq2SeqAttention;
use attnscope_core::transformer::TransformerEncoderClassifier;
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const VOCAB: usize = 8000;

fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

fn stats(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at =
        |q: f64| samples[((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    (at(0.5), at(0.95))
}

fn config(json: serde_json::Value) -> ModelConfig {
    ModelConfig::from_json(&json.to_string()).unwrap()
}

#[wasm_bindgen_test]
fn cpu_forward_in_wasm() {
    let transformer = config(serde_json::json!({
        "architecture": "TransformerEncoderClassifier", "vocab_size": VOCAB, "d_model": 128, "n_heads": 4, "n_layers": 2,
        "d_ff": 512, "max_len": 512, "layer_norm_eps": 1e-5, "pe_base": 10000.0, "scale_embedding": true,
        "activation": "gelu", "norm_first": false, "final_norm": false, "pooling": "cls", "labels": ["negative", "positive"], "pad_id": 0
    }));
    let bilstm = config(serde_json::json!({
        "architecture": "BiLstmAttentionClassifier", "vocab_size": VOCAB, "embedding_dim": 128, "hidden_size": 128,
        "num_layers": 2, "attention_dim": 128, "max_len": 512, "labels": ["negative", "positive"], "pad_id": 0
    }));
    let seq2seq = config(serde_json::json!({
        "architecture": "Seq2SeqAttention", "src_vocab_size": VOCAB, "tgt_vocab_size": VOCAB, "embedding_dim": 128,
        "hidden_size": 128, "attention_dim": 128, "input_feeding": true, "max_src_len": 512, "max_decode_len": 12,
        "pad_id": 0, "bos_id": 2, "eos_id": 3
    }));
    let bytes = |c: &ModelConfig| to_safetensors(&random_tensors(c, 1, 0.1));
    let (tb, bb, sb) = (bytes(&transformer), bytes(&bilstm), bytes(&seq2seq));
    let ModelConfig::TransformerEncoderClassifier(tc) = transformer else {
        unreachable!()
    };
    let ModelConfig::BiLstmAttentionClassifier(bc) = bilstm else {
        unreachable!()
    };
    let ModelConfig::Seq2SeqAttention(sc) = seq2seq else {
        unreachable!()
    };
    let t = TransformerEncoderClassifier::load(tc, &WeightStore::parse(&tb).unwrap()).unwrap();
    let b = BiLstmAttentionClassifier::load(bc, &WeightStore::parse(&bb).unwrap()).unwrap();
    let s = Seq2SeqAttention::load(sc, &WeightStore::parse(&sb).unwrap()).unwrap();
    let iv = Interventions::default();
    let mut rows = Vec::new();
    for len in [16usize, 64, 128, 256] {
        let ids: Vec<u32> = (0..len).map(|i| ((i * 7919 + 13) % VOCAB) as u32).collect();
        let runs = if len <= 64 { 30 } else { 12 };
        let time = |f: &dyn Fn()| {
            f(); // warm-up
            stats(
                (0..runs)
                    .map(|_| {
                        let t0 = now();
                        f();
                        now() - t0
                    })
                    .collect(),
            )
        };
        for (name, (median, p95)) in [
            (
                "transformer",
                time(&|| {
                    t.forward(&ids, &iv).unwrap();
                }),
            ),
            (
                "bilstm",
                time(&|| {
                    b.forward(&ids, &iv).unwrap();
                }),
            ),
            (
                "seq2seq_12_steps",
                time(&|| {
                    s.forward(&ids, &iv).unwrap();
                }),
            ),
        ] {
            rows.push(format!(
                r#"{{"architecture":"{name}","T":{len},"median_ms":{median:.2},"p95_ms":{p95:.2}}}"#
            ));
        }
    }
    web_sys::console::log_1(&format!("CPU-WASM-BENCH [{}]", rows.join(",")).into());
    assert_eq!(rows.len(), 12);
}
