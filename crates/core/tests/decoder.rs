//! The decoder-only language model: its look-ahead mask is exact, a prefix's forward is the
//! full forward's first rows (what lets an engine extend a typed text instead of starting
//! again), and a model folder runs on text to a next-token trace.

mod common;

use attnscope_core::decoder::{top_candidates, TransformerDecoderLm, NEXT_TOKEN_CANDIDATES};
use attnscope_core::ops::softmax;
use attnscope_core::trace::{Attention, AttentionEdit, Output};
use attnscope_core::weights::WeightStore;
use attnscope_core::{Interventions, Model, ModelFiles};
use attnscope_testkit::{decoder_config, SplitMix};
use common::*;

fn random_decoder(vocab: usize, max_len: usize, seed: u64) -> TransformerDecoderLm {
    let config = decoder_config(vocab, max_len);
    let bytes = safetensors_bytes(&random_weights(&config, seed, 0.2));
    let attnscope_core::config::ModelConfig::TransformerDecoderLm(c) = config else {
        unreachable!()
    };
    TransformerDecoderLm::load(c, &WeightStore::parse(&bytes).unwrap()).unwrap()
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-5 * (1.0 + b.abs())
}

#[test]
fn no_query_sees_a_later_key_and_every_row_sums_to_one() {
    let model = random_decoder(50, 64, 3);
    let mut rng = SplitMix(9);
    for t in [1usize, 2, 7, 33] {
        let ids: Vec<u32> = (0..t).map(|_| rng.below(50) as u32).collect();
        let out = model.forward(&ids, &Interventions::default()).unwrap();
        for layer in 0..out.attention.layers {
            for head in 0..out.attention.heads {
                let map = out.attention.map(layer, head);
                for i in 0..t {
                    let row = &map[i * t..(i + 1) * t];
                    assert!(
                        row[i + 1..].iter().all(|&w| w == 0.0),
                        "T {t} row {i}: {row:?}"
                    );
                    let sum: f32 = row.iter().sum();
                    assert!((sum - 1.0).abs() < 1e-5, "T {t} row {i} sums to {sum}");
                }
            }
        }
        assert_eq!(out.next.len(), NEXT_TOKEN_CANDIDATES.min(50));
    }
}

#[test]
fn a_cached_forward_equals_a_full_one_over_random_edits() {
    // Property over random typing: appending tokens, deleting from the end, changing a token in
    // the middle, and now and then new interventions. Each forward of the model that keeps its
    // keys and values equals the forward of a fresh copy (which computes every position), and
    // reuses exactly the positions before the first change (all but the last when nothing
    // changed; none when the interventions did).
    let model = random_decoder(57, 64, 11);
    let mut rng = SplitMix(77);
    let mut ids: Vec<u32> = vec![0];
    let mut iv = Interventions::default();
    let mut last: Vec<u32> = Vec::new();
    let mut last_iv = iv.clone();
    for step in 0..60 {
        let mut first_change = ids.len();
        match rng.below(6) {
            0..=2 => {
                for _ in 0..1 + rng.below(3) {
                    if ids.len() < 64 {
                        ids.push(rng.below(57) as u32);
                    }
                }
            }
            3 if ids.len() > 2 => {
                let keep = 1 + rng.below(ids.len() - 1);
                ids.truncate(keep);
            }
            4 if ids.len() > 1 => {
                let at = 1 + rng.below(ids.len() - 1);
                ids[at] = (ids[at] + 1 + rng.below(55) as u32) % 57;
                first_change = at;
            }
            _ => {
                iv.heads_off = if step % 2 == 0 {
                    vec![(0, rng.below(4))]
                } else {
                    vec![]
                };
                iv.masked_tokens = if step % 3 == 0 {
                    vec![rng.below(ids.len())]
                } else {
                    vec![]
                };
            }
        }
        let common = last.iter().zip(&ids).take_while(|(a, b)| a == b).count();
        let want_reused = if iv == last_iv {
            common.min(first_change).min(ids.len() - 1)
        } else {
            0
        };
        let cached = model.forward(&ids, &iv).unwrap();
        let full = model.clone().forward(&ids, &iv).unwrap();
        assert_eq!(full.reused, 0, "a fresh copy computes every position");
        assert_eq!(cached.reused, want_reused, "step {step}: {ids:?}");
        assert_eq!(cached.attention.len, ids.len());
        assert_eq!(cached.attention.weights.len(), full.attention.weights.len());
        assert_eq!(cached.hidden.as_slice().len(), full.hidden.as_slice().len());
        assert_eq!(cached.next.len(), full.next.len(), "step {step} next");
        for (k, (a, b)) in cached
            .attention
            .weights
            .iter()
            .zip(&full.attention.weights)
            .enumerate()
        {
            assert!(close(*a, *b), "step {step} map value {k}: {a} vs {b}");
        }
        for (a, b) in cached.hidden.as_slice().iter().zip(full.hidden.as_slice()) {
            assert!(close(*a, *b), "step {step} hidden: {a} vs {b}");
        }
        for ((id, p), (fid, fp)) in cached.next.iter().zip(&full.next) {
            assert!(close(*p, *fp), "step {step} next: {p} vs {fp}");
            // The same token, or one of equal probability (ties may swap places).
            let tied = full
                .next
                .iter()
                .any(|(other, q)| other == id && close(*q, *fp));
            assert!(id == fid || tied, "step {step} next: token {id} vs {fid}");
        }
        last = ids.clone();
        last_iv = iv.clone();
    }
}

#[test]
fn an_attention_edit_sets_its_weight_keeps_the_row_a_distribution_and_moves_what_follows() {
    let model = random_decoder(40, 32, 8);
    let ids: Vec<u32> = vec![0, 5, 9, 13, 2, 7];
    let plain = model
        .clone()
        .forward(&ids, &Interventions::default())
        .unwrap();
    let edit = |query, key, weight| Interventions {
        edits: vec![AttentionEdit {
            layer: 0,
            head: 1,
            query,
            key,
            weight,
        }],
        ..Interventions::default()
    };
    // Query 4 pinned to key 1: all its weight there, every other key exactly 0.
    let pinned = model.clone().forward(&ids, &edit(4, 1, 1.0)).unwrap();
    let row = &pinned.attention.map(0, 1)[4 * 6..5 * 6];
    assert_eq!(row, &[0.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
    // A weight of 0.3: the others keep their proportions and the row sums to 1.
    let eased = model.clone().forward(&ids, &edit(4, 2, 0.3)).unwrap();
    let (before, after) = (
        &plain.attention.map(0, 1)[24..30],
        &eased.attention.map(0, 1)[24..30],
    );
    assert!(close(after[2], 0.3));
    assert!((after.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    let ratio = after[0] / before[0];
    for j in [1, 3, 4] {
        assert!(close(after[j] / before[j], ratio), "key {j} kept its share");
    }
    // Earlier rows and other heads of the layer are untouched; the next layer and the
    // prediction move.
    assert_eq!(
        &pinned.attention.map(0, 1)[..24],
        &plain.attention.map(0, 1)[..24]
    );
    assert_eq!(pinned.attention.map(0, 0), plain.attention.map(0, 0));
    assert_ne!(
        pinned.attention.map(1, 0)[24..30],
        plain.attention.map(1, 0)[24..30]
    );
    assert_ne!(pinned.next[0].1, plain.next[0].1);
    // A key after the query (the look-ahead mask) or outside the text: ignored.
    for (query, key) in [(2, 4), (4, 9), (9, 1)] {
        let ignored = model.clone().forward(&ids, &edit(query, key, 1.0)).unwrap();
        assert_eq!(ignored.attention, plain.attention, "edit ({query}, {key})");
    }
}

#[test]
fn a_prefix_forward_is_the_full_forwards_first_rows() {
    // Property over random texts and interventions: for every prefix ids[..=p], its maps are
    // the top-left block of the full maps and its next-token candidates are those of the full
    // forward's row p.
    let model = random_decoder(61, 48, 5);
    let mut rng = SplitMix(21);
    for case in 0..12 {
        let t = 1 + rng.below(30);
        let ids: Vec<u32> = (0..t).map(|_| rng.below(61) as u32).collect();
        let iv = Interventions {
            masked_tokens: if case % 3 == 0 {
                vec![rng.below(t)]
            } else {
                vec![]
            },
            heads_off: if case % 4 == 1 {
                vec![(1, rng.below(4))]
            } else {
                vec![]
            },
            temperature: if case % 2 == 0 { 1.0 } else { 0.6 },
            inspect: None,
            // A reader's edit changes its row and what follows, never an earlier row.
            edits: if case % 5 == 2 {
                vec![AttentionEdit {
                    layer: 0,
                    head: rng.below(4),
                    query: rng.below(t),
                    key: 0,
                    weight: 0.8,
                }]
            } else {
                vec![]
            },
        };
        let full = model.forward(&ids, &iv).unwrap();
        for p in 0..t {
            let prefix = model.forward(&ids[..=p], &iv).unwrap();
            let n = p + 1;
            for layer in 0..2 {
                for head in 0..4 {
                    let (a, b) = (
                        full.attention.map(layer, head),
                        prefix.attention.map(layer, head),
                    );
                    for i in 0..n {
                        for j in 0..n {
                            assert!(close(b[i * n + j], a[i * t + j]), "case {case} p {p}");
                        }
                    }
                }
            }
            let from_full = top_candidates(&softmax(&model.logits(full.hidden.row(p))));
            assert_eq!(prefix.next.len(), from_full.len(), "case {case} p {p}");
            for ((id, pr), (fid, fpr)) in prefix.next.iter().zip(&from_full) {
                assert!(close(*pr, *fpr), "case {case} p {p}: {pr} vs {fpr}");
                // Equal probabilities may swap places; distinct ones may not.
                let tied = from_full
                    .iter()
                    .any(|(other, q)| other == id && close(*q, *fpr));
                assert!(id == fid || tied, "case {case} p {p}: token {id} vs {fid}");
            }
        }
    }
}

#[test]
fn a_decoder_folder_runs_on_text_to_next_token_candidates() {
    let config = common::decoder_config(32);
    let weights = safetensors_bytes(&random_weights(&config, 4, 0.5));
    let model = Model::from_files(ModelFiles {
        config: &config_json(&config),
        weights: &weights,
        tokenizer: &tokenizer_json(WORDS),
        target_tokenizer: None,
    })
    .unwrap();
    assert_eq!(model.architecture(), "TransformerDecoderLm");
    let trace = model
        .run("the movie was", &Interventions::default())
        .unwrap();
    let texts: Vec<&str> = trace.tokens.iter().map(|t| t.text.as_str()).collect();
    // The start token, the text, and no closing [SEP]: the model predicts after "was".
    assert_eq!(texts, ["[CLS]", "the", "movie", "was"]);
    let Output::NextToken {
        position,
        candidates,
    } = &trace.output
    else {
        panic!("a next-token output: {:?}", trace.output)
    };
    assert_eq!(*position, 3);
    assert_eq!(
        candidates.len(),
        (5 + WORDS.len()).min(NEXT_TOKEN_CANDIDATES)
    );
    assert!(candidates
        .windows(2)
        .all(|w| w[0].probability >= w[1].probability));
    let total: f32 = candidates.iter().map(|c| c.probability).sum();
    assert!(
        (total - 1.0).abs() < 1e-4,
        "every token is a candidate here: {total}"
    );
    assert!(candidates
        .iter()
        .all(|c| !c.token.is_empty() && c.token != "[?]"));
    let Attention::SelfAttention(maps) = &trace.attention else {
        panic!("causal maps")
    };
    assert_eq!((maps.len, maps.layers, maps.heads), (4, 2, 4));
    // A long text is cut to max_len, the trace says so, and no [SEP] is left at the end.
    let long = "the movie was good ".repeat(20);
    let trace = model.run(&long, &Interventions::default()).unwrap();
    assert!(
        trace.truncated && trace.tokens.len() == 31,
        "{}",
        trace.tokens.len()
    );
    assert!(!trace.tokens.last().unwrap().special);
}
