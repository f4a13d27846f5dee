//! CPU speed of every architecture at the default model sizes (Transformer d = 128, 4 heads,
//! 2 layers, d_ff = 512; BiLSTM hidden 128, 2 layers; seq2seq hidden 128, 12 decoding steps),
//! T = 16, 64, 128, 256. `cargo bench -p attnscope-core --bench forward`.

use attnscope_core::model::Network;
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use attnscope_testkit::{random_tensors, reference_configs, to_safetensors};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;

const LENGTHS: [usize; 4] = [16, 64, 128, 256];
const VOCAB: usize = 8000;
/// Names of `reference_configs`' three networks, in order.
const NAMES: [&str; 3] = ["transformer", "bilstm", "seq2seq_12_steps"];

fn ids(t: usize) -> Vec<u32> {
    (0..t).map(|i| ((i * 7919 + 13) % VOCAB) as u32).collect()
}

fn forward(c: &mut Criterion) {
    let networks = reference_configs(VOCAB).map(|config| {
        let bytes = to_safetensors(&random_tensors(&config, 1, 0.1));
        Network::load(&config, &WeightStore::parse(&bytes).unwrap()).unwrap()
    });
    let iv = Interventions::default();
    let mut group = c.benchmark_group("cpu_forward");
    group.sample_size(30);
    for len in LENGTHS {
        let input = ids(len);
        for (name, network) in NAMES.iter().zip(&networks) {
            group.bench_with_input(BenchmarkId::new(*name, len), &input, |bench, x| {
                bench.iter(|| network.forward(black_box(x), &iv).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, forward);
criterion_main!(benches);
