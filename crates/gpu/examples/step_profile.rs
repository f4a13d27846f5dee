//! Where a forward's time goes on the GPU: what each dispatch adds to the wall time of the
//! reference Transformer and BiLSTM (the benchmark's sizes, random weights) at T = 128, summed
//! by kernel, beside the floor (an empty pass, submitted and waited for).
//! `cargo run --release -p attnscope-gpu --example step_profile [T] [repeats]`.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use attnscope_core::config::ModelConfig;
    use attnscope_core::weights::WeightStore;
    use attnscope_gpu::bilstm::GpuBiLstm;
    use attnscope_gpu::transformer::GpuTransformer;
    use attnscope_gpu::GpuContext;
    use attnscope_testkit::{random_tensors, reference_configs, rounded_to_f16, to_safetensors};

    let mut args = std::env::args().skip(1);
    let t: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(128);
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let context = pollster::block_on(GpuContext::request()).expect("a Vulkan device");
    println!(
        "device: {} ({}), T = {t}, median of {repeats}",
        context.adapter.name, context.adapter.backend
    );
    let ids: Vec<u32> = (0..t).map(|i| ((i * 7919 + 13) % 8000) as u32).collect();
    let [transformer, bilstm, _] = reference_configs(8000);

    let report = |name: &str, (floor, steps): (f64, Vec<(&'static str, f64)>)| {
        let total: f64 = floor + steps.iter().map(|s| s.1).sum::<f64>();
        println!(
            "\n{name}: {} dispatches, {total:.3} ms in all, floor {floor:.3} ms ({:.1}× the floor)",
            steps.len(),
            total / floor
        );
        let mut by_kernel: Vec<(&str, usize, f64)> = Vec::new();
        for (kernel, ms) in &steps {
            match by_kernel.iter_mut().find(|k| k.0 == *kernel) {
                Some(k) => {
                    k.1 += 1;
                    k.2 += ms;
                }
                None => by_kernel.push((kernel, 1, *ms)),
            }
        }
        by_kernel.sort_by(|a, b| b.2.total_cmp(&a.2));
        for (kernel, count, ms) in by_kernel {
            println!(
                "  {kernel:<24} {count:>4} dispatches {ms:>8.3} ms  ({:.1} µs each)",
                1e3 * ms / count as f64
            );
        }
    };

    let ModelConfig::TransformerEncoderClassifier(tc) = transformer.clone() else {
        unreachable!()
    };
    let bytes = to_safetensors(&random_tensors(&transformer, 1, 0.1));
    let store = WeightStore::parse(&bytes).expect("weights");
    let gpu = pollster::block_on(GpuTransformer::load(&context, tc, &store)).expect("load");
    report(
        "Transformer",
        pollster::block_on(gpu.profile(&ids, repeats)).expect("profile"),
    );

    let ModelConfig::BiLstmAttentionClassifier(bc) = bilstm.clone() else {
        unreachable!()
    };
    // f32 weights, then the same rounded to f16 as the shipped folders (W_hh read as f16 pairs).
    let tensors = random_tensors(&bilstm, 2, 0.1);
    for (name, tensors) in [
        ("BiLSTM, f32 weights", tensors.clone()),
        ("BiLSTM, f16 weights", rounded_to_f16(tensors)),
    ] {
        let bytes = to_safetensors(&tensors);
        let store = WeightStore::parse(&bytes).expect("weights");
        let gpu = pollster::block_on(GpuBiLstm::load(&context, bc.clone(), &store)).expect("load");
        report(
            name,
            pollster::block_on(gpu.profile(&ids, repeats)).expect("profile"),
        );
    }
}
