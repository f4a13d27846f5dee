//! Writes the benchmark Transformer (reference sizes, seed 1, the weights the benches use) as
//! a model folder's config.json + model.safetensors, for comparing other runtimes on the same
//! model: `cargo run --release -p attnscope-core --example export_reference -- DIR`.

use attnscope_core::manifest::{random_tensors, reference_configs, to_safetensors};

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: export_reference DIR"),
    );
    std::fs::create_dir_all(&dir).expect("create DIR");
    let [config, _, _] = reference_configs(8000);
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_string_pretty(&config).expect("json"),
    )
    .expect("write config.json");
    std::fs::write(
        dir.join("model.safetensors"),
        to_safetensors(&random_tensors(&config, 1, 0.1)),
    )
    .expect("write model.safetensors");
    println!("wrote {}", dir.display());
}
