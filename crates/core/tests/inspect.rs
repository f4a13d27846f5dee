//! The teaching views' numbers: an inspected head's steps recompose into the map the model
//! uses, and the BiLSTM's pooling steps into its weights (shipped folders); and a text the
//! model cannot read is named as such.
#![cfg(not(target_arch = "wasm32"))] // reads folders from disk

use attnscope_core::ops::{dot, softmax_parts};
use attnscope_core::trace::Attention;
use attnscope_core::{Interventions, Model};
use std::path::Path;

fn model(name: &str) -> Model {
    Model::from_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/models")
            .join(name),
    )
    .unwrap()
}

fn close(a: f32, b: f32, what: &str) {
    assert!(
        (a - b).abs() <= 1e-5 * (1.0 + b.abs()),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn an_inspected_head_recomposes_into_its_map() {
    let model = model("sentiment-transformer");
    for (layer, head, masked) in [(0, 0, vec![]), (1, 2, vec![2]), (1, 3, vec![])] {
        let iv = Interventions {
            inspect: Some((layer, head)),
            masked_tokens: masked.clone(),
            heads_off: vec![(1, 3)],
            ..Interventions::default()
        };
        let trace = model.run("not bad at all, a great cast", &iv).unwrap();
        let detail = trace.detail.clone().expect("inspected");
        let Attention::SelfAttention(maps) = &trace.attention else {
            panic!("maps")
        };
        let t = maps.len;
        let map = maps.map(layer, head);
        assert_eq!(
            (
                detail.embedded.rows(),
                detail.positions.rows(),
                detail.input.rows()
            ),
            (t, t, t)
        );
        if layer == 0 {
            for (i, x) in detail.input.as_slice().iter().enumerate() {
                close(
                    *x,
                    detail.embedded.as_slice()[i] + detail.positions.as_slice()[i],
                    "X⁰ = E + PE",
                );
            }
        }
        for i in 0..t {
            for j in 0..t {
                close(
                    dot(detail.q.row(i), detail.k.row(j)),
                    detail.raw_scores.get(i, j).unwrap(),
                    "q·k",
                );
                close(
                    detail.raw_scores.get(i, j).unwrap() * detail.scale,
                    detail.scores.get(i, j).unwrap(),
                    "scaled",
                );
            }
            let parts = softmax_parts(detail.scores.row(i), |j| !masked.contains(&j));
            for j in 0..t {
                close(
                    parts.weights[j],
                    map[i * t + j],
                    "softmax = the model's map",
                );
                if masked.contains(&j) {
                    assert_eq!(map[i * t + j], 0.0);
                }
            }
            let dk = detail.v.cols();
            for c in 0..dk {
                let want: f32 = if (layer, head) == (1, 3) {
                    0.0
                } else {
                    (0..t)
                        .map(|j| map[i * t + j] * detail.v.get(j, c).unwrap())
                        .sum()
                };
                close(detail.output.get(i, c).unwrap(), want, "A·V (0 when off)");
                close(detail.concat.get(i, head * dk + c).unwrap(), want, "concat");
            }
        }
        assert_eq!(detail.projected.rows(), t);
    }
}

#[test]
fn the_pooling_steps_recompose_into_its_weights() {
    let model = model("sentiment-bilstm");
    let iv = Interventions {
        inspect: Some((0, 0)),
        masked_tokens: vec![1],
        ..Interventions::default()
    };
    let trace = model.run("not bad at all", &iv).unwrap();
    let detail = trace.pooling_detail.clone().expect("inspected");
    let Attention::Pooling { weights } = &trace.attention else {
        panic!("pooling")
    };
    for (t, score) in detail.scores.iter().enumerate() {
        close(
            dot(&detail.query, detail.hidden.row(t)),
            *score,
            "score = v·u",
        );
    }
    let parts = softmax_parts(&detail.scores, |t| t != 1);
    for (a, b) in parts.weights.iter().zip(weights) {
        close(*a, *b, "α");
    }
    assert_eq!(weights[1], 0.0, "a masked token's α is 0");
    for c in 0..detail.context.len() {
        let want: f32 = weights
            .iter()
            .enumerate()
            .map(|(t, a)| a * detail.states.get(t, c).unwrap())
            .sum();
        close(detail.context[c], want, "s = Σ α h");
    }
    assert!(
        Model::run(&model, "x", &Interventions::default())
            .unwrap()
            .pooling_detail
            .is_none(),
        "kept only when asked"
    );
}

/// Chinese typed into an English model still runs, but the trace says most words are unknown
/// (the words counted, and the notice a reader sees); English text carries no such notice.
#[test]
fn a_text_the_model_cannot_read_is_named_not_scored_silently() {
    for name in [
        "sentiment-transformer",
        "sentiment-bilstm",
        "translate-en-es",
    ] {
        let model = model(name);
        let trace = model
            .run("这部电影 太好看了 真的", &Interventions::default())
            .unwrap();
        let unknown = trace.unknown_words.expect("most words unknown");
        assert_eq!(unknown.unknown, unknown.words, "{name}: {unknown:?}");
        assert!(unknown.words >= 3, "{name}: {unknown:?}");
        let message = trace.message.as_deref().unwrap_or_default();
        assert!(
            message.contains(&format!("{} of {} words", unknown.unknown, unknown.words)),
            "{name}: {message}"
        );
        // Half unknown is not "most": the notice is for texts the model mostly cannot read.
        let half = model
            .run("good film 电影", &Interventions::default())
            .unwrap();
        assert_eq!(half.unknown_words, None, "{name}");
        let english = model
            .run("the film was not bad at all", &Interventions::default())
            .unwrap();
        assert_eq!(english.unknown_words, None, "{name}");
        assert_eq!(english.message, None, "{name}");
    }
}
