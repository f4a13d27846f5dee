//! Properties of the reference over random models, inputs and interventions (proptest).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use attnscope_core::config::ModelConfig;
use attnscope_core::model::Network;
use attnscope_core::ops::masked_softmax;
use attnscope_core::trace::{Attention, Output};
use attnscope_core::{Interventions, Model, ModelFiles};
use common::*;
use proptest::prelude::*;

fn model(config: &ModelConfig, seed: u64) -> Model {
    let weights = safetensors_bytes(&random_weights(config, seed, 0.6));
    let tokenizer = tokenizer_json(WORDS);
    Model::from_files(ModelFiles {
        config: &config_json(config),
        weights: &weights,
        tokenizer: &tokenizer,
        target_tokenizer: Some(&tokenizer),
    })
    .unwrap()
}

fn text_of(indices: &[usize]) -> String {
    indices
        .iter()
        .map(|&i| WORDS[i % WORDS.len()].trim_start_matches("##"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn words() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..100, 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn attention_rows_sum_to_one_and_masked_keys_get_zero(
        seed in 0u64..1000, indices in words(), norm_first in any::<bool>(),
        mask in prop::collection::vec(0usize..48, 0..4), temperature in 0.2f32..3.0,
    ) {
        let config = transformer_config(norm_first, 64);
        let m = model(&config, seed);
        let iv = Interventions { masked_tokens: mask.clone(), temperature, ..Default::default() };
        let trace = m.run(&text_of(&indices), &iv).unwrap();
        let Attention::SelfAttention(a) = &trace.attention else { panic!() };
        let all_masked = (0..a.len).all(|t| mask.contains(&t));
        for l in 0..a.layers {
            for h in 0..a.heads {
                let map = a.map(l, h);
                for q in 0..a.len {
                    let row = &map[q * a.len..(q + 1) * a.len];
                    let sum: f32 = row.iter().sum();
                    if all_masked {
                        prop_assert!(row.iter().all(|&v| v == 0.0));
                    } else {
                        prop_assert!((sum - 1.0).abs() <= 1e-6, "row sum {sum}");
                    }
                    for &k in &mask {
                        if k < a.len {
                            prop_assert_eq!(row[k], 0.0);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn padding_after_the_sequence_does_not_change_the_result(seed in 0u64..1000, indices in words(), pads in 1usize..6, norm_first in any::<bool>()) {
        // As in a padded batch: [PAD] ids after the whole sequence, masked as keys.
        let config = transformer_config(norm_first, 64);
        let m = model(&config, seed);
        let Network::Transformer(network) = &m.network else { panic!() };
        let ids: Vec<u32> = m.tokenizer.encode(&text_of(&indices)).iter().map(|t| t.id).collect();
        let n = ids.len();
        let plain = network.forward(&ids, &Interventions::default()).unwrap();
        let padded_ids: Vec<u32> = ids.iter().copied().chain(std::iter::repeat_n(0, pads)).collect();
        let iv = Interventions { masked_tokens: (n..n + pads).collect(), ..Default::default() };
        let padded = network.forward(&padded_ids, &iv).unwrap();
        prop_assert_eq!(&plain.classification.logits, &padded.classification.logits);
        let t = n + pads;
        for (l, h) in [(0, 0), (1, 3)] {
            let (a, b) = (plain.attention.map(l, h), padded.attention.map(l, h));
            for q in 0..n {
                prop_assert_eq!(&a[q * n..(q + 1) * n], &b[q * t..q * t + n]);
            }
        }
    }

    #[test]
    fn softmax_stays_finite_for_huge_logits(logits in prop::collection::vec(-1e4f32..1e4, 1..300), masked in prop::collection::vec(any::<bool>(), 300)) {
        let p = masked_softmax(&logits, |i| !masked[i]);
        prop_assert!(p.iter().all(|v| v.is_finite() && *v >= 0.0));
        let sum: f32 = p.iter().sum();
        prop_assert!((sum - 1.0).abs() <= 1e-5 || (0..logits.len()).all(|i| masked[i]));
    }

    #[test]
    fn all_heads_off_and_all_tokens_masked_stay_finite(seed in 0u64..1000, indices in words()) {
        for config in [transformer_config(true, 64), transformer_config(false, 64), bilstm_config(), seq2seq_config(), decoder_config(64)] {
            let m = model(&config, seed);
            let iv = Interventions {
                heads_off: (0..2).flat_map(|l| (0..4).map(move |h| (l, h))).collect(),
                masked_tokens: (0..64).collect(),
                temperature: 0.05,
                inspect: Some((1, 3)),
                // An edit of a masked key: ignored, nothing becomes non-finite.
                edits: vec![attnscope_core::trace::AttentionEdit { layer: 0, head: 1, query: 2, key: 1, weight: 0.7 }],
            };
            let trace = m.run(&text_of(&indices), &iv).unwrap();
            match &trace.output {
                Output::Classification(c) => prop_assert!(c.logits.iter().chain(&c.probabilities).all(|v| v.is_finite())),
                Output::Translation { .. } => match &trace.attention {
                    Attention::Cross { weights } => prop_assert!(weights.as_slice().iter().all(|v| v.is_finite())),
                    _ => prop_assert!(false, "a translation has cross-attention"),
                },
                Output::NextToken { candidates, .. } => {
                    prop_assert!(!candidates.is_empty());
                    prop_assert!(candidates.iter().all(|c| c.probability.is_finite() && c.probability >= 0.0));
                }
                Output::None => prop_assert!(false, "ran"),
            }
        }
    }
}
