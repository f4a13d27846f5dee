//! GPU engine vs CPU reference at the reference sizes, T = 16, 64, 128, 256, 512: the
//! Transformer (d = 128, 4 heads, 2 layers, d_ff = 512) and the BiLSTM (e = 64, H = 128,
//! 2 layers, attention 128), and the translator (e = H = a = 128, greedy decoding of 12 steps
//! on the GPU, T = source length); and the floor every forward pays: an
//! empty submit plus a 4-byte readback. Runs on whatever Vulkan device is present (lavapipe
//! here, an NVIDIA GPU on the GPU machine). `cargo bench -p attnscope-gpu --bench forward`.

use attnscope_core::bilstm::BiLstmAttentionClassifier;
use attnscope_core::config::ModelConfig;
use attnscope_core::seq2seq::Seq2SeqAttention;
use attnscope_core::transformer::TransformerEncoderClassifier;
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use attnscope_gpu::bilstm::GpuBiLstm;
use attnscope_gpu::readback::Floor;
use attnscope_gpu::seq2seq::GpuSeq2Seq;
use attnscope_gpu::transformer::GpuTransformer;
use attnscope_gpu::GpuContext;
use attnscope_testkit::{random_tensors, reference_configs, rounded_to_f16, to_safetensors};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn forward(c: &mut Criterion) {
    let context = pollster::block_on(GpuContext::request()).expect("a Vulkan device");
    eprintln!(
        "device: {} ({})",
        context.adapter.name, context.adapter.backend
    );
    let [config, bilstm_config, seq2seq_config] = reference_configs(8000);
    let ModelConfig::TransformerEncoderClassifier(tc) = config.clone() else {
        unreachable!()
    };
    let bytes = to_safetensors(&random_tensors(&config, 1, 0.1));
    let store = WeightStore::parse(&bytes).unwrap();
    let cpu = TransformerEncoderClassifier::load(tc.clone(), &store).unwrap();
    let gpu = pollster::block_on(GpuTransformer::load(&context, tc, &store)).unwrap();
    let iv = Interventions::default();
    let mut group = c.benchmark_group("transformer_forward");
    group.sample_size(20);
    for t in [16usize, 64, 128, 256, 512] {
        let ids: Vec<u32> = (0..t).map(|i| ((i * 7919 + 13) % 8000) as u32).collect();
        group.bench_with_input(BenchmarkId::new("gpu", t), &ids, |b, ids| {
            b.iter(|| pollster::block_on(gpu.forward(ids, &iv)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("cpu", t), &ids, |b, ids| {
            b.iter(|| cpu.forward(ids, &iv).unwrap())
        });
    }
    group.finish();

    let ModelConfig::BiLstmAttentionClassifier(bc) = bilstm_config.clone() else {
        unreachable!()
    };
    let tensors = random_tensors(&bilstm_config, 2, 0.1);
    let bytes = to_safetensors(&tensors);
    let store = WeightStore::parse(&bytes).unwrap();
    let cpu = BiLstmAttentionClassifier::load(bc.clone(), &store).unwrap();
    let gpu = pollster::block_on(GpuBiLstm::load(&context, bc.clone(), &store)).unwrap();
    // The same weights rounded to f16, as every shipped folder stores them: the recurrence
    // then reads W_hh as f16 pairs.
    let half_bytes = to_safetensors(&rounded_to_f16(tensors));
    let half_store = WeightStore::parse(&half_bytes).unwrap();
    let gpu_half = pollster::block_on(GpuBiLstm::load(&context, bc, &half_store)).unwrap();
    let mut group = c.benchmark_group("bilstm_forward");
    group.sample_size(20);
    for t in [16usize, 64, 128, 256, 512] {
        let ids: Vec<u32> = (0..t).map(|i| ((i * 7919 + 13) % 8000) as u32).collect();
        group.bench_with_input(BenchmarkId::new("gpu", t), &ids, |b, ids| {
            b.iter(|| pollster::block_on(gpu.forward(ids, &iv)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("gpu_f16_weights", t), &ids, |b, ids| {
            b.iter(|| pollster::block_on(gpu_half.forward(ids, &iv)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("cpu", t), &ids, |b, ids| {
            b.iter(|| cpu.forward(ids, &iv).unwrap())
        });
    }
    group.finish();

    let ModelConfig::Seq2SeqAttention(mut sc) = seq2seq_config.clone() else {
        unreachable!()
    };
    // The decoder kernels hold at most 256 source tokens (attnscope_gpu::seq2seq::MAX_SIZE).
    sc.max_src_len = sc.max_src_len.min(attnscope_gpu::seq2seq::MAX_SIZE);
    let bytes = to_safetensors(&random_tensors(&seq2seq_config, 3, 0.1));
    let store = WeightStore::parse(&bytes).unwrap();
    let cpu = Seq2SeqAttention::load(sc.clone(), &store).unwrap();
    let gpu = pollster::block_on(GpuSeq2Seq::load(&context, sc.clone(), &store)).unwrap();
    let mut group = c.benchmark_group("seq2seq_translate");
    group.sample_size(20);
    for t in [16usize, 64, 128, 256, 512]
        .into_iter()
        .filter(|&t| t <= sc.max_src_len)
    {
        let ids: Vec<u32> = (0..t).map(|i| ((i * 7919 + 13) % 8000) as u32).collect();
        group.bench_with_input(BenchmarkId::new("gpu", t), &ids, |b, ids| {
            b.iter(|| pollster::block_on(gpu.forward(ids, &iv)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("gpu_round_trip", t), &ids, |b, ids| {
            b.iter(|| pollster::block_on(gpu.forward_round_trip(ids, &iv)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("cpu", t), &ids, |b, ids| {
            b.iter(|| cpu.forward(ids, &iv).unwrap())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("floor");
    group.sample_size(20);
    // The floor: one empty submission that copies 4 bytes into a mappable buffer, read back.
    let floor = Floor::new(&context.device);
    group.bench_function("empty_submit_readback", |b| {
        b.iter(|| pollster::block_on(floor.run(&context.device, &context.queue)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, forward);
criterion_main!(benches);
