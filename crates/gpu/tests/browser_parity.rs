//! The GPU engine in the browser (wgpu's `webgpu` backend on headless Chromium's WebGPU,
//! SwiftShader) equals the CPU reference in the same page within 1e-4 absolute + relative,
//! for the Transformer, the BiLSTM and the translator (greedy decoding on the GPU): random weights, lengths that are not multiples of any
//! workgroup size, T = max, every intervention. Also reports each forward's
//! submit → results-available time (not a timed assertion).
//!
//! `cargo test --target wasm32-unknown-unknown -p attnscope-gpu --test browser_parity`
#![cfg(target_arch = "wasm32")]

use attnscope_core::bilstm::BiLstmAttentionClassifier;
use attnscope_core::config::ModelConfig;
use attnscope_core::seq2seq::Seq2SeqAttention;
use attnscope_core::transformer::TransformerEncoderClassifier;
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use attnscope_gpu::bilstm::GpuBiLstm;
use attnscope_gpu::seq2seq::GpuSeq2Seq;
use attnscope_gpu::transformer::GpuTransformer;
use attnscope_gpu::GpuContext;
use attnscope_testkit::{random_tensors, to_safetensors, SplitMix};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TOLERANCE: f32 = 1e-4;

fn close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what} length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= TOLERANCE * (1.0 + w.abs()),
            "{what}[{i}]: GPU {g}, CPU {w}"
        );
    }
}

fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

fn config(json: serde_json::Value) -> ModelConfig {
    ModelConfig::from_json(&json.to_string()).unwrap()
}

/// The cases every architecture runs: (T, interventions).
fn cases(heads: usize) -> Vec<(usize, Interventions)> {
    let mut rng = SplitMix(7);
    let mut out = vec![
        (1, Interventions::default()),
        (17, Interventions::default()),
        (
            53,
            Interventions {
                masked_tokens: vec![0, 5, 52],
                temperature: 0.6,
                ..Default::default()
            },
        ),
        (
            9,
            Interventions {
                masked_tokens: (0..9).collect(),
                ..Default::default()
            },
        ),
        (128, Interventions::default()),
    ];
    if heads > 0 {
        out.push((
            33,
            Interventions {
                heads_off: (0..heads).map(|h| (1, h)).chain([(0, 1)]).collect(),
                temperature: 1.7,
                ..Default::default()
            },
        ));
    }
    for _ in 0..4 {
        out.push((1 + rng.below(127), Interventions::default()));
    }
    out
}

#[wasm_bindgen_test]
async fn transformer_equals_the_cpu_in_the_browser() {
    let context = GpuContext::request()
        .await
        .expect("WebGPU in headless Chromium");
    let model = config(serde_json::json!({
        "architecture": "TransformerEncoderClassifier", "vocab_size": 300, "d_model": 32, "n_heads": 4,
        "n_layers": 2, "d_ff": 70, "max_len": 128, "layer_norm_eps": 1e-5, "pe_base": 10000.0,
        "scale_embedding": true, "activation": "gelu", "norm_first": false, "final_norm": false,
        "pooling": "cls", "labels": ["a", "b", "c"], "pad_id": 0
    }));
    let ModelConfig::TransformerEncoderClassifier(c) = model.clone() else {
        unreachable!()
    };
    let bytes = to_safetensors(&random_tensors(&model, 3, 0.4));
    let store = WeightStore::parse(&bytes).unwrap();
    let cpu = TransformerEncoderClassifier::load(c.clone(), &store).unwrap();
    let gpu = GpuTransformer::load(&context, c, &store).await.unwrap();
    let mut rng = SplitMix(11);
    for (t, iv) in cases(4) {
        let ids: Vec<u32> = (0..t).map(|_| rng.below(300) as u32).collect();
        let want = cpu.forward(&ids, &iv).unwrap();
        let started = now();
        let got = gpu.forward(&ids, &iv).await.unwrap();
        web_sys::console::log_1(&format!("transformer T={t}: {:.2} ms", now() - started).into());
        close(
            "logits",
            &got.classification.logits,
            &want.classification.logits,
        );
        close("attention", &got.attention.weights, &want.attention.weights);
    }
}

/// A Hugging Face layout (the committed tiny `BertModel` and `DistilBertModel` folders):
/// learned positions, the embedding's LayerNorm, no classifier; hidden state and maps.
#[wasm_bindgen_test]
async fn hugging_face_layouts_equal_the_cpu_in_the_browser() {
    let context = GpuContext::request()
        .await
        .expect("WebGPU in headless Chromium");
    let folders: [(&str, &[u8]); 2] = [
        (
            include_str!("../../core/tests/fixtures/hf/tiny-bert/config.json"),
            include_bytes!("../../core/tests/fixtures/hf/tiny-bert/model.safetensors"),
        ),
        (
            include_str!("../../core/tests/fixtures/hf/tiny-distilbert/config.json"),
            include_bytes!("../../core/tests/fixtures/hf/tiny-distilbert/model.safetensors"),
        ),
    ];
    for (config_json, bytes) in folders {
        let model = ModelConfig::from_json(config_json).unwrap();
        let ModelConfig::TransformerEncoderClassifier(c) = model.clone() else {
            unreachable!()
        };
        let store = WeightStore::for_config(bytes, &model).unwrap();
        let cpu = TransformerEncoderClassifier::load(c.clone(), &store).unwrap();
        let gpu = GpuTransformer::load(&context, c, &store).await.unwrap();
        let mut rng = SplitMix(19);
        for (t, iv) in cases(4) {
            let t = t.min(64);
            let ids: Vec<u32> = (0..t).map(|_| rng.below(99) as u32).collect();
            let want = cpu.forward(&ids, &iv).unwrap();
            let got = gpu.forward(&ids, &iv).await.unwrap();
            close("attention", &got.attention.weights, &want.attention.weights);
            close("hidden", got.hidden.as_slice(), want.hidden.as_slice());
        }
    }
}

#[wasm_bindgen_test]
async fn bilstm_equals_the_cpu_in_the_browser() {
    let context = GpuContext::request()
        .await
        .expect("WebGPU in headless Chromium");
    let model = config(serde_json::json!({
        "architecture": "BiLstmAttentionClassifier", "vocab_size": 300, "embedding_dim": 24,
        "hidden_size": 40, "num_layers": 2, "attention_dim": 20, "max_len": 128,
        "labels": ["a", "b", "c", "d"], "pad_id": 0
    }));
    let ModelConfig::BiLstmAttentionClassifier(c) = model.clone() else {
        unreachable!()
    };
    let bytes = to_safetensors(&random_tensors(&model, 4, 0.4));
    let store = WeightStore::parse(&bytes).unwrap();
    let cpu = BiLstmAttentionClassifier::load(c.clone(), &store).unwrap();
    let gpu = GpuBiLstm::load(&context, c, &store).await.unwrap();
    let mut rng = SplitMix(12);
    for (t, iv) in cases(0) {
        let ids: Vec<u32> = (0..t).map(|_| rng.below(300) as u32).collect();
        let want = cpu.forward(&ids, &iv).unwrap();
        let started = now();
        let got = gpu.forward(&ids, &iv).await.unwrap();
        web_sys::console::log_1(&format!("bilstm T={t}: {:.2} ms", now() - started).into());
        close(
            "logits",
            &got.classification.logits,
            &want.classification.logits,
        );
        close("pooling", &got.pooling, &want.pooling);
    }
}

#[wasm_bindgen_test]
async fn translator_equals_the_cpu_in_the_browser() {
    let context = GpuContext::request()
        .await
        .expect("WebGPU in headless Chromium");
    let model = config(serde_json::json!({
        "architecture": "Seq2SeqAttention", "src_vocab_size": 200, "tgt_vocab_size": 300,
        "embedding_dim": 24, "hidden_size": 32, "attention_dim": 20, "input_feeding": true,
        "attentional_hidden": true, "tie_output_embedding": true, "max_src_len": 64,
        "max_decode_len": 16, "pad_id": 0, "bos_id": 2, "eos_id": 3
    }));
    let ModelConfig::Seq2SeqAttention(c) = model.clone() else {
        unreachable!()
    };
    let bytes = to_safetensors(&random_tensors(&model, 5, 0.5));
    let store = WeightStore::parse(&bytes).unwrap();
    let cpu = Seq2SeqAttention::load(c.clone(), &store).unwrap();
    let gpu = GpuSeq2Seq::load(&context, c, &store).await.unwrap();
    let mut rng = SplitMix(13);
    for (s, iv) in cases(0).into_iter().map(|(t, iv)| (t.min(64), iv)) {
        let src: Vec<u32> = (0..s).map(|_| rng.below(200) as u32).collect();
        let want = cpu.forward(&src, &iv).unwrap();
        let started = now();
        let got = gpu.forward(&src, &iv).await.unwrap();
        web_sys::console::log_1(&format!("translator S={s}: {:.2} ms", now() - started).into());
        // Random weights rarely tie; a tie would show here as different ids.
        assert_eq!(got.decoding.ids, want.decoding.ids, "S = {s}");
        close(
            "logits",
            got.step_logits.as_slice(),
            want.step_logits.as_slice(),
        );
        close(
            "cross-attention",
            got.decoding.cross_attention.as_slice(),
            want.decoding.cross_attention.as_slice(),
        );
    }
}
