#!/usr/bin/env bash
# Measures what a tokenizer adds to a release wasm build (opt-level z, LTO, stripped, gzip -9):
# a throwaway cdylib that parses a tokenizer.json and encodes a string, built three ways —
# nothing (baseline), attnscope-core's WordPiece encoder, and HF `tokenizers` (unstable_wasm).
# Usage: tools/measure-tokenizer-size.sh   (takes a few minutes; prints the three sizes)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mk() { # name, dependency line, body
  mkdir -p "$work/$1/src"
  cat > "$work/$1/Cargo.toml" <<TOML
[package]
name = "size-$1"
version = "0.0.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
[dependencies]
wasm-bindgen = "=0.2.130"
$2
[profile.release]
opt-level = "z"
lto = true
codegen-units = 1
panic = "abort"
strip = true
[workspace]
TOML
  cat > "$work/$1/src/lib.rs" <<RS
use wasm_bindgen::prelude::*;
#[wasm_bindgen]
pub fn encode(json: &str, text: &str) -> Vec<u32> {
    $3
}
RS
}
mk baseline "" 'vec![json.len() as u32, text.len() as u32]'
mk attnscope "attnscope-core = { path = \"$root/crates/core\" }" \
  'attnscope_core::tokenizer::WordPieceTokenizer::from_json(json).map(|t| t.encode(text).iter().map(|t| t.id).collect()).unwrap_or_default()'
mk hf 'tokenizers = { version = "0.22.2", default-features = false, features = ["unstable_wasm"] }
getrandom = { version = "0.3", features = ["wasm_js"] }' \
  'json.parse::<tokenizers::Tokenizer>().ok().and_then(|t| t.encode(text, true).ok()).map(|e| e.get_ids().to_vec()).unwrap_or_default()'
for name in baseline attnscope hf; do
  (cd "$work/$name" && RUSTFLAGS='--cfg getrandom_backend="wasm_js" -C target-feature=+simd128' \
    cargo build -q --release --target wasm32-unknown-unknown --target-dir "$work/target-$name")
  wasm=$(ls "$work/target-$name/wasm32-unknown-unknown/release/"*.wasm)
  printf '%-10s %8d bytes, %8d gzipped\n' "$name" "$(stat -c%s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
done
