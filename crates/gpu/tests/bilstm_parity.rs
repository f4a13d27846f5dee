//! The GPU BiLSTM equals the CPU reference (`attnscope_core::bilstm`) within 1e-4 absolute +
//! relative — logits, probabilities and every pooling weight — for random weights, sizes
//! (hidden sizes that do not divide the workgroup, one to three layers), lengths 0 to 256 and
//! random masks and temperatures, with f32 weights and with weights that are exact f16s (as in
//! every shipped folder: the recurrence then reads W_hh as f16 pairs), on a real device
//! (Mesa's lavapipe in CI).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use attnscope_core::bilstm::BiLstmAttentionClassifier;
use attnscope_core::config::{BiLstmConfig, ModelConfig};
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use attnscope_gpu::bilstm::GpuBiLstm;
use attnscope_gpu::LoadError;
use attnscope_testkit::{random_tensors, rounded_to_f16, to_safetensors, SplitMix};
use common::{close, context};
use proptest::prelude::*;

fn config(e: usize, h: usize, layers: usize, a: usize) -> BiLstmConfig {
    let json = serde_json::json!({
        "architecture": "BiLstmAttentionClassifier", "vocab_size": 50, "embedding_dim": e,
        "hidden_size": h, "num_layers": layers, "attention_dim": a, "max_len": 256,
        "labels": ["a", "b", "c"], "pad_id": 0
    });
    match ModelConfig::from_json(&json.to_string()).unwrap() {
        ModelConfig::BiLstmAttentionClassifier(c) => c,
        _ => unreachable!(),
    }
}

/// Weights drawn as f32, or rounded to f16 (`Weights::Half`) as the shipped folders are.
#[derive(Clone, Copy)]
enum Weights {
    F32,
    Half,
}

fn check(
    config: BiLstmConfig,
    weights: Weights,
    seed: u64,
    t: usize,
    iv: Interventions,
) -> Result<(), TestCaseError> {
    let model_config = ModelConfig::BiLstmAttentionClassifier(config.clone());
    let mut tensors = random_tensors(&model_config, seed, 0.4);
    if let Weights::Half = weights {
        tensors = rounded_to_f16(tensors);
    }
    let bytes = to_safetensors(&tensors);
    let store = WeightStore::parse(&bytes).unwrap();
    let cpu = BiLstmAttentionClassifier::load(config.clone(), &store).unwrap();
    let gpu = pollster::block_on(GpuBiLstm::load(context(), config, &store)).unwrap();
    let mut rng = SplitMix(seed ^ 0x5eed);
    let ids: Vec<u32> = (0..t).map(|_| rng.below(50) as u32).collect();
    let want = cpu.forward(&ids, &iv).unwrap();
    let got = pollster::block_on(gpu.forward(&ids, &iv)).unwrap();
    close(
        "logits",
        &got.classification.logits,
        &want.classification.logits,
    )?;
    close(
        "probabilities",
        &got.classification.probabilities,
        &want.classification.probabilities,
    )?;
    close("pooling", &got.pooling, &want.pooling)?;
    Ok(())
}

#[test]
fn edge_cases_stay_finite_and_equal() {
    let c = config(16, 24, 2, 20);
    let none = Interventions::default;
    for weights in [Weights::F32, Weights::Half] {
        check(c.clone(), weights, 1, 0, none()).unwrap();
        check(c.clone(), weights, 2, 1, none()).unwrap();
        check(c.clone(), weights, 3, 256, none()).unwrap();
        let every = Interventions {
            masked_tokens: (0..9).collect(),
            ..Default::default()
        };
        check(c.clone(), weights, 4, 9, every).unwrap();
        // The shipped size: H = 128, so 4H = 512 gate rows over a 256-thread workgroup; and
        // the largest, H = 256: four rows a thread.
        check(config(64, 128, 2, 128), weights, 5, 128, none()).unwrap();
        check(config(8, 256, 1, 8), weights, 6, 40, none()).unwrap();
    }
}

#[test]
fn out_of_limit_models_are_refused_with_the_limit() {
    let c = config(8, 300, 1, 8);
    let bytes = to_safetensors(&random_tensors(
        &ModelConfig::BiLstmAttentionClassifier(c.clone()),
        1,
        0.1,
    ));
    let store = WeightStore::parse(&bytes).unwrap();
    match pollster::block_on(GpuBiLstm::load(context(), c, &store)) {
        Err(LoadError::TooLarge {
            what,
            needed,
            limit,
        }) => {
            assert!(what.contains("hidden_size"), "{what}");
            assert_eq!((needed, limit), (300, 256));
        }
        other => panic!("expected TooLarge, got {:?}", other.err()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn equals_the_cpu_reference(
        e in 1usize..40, h in 1usize..70, layers in 1usize..=3, a in 1usize..40,
        t in 0usize..=200, seed in any::<u64>(), masked in prop::collection::vec(0usize..200, 0..4),
        temperature in 0.3f32..2.5, half in any::<bool>(),
    ) {
        let weights = if half { Weights::Half } else { Weights::F32 };
        check(config(e, h, layers, a), weights, seed, t, Interventions { masked_tokens: masked, temperature, ..Default::default() })?;
    }
}
