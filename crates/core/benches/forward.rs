//! CPU speed of every architecture at the default model sizes (Transformer d = 128, 4 heads,
//! 2 layers, d_ff = 512; BiLSTM hidden 128, 2 layers; seq2seq hidden 128, 12 decoding steps),
//! T = 16, 64, 128, 256. `cargo bench -p attnscope-core --bench forward`.

use attnscope_core::bilstm::BiLstmAttentionClassifier;
use attnscope_core::config::ModelConfig;
use attnscope_core::manifest::{random_tensors, to_safetensors};
use attnscope_core::seq2seq::Seq2SeqAttention;
use attnscope_core::transformer::TransformerEncoderClassifier;
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;

const LENGTHS: [usize; 4] = [16, 64, 128, 256];
const VOCAB: usize = 8000;

fn config(json: serde_json::Value) -> ModelConfig {
    ModelConfig::from_json(&json.to_string()).unwrap()
}

fn ids(t: usize) -> Vec<u32> {
    (0..t).map(|i| ((i * 7919 + 13) % VOCAB) as u32).collect()
}

fn forward(c: &mut Criterion) {
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
    let bytes = |config: &ModelConfig| to_safetensors(&random_tensors(config, 1, 0.1));
    let (tb, bb, sb) = (bytes(&transformer), bytes(&bilstm), bytes(&seq2seq));
    let unwrap = |c: &ModelConfig| c.clone();
    let ModelConfig::TransformerEncoderClassifier(tc) = unwrap(&transformer) else {
        unreachable!()
    };
    let ModelConfig::BiLstmAttentionClassifier(bc) = unwrap(&bilstm) else {
        unreachable!()
    };
    let ModelConfig::Seq2SeqAttention(sc) = unwrap(&seq2seq) else {
        unreachable!()
    };
    let t = TransformerEncoderClassifier::load(tc, &WeightStore::parse(&tb).unwrap()).unwrap();
    let b = BiLstmAttentionClassifier::load(bc, &WeightStore::parse(&bb).unwrap()).unwrap();
    let s = Seq2SeqAttention::load(sc, &WeightStore::parse(&sb).unwrap()).unwrap();
    let iv = Interventions::default();
    let mut group = c.benchmark_group("cpu_forward");
    group.sample_size(30);
    for len in LENGTHS {
        let input = ids(len);
        group.bench_with_input(BenchmarkId::new("transformer", len), &input, |bench, x| {
            bench.iter(|| t.forward(black_box(x), &iv).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("bilstm", len), &input, |bench, x| {
            bench.iter(|| b.forward(black_box(x), &iv).unwrap())
        });
        group.bench_with_input(
            BenchmarkId::new("seq2seq_12_steps", len),
            &input,
            |bench, x| bench.iter(|| s.forward(black_box(x), &iv).unwrap()),
        );
    }
    group.finish();
}

criterion_group!(benches, forward);
criterion_main!(benches);
