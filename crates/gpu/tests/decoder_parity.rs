//! The GPU decoder-only language model equals the CPU reference (`attnscope_core::decoder`)
//! within 1e-4 absolute + relative (÷ τ below 1: `common::tolerance_at`) — every causal map,
//! the last hidden state and the next-token candidates — for random weights, head widths,
//! lengths across the attention kernel's query and key tiles and random interventions, on a
//! real device (Mesa's lavapipe in CI). No query sees a later key: those weights are exactly
//! 0 on the GPU too.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use attnscope_core::config::{ModelConfig, TransformerConfig};
use attnscope_core::decoder::TransformerDecoderLm;
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use attnscope_gpu::decoder::GpuDecoder;
use attnscope_testkit::{random_tensors, to_safetensors, SplitMix};
use common::{close_within, context, tolerance_at};
use proptest::prelude::*;

fn config(heads: usize, d: usize, vocab: usize) -> TransformerConfig {
    let json = serde_json::json!({
        "architecture": "TransformerDecoderLm", "vocab_size": vocab, "d_model": d, "n_heads": heads,
        "n_layers": 2, "d_ff": 2 * d + 3, "max_len": 256, "layer_norm_eps": 1e-5, "pe_base": 10000.0,
        "scale_embedding": true, "activation": "gelu", "norm_first": true, "final_norm": true, "pad_id": 0
    });
    match ModelConfig::from_json(&json.to_string()).unwrap() {
        ModelConfig::TransformerDecoderLm(c) => c,
        _ => unreachable!(),
    }
}

fn check(
    config: TransformerConfig,
    seed: u64,
    t: usize,
    iv: Interventions,
) -> Result<(), TestCaseError> {
    let vocab = config.vocab_size;
    let bytes = to_safetensors(&random_tensors(
        &ModelConfig::TransformerDecoderLm(config.clone()),
        seed,
        0.3,
    ));
    let store = WeightStore::parse(&bytes).unwrap();
    let cpu = TransformerDecoderLm::load(config.clone(), &store).unwrap();
    let gpu = pollster::block_on(GpuDecoder::load(context(), config, &store)).unwrap();
    let mut rng = SplitMix(seed ^ 0xdec0de);
    let ids: Vec<u32> = (0..t).map(|_| rng.below(vocab) as u32).collect();
    let want = cpu.forward(&ids, &iv).unwrap();
    let got = pollster::block_on(gpu.forward(&ids, &iv)).unwrap();
    let tolerance = tolerance_at(iv.temperature());
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
    let probabilities = |next: &[(u32, f32)]| next.iter().map(|c| c.1).collect::<Vec<f32>>();
    close_within(
        "next-token probabilities",
        &probabilities(&got.next),
        &probabilities(&want.next),
        tolerance,
    )?;
    for (k, &w) in got.attention.weights.iter().enumerate() {
        let (i, j) = ((k / t) % t, k % t);
        prop_assert!(
            j <= i || w == 0.0,
            "query {} sees the later key {}: {}",
            i,
            j,
            w
        );
    }
    Ok(())
}

#[test]
fn edge_lengths() {
    // One token; across the 16-query tiles and the key tiles the causal kernel skips.
    for t in [1, 2, 16, 17, 65, 130] {
        check(config(4, 32, 40), 7, t, Interventions::default()).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn equals_the_cpu_reference(
        heads in prop::sample::select(vec![1usize, 2, 4]),
        dk in prop::sample::select(vec![8usize, 16, 32]),
        t in 1usize..=96,
        seed in any::<u64>(),
        masked in prop::collection::vec(0usize..96, 0..3),
        off in prop::collection::vec((0usize..2, 0usize..4), 0..2),
        temperature in prop::sample::select(vec![1.0f32, 0.7, 1.6]),
    ) {
        let heads_off = off.into_iter().filter(|&(_, h)| h < heads).collect();
        let iv = Interventions { masked_tokens: masked, heads_off, temperature, inspect: None, edits: Vec::new() };
        check(config(heads, heads * dk, 53), seed, t, iv)?;
    }
}
