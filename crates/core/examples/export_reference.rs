//! Writes the benchmark models (reference sizes, the seeds and weights the GPU benches use) as
//! model folders' config.json + model.safetensors — `DIR/transformer` (seed 1), `DIR/bilstm`
//! (seed 2), `DIR/seq2seq` (seed 3, at most 256 source tokens as in the GPU bench) — for
//! comparing other runtimes on the same models:
//! `cargo run --release -p attnscope-core --example export_reference -- DIR`.

use attnscope_core::config::ModelConfig;
use attnscope_testkit::{random_tensors, reference_configs, to_safetensors};

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: export_reference DIR"),
    );
    let [transformer, bilstm, mut seq2seq] = reference_configs(8000);
    if let ModelConfig::Seq2SeqAttention(c) = &mut seq2seq {
        c.max_src_len = c.max_src_len.min(256);
    }
    for (name, config, seed) in [
        ("transformer", transformer, 1),
        ("bilstm", bilstm, 2),
        ("seq2seq", seq2seq, 3),
    ] {
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder).expect("create the folder");
        std::fs::write(
            folder.join("config.json"),
            serde_json::to_string_pretty(&config).expect("json"),
        )
        .expect("write config.json");
        std::fs::write(
            folder.join("model.safetensors"),
            to_safetensors(&random_tensors(&config, seed, 0.1)),
        )
        .expect("write model.safetensors");
        println!("wrote {}", folder.display());
    }
}
