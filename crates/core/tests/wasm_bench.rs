//! CPU reference speed in Chromium's wasm (a report, not a timed test): every architecture at
//! the default sizes, T = 16, 64, 128, 256; median and p95 of repeated forwards.
//!
//! `cargo test --release --target wasm32-unknown-unknown -p attnscope-core --test wasm_bench -- --nocapture`
#![cfg(target_arch = "wasm32")]

use attnscope_core::model::Network;
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use attnscope_testkit::{random_tensors, reference_configs, to_safetensors};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const VOCAB: usize = 8000;

fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

fn stats(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at =
        |q: f64| samples[((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    (at(0.5), at(0.95))
}

#[wasm_bindgen_test]
fn cpu_forward_in_wasm() {
    let networks = reference_configs(VOCAB).map(|config| {
        let bytes = to_safetensors(&random_tensors(&config, 1, 0.1));
        Network::load(&config, &WeightStore::parse(&bytes).unwrap()).unwrap()
    });
    let iv = Interventions::default();
    let mut rows = Vec::new();
    for len in [16usize, 64, 128, 256] {
        let ids: Vec<u32> = (0..len).map(|i| ((i * 7919 + 13) % VOCAB) as u32).collect();
        let runs = if len <= 64 { 30 } else { 12 };
        let time = |f: &dyn Fn()| {
            f(); // warm-up
            stats(
                (0..runs)
                    .map(|_| {
                        let t0 = now();
                        f();
                        now() - t0
                    })
                    .collect(),
            )
        };
        for (name, network) in ["transformer", "bilstm", "seq2seq_12_steps"]
            .iter()
            .zip(&networks)
        {
            let (median, p95) = time(&|| {
                network.forward(&ids, &iv).unwrap();
            });
            rows.push(format!(
                r#"{{"architecture":"{name}","T":{len},"median_ms":{median:.2},"p95_ms":{p95:.2}}}"#
            ));
        }
    }
    web_sys::console::log_1(&format!("CPU-WASM-BENCH [{}]", rows.join(",")).into());
    assert_eq!(rows.len(), 12);
}
