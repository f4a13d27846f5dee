//! The GPU Transformer equals the CPU reference (`attnscope_core::transformer`) within 1e-4
//! absolute + relative (÷ τ at a temperature τ below 1: `common::tolerance_at`) — logits,
//! probabilities and every attention map — for random weights, configurations (pre/post-norm,
//! ReLU/GELU, [CLS]/mean pooling), lengths from 1 to 512 and random interventions, on a real
//! device (Mesa's lavapipe in CI).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use attnscope_core::config::{ModelConfig, TransformerConfig};
use attnscope_core::transformer::TransformerEncoderClassifier;
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use attnscope_gpu::transformer::GpuTransformer;
use attnscope_testkit::{random_tensors, to_safetensors, SplitMix};
use common::{close, close_within, context, tolerance_at};
use proptest::prelude::*;

fn config(norm_first: bool, gelu: bool, mean: bool, heads: usize, d: usize) -> TransformerConfig {
    let json = serde_json::json!({
        "architecture": "TransformerEncoderClassifier", "vocab_size": 50, "d_model": d, "n_heads": heads, "n_layers": 2,
        "d_ff": 3 * d - 5, "max_len": 512, "layer_norm_eps": 1e-5, "pe_base": 10000.0, "scale_embedding": true,
        "activation": if gelu { "gelu" } else { "relu" }, "norm_first": norm_first, "final_norm": norm_first,
        "pooling": if mean { "mean" } else { "cls" }, "labels": ["a", "b", "c"], "pad_id": 0
    });
    match ModelConfig::from_json(&json.to_string()).unwrap() {
        ModelConfig::TransformerEncoderClassifier(c) => c,
        _ => unreachable!(),
    }
}

fn check(
    config: TransformerConfig,
    seed: u64,
    t: usize,
    iv: Interventions,
) -> Result<(), TestCaseError> {
    let model_config = ModelConfig::TransformerEncoderClassifier(config.clone());
    let bytes = to_safetensors(&random_tensors(&model_config, seed, 0.4));
    let store = WeightStore::parse(&bytes).unwrap();
    let cpu = TransformerEncoderClassifier::load(config.clone(), &store).unwrap();
    let gpu = pollster::block_on(GpuTransformer::load(context(), config, &store)).unwrap();
    let mut rng = SplitMix(seed ^ 0x5eed);
    let ids: Vec<u32> = (0..t).map(|_| rng.below(50) as u32).collect();
    let want = cpu.forward(&ids, &iv).unwrap();
    let got = pollster::block_on(gpu.forward(&ids, &iv)).unwrap();
    let tolerance = tolerance_at(iv.temperature());
    close_within(
        "logits",
        &got.classification.logits,
        &want.classification.logits,
        tolerance,
    )?;
    close_within(
        "probabilities",
        &got.classification.probabilities,
        &want.classification.probabilities,
        tolerance,
    )?;
    close_within(
        "attention",
        &got.attention.weights,
        &want.attention.weights,
        tolerance,
    )?;
    close_within(
        "hidden",
        got.hidden.as_slice(),
        want.hidden.as_slice(),
        tolerance,
    )?;
    Ok(())
}

/// A Hugging Face folder's (config, weights): the committed tiny ones, or all-MiniLM-L6-v2
/// where `scripts/fetch-minilm.sh` has put it.
fn hf_folder(dir: &std::path::Path) -> Option<(TransformerConfig, Vec<u8>)> {
    let weights = std::fs::read(dir.join("model.safetensors")).ok()?;
    let text = std::fs::read_to_string(dir.join("config.json")).ok()?;
    match ModelConfig::from_json(&text).unwrap() {
        ModelConfig::TransformerEncoderClassifier(c) => Some((c, weights)),
        _ => None,
    }
}

/// The GPU engine equals the CPU reference on a BERT-layout folder: hidden state and maps.
fn check_hf(
    dir: &std::path::Path,
    t: usize,
    seed: u64,
    iv: Interventions,
) -> Result<(), TestCaseError> {
    let (config, bytes) = hf_folder(dir).expect("folder");
    let model_config = ModelConfig::TransformerEncoderClassifier(config.clone());
    let store = WeightStore::for_config(&bytes, &model_config).unwrap();
    let cpu = TransformerEncoderClassifier::load(config.clone(), &store).unwrap();
    let gpu = pollster::block_on(GpuTransformer::load(context(), config.clone(), &store)).unwrap();
    let mut rng = SplitMix(seed);
    let ids: Vec<u32> = (0..t)
        .map(|_| rng.below(config.vocab_size) as u32)
        .collect();
    let want = cpu.forward(&ids, &iv).unwrap();
    let got = pollster::block_on(gpu.forward(&ids, &iv)).unwrap();
    close("attention", &got.attention.weights, &want.attention.weights)?;
    close("hidden", got.hidden.as_slice(), want.hidden.as_slice())?;
    Ok(())
}

fn hf_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/hf")
        .join(name)
}

#[test]
fn all_minilm_l6_v2_on_the_gpu_equals_the_cpu() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/models/all-MiniLM-L6-v2");
    let dir = std::env::var_os("ATTNSCOPE_MINILM")
        .map(std::path::PathBuf::from)
        .unwrap_or(dir);
    if !dir.join("model.safetensors").exists() {
        eprintln!("SKIPPED all_minilm_l6_v2_on_the_gpu_equals_the_cpu: no all-MiniLM-L6-v2 folder (scripts/fetch-minilm.sh)");
        return;
    }
    for (t, seed) in [(1, 1), (16, 2), (128, 3)] {
        check_hf(&dir, t, seed, Interventions::default()).unwrap();
    }
    let iv = Interventions {
        masked_tokens: vec![3, 5],
        heads_off: vec![(0, 1), (5, 11)],
        ..Default::default()
    };
    check_hf(&dir, 40, 4, iv).unwrap();
}

#[test]
fn edge_cases_stay_finite_and_equal() {
    let c = config(false, true, false, 4, 32);
    // T = 0, T = 1, T = max, every token masked, every head off.
    check(c.clone(), 7, 0, Interventions::default()).unwrap();
    check(c.clone(), 1, 1, Interventions::default()).unwrap();
    check(c.clone(), 2, 512, Interventions::default()).unwrap();
    // The widest head the kernel holds (d_k = 128: key tiles of 12), T not a tile multiple.
    check(
        config(false, true, false, 1, 128),
        5,
        301,
        Interventions::default(),
    )
    .unwrap();
    check(
        c.clone(),
        3,
        9,
        Interventions {
            masked_tokens: (0..9).collect(),
            ..Default::default()
        },
    )
    .unwrap();
    let all_off = (0..2).flat_map(|l| (0..4).map(move |h| (l, h))).collect();
    check(
        config(true, false, true, 4, 32),
        4,
        17,
        Interventions {
            heads_off: all_off,
            ..Default::default()
        },
    )
    .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn hugging_face_layouts_equal_the_cpu_reference(
        distil in any::<bool>(), t in 1usize..=64, seed in any::<u64>(),
        masked in prop::collection::vec(0usize..64, 0..3), off in prop::collection::vec((0usize..2, 0usize..4), 0..3),
    ) {
        let dir = hf_fixture(if distil { "tiny-distilbert" } else { "tiny-bert" });
        check_hf(&dir, t, seed, Interventions { masked_tokens: masked, heads_off: off, ..Default::default() })?;
    }

    #[test]
    fn equals_the_cpu_reference(
        norm_first in any::<bool>(), gelu in any::<bool>(), mean in any::<bool>(), heads in prop::sample::select(vec![1usize, 2, 4]),
        dk in prop::sample::select(vec![8usize, 12, 16, 32, 64]),
        t in 1usize..=512, seed in any::<u64>(), masked in prop::collection::vec(0usize..512, 0..4),
        off in prop::collection::vec((0usize..2, 0usize..4), 0..3), temperature in 0.3f32..2.5,
    ) {
        // Heads 8 to 64 wide: key tiles of 64 down to 32 keys, T across several tiles.
        let d = heads * dk;
        let heads_off = off.into_iter().filter(|&(_, h)| h < heads).collect();
        check(config(norm_first, gelu, mean, heads, d), seed, t, Interventions { masked_tokens: masked, heads_off, temperature, inspect: None, edits: Vec::new() })?;
    }
}
