#!/usr/bin/env bash
# Renders the attention images the sentiment cards show (three checklist sentences: the
# BiLSTM's pooling, the Transformer's rollout) into docs/images/cards/, with attnscope-cli.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p attnscope-cli
mkdir -p docs/images/cards
i=0
for text in "it was not bad at all" "a great cast wasted on a weak script" "utterly delightful"; do
  i=$((i + 1))
  ./target/release/attnscope-cli render --model assets/models/sentiment-bilstm --text "$text" \
    --view pooling --format png -o "docs/images/cards/sentiment-bilstm-pooling-$i.png"
  ./target/release/attnscope-cli render --model assets/models/sentiment-transformer --text "$text" \
    --view rollout --format png -o "docs/images/cards/sentiment-transformer-rollout-$i.png"
done
