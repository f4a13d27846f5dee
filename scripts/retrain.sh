#!/usr/bin/env bash
# Retrains all five models from scratch: fetches the data, trains the tokenizers and models
# (candle, CPU), writes assets/models/*/ with their MODEL_CARD.md and the fidelity fixtures in
# crates/train/tests/fixtures/. Extra arguments go to attnscope-train, e.g. `--only
# sentiment-bilstm`, `--resume` (continue after an interruption), `--stop-after SECONDS`.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="$(bash scripts/fetch-data.sh | tail -1)"
cargo build --release -p attnscope-train
time ./target/release/attnscope-train --data "$DATA" --work "${ATTNSCOPE_WORK:-target/train-work}" \
  --out assets/models --fixtures crates/train/tests/fixtures "$@"
