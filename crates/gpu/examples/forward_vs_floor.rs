//! Issue 17's yardstick, measured paired: a whole GPU forward call of the reference
//! Transformer (uniforms, recording, submit, every map and the hidden state read back) against
//! the floor (an empty submit with a 4-byte readback), the two alternating call by call so
//! that both meet the machine in the same state; criterion measures them minutes apart, and
//! the floor alone moved 60 → 89 µs between two runs of one lease on the H200.
//! `cargo run --release -p attnscope-gpu --example forward_vs_floor [ROUNDS]`: for T = 16,
//! 128 and 512, the median and p95 of each and the ratio of the medians.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use attnscope_core::config::ModelConfig;
    use attnscope_core::weights::WeightStore;
    use attnscope_core::Interventions;
    use attnscope_gpu::readback::Floor;
    use attnscope_gpu::transformer::GpuTransformer;
    use attnscope_gpu::GpuContext;
    use attnscope_testkit::{random_tensors, reference_configs, to_safetensors};
    use std::time::Instant;

    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(400);
    let context = pollster::block_on(GpuContext::request()).expect("a Vulkan device");
    println!(
        "device: {} ({}), {rounds} rounds, µs",
        context.adapter.name, context.adapter.backend
    );
    let [transformer, _, _] = reference_configs(8000);
    let ModelConfig::TransformerEncoderClassifier(tc) = transformer.clone() else {
        unreachable!()
    };
    let bytes = to_safetensors(&random_tensors(&transformer, 1, 0.1));
    let store = WeightStore::parse(&bytes).expect("weights");
    let gpu = pollster::block_on(GpuTransformer::load(&context, tc, &store)).expect("load");
    let floor = Floor::new(&context.device);
    let iv = Interventions::default();
    let micros = |started: Instant| started.elapsed().as_secs_f64() * 1e6;
    let stats = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[(v.len() * 95 / 100).min(v.len() - 1)])
    };
    for t in [16usize, 128, 512] {
        let ids: Vec<u32> = (0..t).map(|i| ((i * 7919 + 13) % 8000) as u32).collect();
        let (mut floors, mut forwards) = (Vec::new(), Vec::new());
        for round in 0..rounds + 20 {
            let started = Instant::now();
            pollster::block_on(floor.run(&context.device, &context.queue)).expect("floor");
            let floor_us = micros(started);
            let started = Instant::now();
            pollster::block_on(gpu.forward(&ids, &iv)).expect("forward");
            // The first 20 rounds warm both paths up and are not counted.
            if round >= 20 {
                floors.push(floor_us);
                forwards.push(micros(started));
            }
        }
        let (floor_median, floor_p95) = stats(floors);
        let (forward_median, forward_p95) = stats(forwards);
        println!(
            "T = {t:>3}: forward {forward_median:7.1} (p95 {forward_p95:7.1}), floor \
             {floor_median:5.1} (p95 {floor_p95:5.1}), forward / floor {:.2}×",
            forward_median / floor_median
        );
    }
}
