#!/usr/bin/env python3
"""The student step of issue 16's distillation (GPU machine, or any CPU: it is slower there):

    python3 tools/distil/student.py --splits DIR --minilm DIR --teacher DIR --out DIR \
        [--task sentiment] [--arch bilstm] [--seeds 1,2,3]

Trains the shipped classifiers (`<task>-transformer`, `<task>-bilstm`) on the teacher's soft
labels over the transfer set (teacher.py wrote them, keyed by text hash):

- the vocabulary: the 8,000 (`--vocab`) teacher WordPiece tokens the transfer set uses most
  (every ASCII character and its `##` form kept, so no English word becomes [UNK]); the
  tokenizer is the teacher's (same normaliser and pre-tokeniser) with that vocabulary;
- embeddings initialised by PCA of the teacher's input embeddings of those tokens;
- loss = MSE(student logits, teacher logits) (Tang et al. 2019) + a label-smoothed cross
  entropy on the gold label of the original training texts; for the BiLSTM, its attention
  pooling is also pulled towards the teacher's word saliency (cross entropy of the pooling
  weights against the saliency spread over each word's pieces, nothing on [CLS] / [SEP]);
- word dropout; several seeds, the best dev accuracy (gold labels, f16 weights) kept;
- optionally (`--negated-repeats K`) the negation copies visited K times an epoch;
- optionally (`--pretrain-epochs N`) the student is first pretrained as a masked language model
  on the transfer texts (the Transformer's encoder or the BiLSTM's, the same head), saved as
  OUT/<model>-pretrained-seed<S>.pt, then distilled (`--pretrain-unlabelled N` adds N
  unlabelled sentences the teacher never saw to the pretraining); `--load-pretrained FILE`
  starts other distillation runs from such a file.

Writes OUT/<model>/ (config.json, model.safetensors in f16 under attnscope-core's PyTorch
names, tokenizer.json), OUT/<model>.json (the fidelity fixture: 100 test texts, their ids
and the logits of the f16 weights in float64) and OUT/<model>-student.json (the figures).
The networks are the ones tools/golden/make_fixtures.py checks attnscope-core against.
"""
import argparse
import copy
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

VOCAB = 8000
MAX_LEN = 128
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
STARTED = time.time()


# --------------------------------------------------------------------------------------------
# Vocabulary and tokenizer
# --------------------------------------------------------------------------------------------
def student_tokenizer(minilm_dir, texts, size=VOCAB):
    """(tokenizer JSON text, student id → teacher id): the teacher's tokenizer over its `size`
    most used teacher tokens."""
    teacher = Tokenizer.from_file(str(Path(minilm_dir, "tokenizer.json")))
    teacher.no_padding()
    teacher.no_truncation()
    vocab = teacher.get_vocab()
    counts = {}
    for enc in teacher.encode_batch(texts, add_special_tokens=False):
        for i in enc.ids:
            counts[i] = counts.get(i, 0) + 1
    chars = [c for c in map(chr, range(33, 127)) if not c.isupper()]
    keep = SPECIALS + [t for c in chars for t in (c, "##" + c) if t in vocab]
    inverse = {i: t for t, i in vocab.items()}
    for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(keep) >= size:
            break
        token = inverse[i]
        if token not in keep:
            keep.append(token)
    keep = list(dict.fromkeys(keep))[:size]
    spec = json.loads(Path(minilm_dir, "tokenizer.json").read_text())
    spec["truncation"] = None
    spec["padding"] = None
    spec["model"]["vocab"] = {t: i for i, t in enumerate(keep)}
    spec["added_tokens"] = [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
        for i, t in enumerate(SPECIALS)
    ]
    spec["post_processor"] = {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]}
    return json.dumps(spec, ensure_ascii=False), [vocab[t] for t in keep]


def pca_embeddings(teacher_rows, dim, std):
    """The teacher's embedding rows projected on their first `dim` principal components,
    scaled to standard deviation `std`."""
    x = teacher_rows.double()
    x = x - x.mean(0, keepdim=True)
    _, _, v = torch.linalg.svd(x, full_matrices=False)
    y = x @ v[:dim].T
    return (y / y.std() * std).float()


# --------------------------------------------------------------------------------------------
# The networks, as attnscope-core computes them
# --------------------------------------------------------------------------------------------
def sinusoidal(n, d, base=10000.0):
    pos = torch.arange(n, dtype=torch.float64)[:, None]
    i = torch.arange(d // 2, dtype=torch.float64)[None, :]
    angle = pos / base ** (2 * i / d)
    pe = torch.zeros(n, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe


class TransformerStudent(nn.Module):
    """Post-norm (or pre-norm with a final LayerNorm) encoder, GELU, sinusoidal positions,
    embeddings × √d, [CLS] or mean pooling (the mean over every token of the text, [CLS] and
    [SEP] included, as attnscope-core)."""

    def __init__(self, cfg, dropout):
        super().__init__()
        d = cfg["d_model"]
        self.cfg = cfg
        self.embedding = nn.Embedding(cfg["vocab_size"], d)
        self.layers = nn.ModuleList([
            nn.TransformerEncoderLayer(d, cfg["n_heads"], cfg["d_ff"], dropout=dropout, activation="gelu",
                                       layer_norm_eps=cfg["layer_norm_eps"], batch_first=True,
                                       norm_first=cfg["norm_first"])
            for _ in range(cfg["n_layers"])
        ])
        if cfg["final_norm"]:
            self.final_norm = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.classifier = nn.Linear(d, len(cfg["labels"]))
        self.register_buffer("pe", sinusoidal(cfg["max_len"], d, cfg["pe_base"]).float(), persistent=False)

    def encode(self, ids, valid):
        """Every token's output state (B × T × d)."""
        x = self.embedding(ids) * math.sqrt(self.cfg["d_model"]) + self.pe[: ids.shape[1]]
        pad = ~valid
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=pad)
        if self.cfg["final_norm"]:
            x = self.final_norm(x)
        return x

    @property
    def state_width(self):
        """The width of one token's output state."""
        return self.cfg["d_model"]

    # The embeddings start at standard deviation 1/√d, so tied MLM logits start near unit scale.
    mlm_logit_scale = 1.0

    def forward(self, ids, valid):
        x = self.encode(ids, valid)
        if self.cfg["pooling"] == "mean":
            keep = valid[..., None].to(x.dtype)
            return self.classifier((x * keep).sum(1) / keep.sum(1)), None
        return self.classifier(x[:, 0]), None


class BiLstmStudent(nn.Module):
    """BiLSTM, additive attention pooling vᵀ·tanh(W·h + b), a linear classifier."""

    def __init__(self, cfg, dropout):
        super().__init__()
        e, h, a = cfg["embedding_dim"], cfg["hidden_size"], cfg["attention_dim"]
        self.embedding = nn.Embedding(cfg["vocab_size"], e)
        self.lstm = nn.LSTM(e, h, num_layers=cfg["num_layers"], bidirectional=True, batch_first=True,
                            dropout=dropout if cfg["num_layers"] > 1 else 0.0)
        self.attention = nn.ModuleDict({"proj": nn.Linear(2 * h, a), "v": nn.Linear(a, 1, bias=False)})
        self.classifier = nn.Linear(2 * h, len(cfg["labels"]))
        self.drop = nn.Dropout(dropout)
        self.state_width = 2 * h
        # The embeddings start at standard deviation 1: this keeps the tied MLM logits near unit
        # scale at the start (unscaled, the first masked-LM loss was 42 instead of 9).
        self.mlm_logit_scale = 1.0 / math.sqrt(e)

    def encode(self, ids, valid):
        """Every token's forward and backward states, concatenated (B × T × 2h)."""
        x = self.drop(self.embedding(ids))
        lengths = valid.sum(1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        hs, _ = self.lstm(packed)
        hs, _ = nn.utils.rnn.pad_packed_sequence(hs, batch_first=True, total_length=ids.shape[1])
        return hs

    def forward(self, ids, valid):
        hs = self.encode(ids, valid)
        scores = self.attention["v"](torch.tanh(self.attention["proj"](hs)))[..., 0]
        weights = torch.softmax(scores.masked_fill(~valid, float("-inf")), -1)
        context = (weights[..., None] * hs).sum(1)
        return self.classifier(self.drop(context)), weights


def config(arch, labels, vocab, args):
    if arch == "transformer":
        return {"architecture": "TransformerEncoderClassifier", "vocab_size": vocab, "d_model": 128, "n_heads": 4,
                "n_layers": args.transformer_layers, "d_ff": 512, "max_len": MAX_LEN, "layer_norm_eps": 1e-5,
                "pe_base": 10000.0, "scale_embedding": True, "activation": "gelu", "norm_first": args.norm_first,
                "final_norm": args.norm_first, "pooling": args.transformer_pooling, "labels": labels, "pad_id": 0}
    return {"architecture": "BiLstmAttentionClassifier", "vocab_size": vocab, "embedding_dim": args.bilstm_embedding,
            "hidden_size": args.bilstm_hidden, "num_layers": args.bilstm_layers, "attention_dim": args.bilstm_hidden,
            "max_len": MAX_LEN, "labels": labels, "pad_id": 0}


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
class Example:
    __slots__ = ("ids", "target", "gold", "saliency")

    def __init__(self, ids, target, gold, saliency):
        self.ids, self.target, self.gold, self.saliency = ids, target, gold, saliency


def token_saliency(encoding, word_saliency, power=1.0):
    """The teacher's word saliency (raised to `power`: above 1 sharpens it) spread over the
    word's pieces, normalised; 0 on specials."""
    out = np.zeros(len(encoding.ids), dtype=np.float32)
    pieces = {}
    for w in encoding.word_ids:
        if w is not None:
            pieces[w] = pieces.get(w, 0) + 1
    for pos, w in enumerate(encoding.word_ids):
        if w is not None and w < len(word_saliency):
            out[pos] = word_saliency[w] ** power / pieces[w]
    total = out.sum()
    return out / total if total > 0 else out


def batch(examples, device, word_dropout=0.0, rng=None):
    width = max(len(e.ids) for e in examples)
    ids = torch.zeros(len(examples), width, dtype=torch.long)
    sal = torch.zeros(len(examples), width)
    for row, e in enumerate(examples):
        seq = torch.tensor(e.ids)
        if word_dropout and rng is not None:
            drop = torch.from_numpy(rng.random(len(e.ids)) < word_dropout)
            drop[0] = drop[-1] = False
            seq = seq.masked_fill(drop, 1)  # [UNK]
        ids[row, : len(e.ids)] = seq
        if e.saliency is not None:
            sal[row, : len(e.ids)] = torch.from_numpy(e.saliency)
    valid = torch.zeros(len(examples), width, dtype=torch.bool)
    for row, e in enumerate(examples):
        valid[row, : len(e.ids)] = True
    target = torch.tensor(np.stack([e.target for e in examples]))
    gold = torch.tensor([e.gold for e in examples])
    return ids.to(device), valid.to(device), target.to(device), gold.to(device), sal.to(device)


@torch.no_grad()
def evaluate(model, examples, device):
    model.eval()
    right = 0
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    for start in range(0, len(order), 512):
        chunk = [examples[i] for i in order[start:start + 512]]
        ids, valid, _, gold, _ = batch(chunk, device)
        logits, _ = model(ids, valid)
        right += (logits.argmax(-1) == gold).sum().item()
    return right / len(examples)


def rounded_f16(model):
    """A copy of the model with every weight rounded to f16 (as shipped), in f32."""
    m = copy.deepcopy(model)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(p.half().float())
    return m


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------
class MaskedLmHead(nn.Module):
    """BERT's MLM head over the encoder's states (width `width`), its decoder tied to the input
    embeddings (used only while pretraining; never exported)."""

    def __init__(self, embedding, width, eps, scale):
        super().__init__()
        d = embedding.embedding_dim
        self.scale = scale
        self.transform = nn.Sequential(nn.Linear(width, d), nn.GELU(), nn.LayerNorm(d, eps=eps))
        self.embedding = embedding
        self.bias = nn.Parameter(torch.zeros(embedding.num_embeddings))

    def forward(self, states):
        return self.scale * (self.transform(states) @ self.embedding.weight.T) + self.bias


def pretrain_masked_lm(model, cfg, train, args, device, rng):
    """Masked-language-model pretraining of the student's encoder on the transfer texts
    (Devlin et al. 2019; for small students before distillation, Turc et al. 2019, "Well-Read
    Students Learn Better"): 15 % of the non-special tokens chosen, 80 % of those replaced by
    [MASK], 10 % by a random token, 10 % kept; cross entropy on the chosen ones. A BiLSTM's
    state at a masked position has not seen the token either (its input there is the mask), so
    the same objective serves both architectures."""
    head = MaskedLmHead(model.embedding, model.state_width, cfg.get("layer_norm_eps", 1e-5),
                        model.mlm_logit_scale).to(device)
    params = list(model.parameters()) + [p for n, p in head.named_parameters() if not n.startswith("embedding.")]
    steps = args.pretrain_epochs * math.ceil(len(train) / args.batch)
    opt = torch.optim.AdamW(params, lr=args.pretrain_lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / 500) * max(0.05, 1 - s / steps))
    mask_id, first_word = SPECIALS.index("[MASK]"), len(SPECIALS)
    history = []
    for epoch in range(args.pretrain_epochs):
        started = time.time()
        model.train()
        head.train()
        order = rng.permutation(len(train))
        total, count = 0.0, 0
        for start in range(0, len(order), args.batch):
            ids, valid, _, _, _ = batch([train[i] for i in order[start:start + args.batch]], device)
            special = ids < first_word
            chosen = (torch.rand(ids.shape, device=device) < 0.15) & ~special & valid
            if not chosen.any():
                continue
            draw = torch.rand(ids.shape, device=device)
            inputs = ids.masked_fill(chosen & (draw < 0.8), mask_id)
            random_ids = torch.randint(first_word, cfg["vocab_size"], ids.shape, device=device)
            inputs = torch.where(chosen & (draw >= 0.8) & (draw < 0.9), random_ids, inputs)
            logits = head(model.encode(inputs, valid)[chosen])
            loss = nn.functional.cross_entropy(logits, ids[chosen])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            sched.step()
            total += loss.item()
            count += 1
        history.append({"epoch": epoch + 1, "mlm_loss": round(total / max(count, 1), 4),
                        "seconds": round(time.time() - started, 1)})
        print(f"  masked-LM pretraining epoch {epoch + 1}: loss {total / max(count, 1):.4f}", flush=True)
    return history


def pretrained(arch, cfg, train, seed, args, device, model, rng, save_to):
    """The student's masked-LM pretraining history, its weights left in `model`: loaded from
    `--load-pretrained`, or trained here and saved to `save_to` (so that other distillation
    runs can start from it)."""
    if args.load_pretrained:
        saved = torch.load(args.load_pretrained, map_location="cpu")
        if saved["config"] != cfg:
            raise SystemExit(f"{args.load_pretrained}: pretrained for another configuration than {arch}'s")
        model.load_state_dict(saved["state"])
        return saved["history"]
    if not args.pretrain_epochs:
        return []
    history = pretrain_masked_lm(model, cfg, train, args, device, rng)
    torch.save({"config": cfg, "history": history, "seed": seed, "unlabelled": args.pretrain_unlabelled,
                "state": {k: v.detach().cpu() for k, v in model.state_dict().items()}}, save_to)
    return history


def train_one(arch, cfg, data, init, seed, args, device, save_to):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = (TransformerStudent(cfg, args.dropout) if arch == "transformer" else BiLstmStudent(cfg, args.dropout)).to(device)
    with torch.no_grad():
        model.embedding.weight.copy_(init(arch, cfg))
    train = data["transfer"]
    pretraining = pretrained(arch, cfg, train + data["unlabelled"], seed, args, device, model, rng, save_to)
    # Each epoch visits every transfer text once, the negation copies `--negated-repeats` times.
    pool = np.concatenate([np.arange(len(train)), np.repeat(data["negated"], args.negated_repeats - 1)])
    steps = args.epochs * math.ceil(len(pool) / args.batch)
    lr = args.lr or (1e-3 if arch == "transformer" else 2e-3)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / 500) * max(0.05, 1 - s / steps))
    best = (-1.0, None, 0)
    history = []
    for epoch in range(args.epochs):
        if args.deadline and history:
            # Stop where one more epoch (as long as the longest so far) would end past the deadline.
            longest = max(h["seconds"] for h in history)
            if time.time() - STARTED + 1.2 * longest > args.deadline:
                print(f"  {arch} seed {seed}: stopped after epoch {epoch} (--deadline {args.deadline:g} s)", flush=True)
                break
        epoch_started = time.time()
        model.train()
        order = rng.permutation(pool)
        # Batches of similar length (shuffled buckets) keep the padded LSTM work small.
        buckets = [order[i:i + args.batch * 50] for i in range(0, len(order), args.batch * 50)]
        total, count = 0.0, 0
        for bucket in buckets:
            bucket = sorted(bucket, key=lambda i: len(train[i].ids))
            chunks = [bucket[i:i + args.batch] for i in range(0, len(bucket), args.batch)]
            rng.shuffle(chunks)
            for chunk in chunks:
                ids, valid, target, gold, sal = batch([train[i] for i in chunk], device, args.word_dropout, rng)
                logits, weights = model(ids, valid)
                loss = nn.functional.mse_loss(logits, target)
                has_gold = gold >= 0
                if has_gold.any():
                    loss = loss + args.gold * nn.functional.cross_entropy(logits[has_gold], gold[has_gold], label_smoothing=0.1)
                if weights is not None and args.attention > 0:
                    has_sal = sal.sum(1) > 0
                    if has_sal.any():
                        ce = -(sal[has_sal] * torch.log(weights[has_sal].clamp(min=1e-9))).sum(1).mean()
                        loss = loss + args.attention * ce
                opt.zero_grad(set_to_none=True)
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 5.0)
                opt.step()
                sched.step()
                total += loss.item()
                count += 1
        dev = evaluate(rounded_f16(model), data["dev"], device)
        history.append({"epoch": epoch + 1, "loss": round(total / max(count, 1), 4), "dev": round(dev, 4),
                        "seconds": round(time.time() - epoch_started, 1)})
        print(f"  {arch} seed {seed} epoch {epoch + 1}: loss {total / max(count, 1):.4f} dev {dev:.4f}", flush=True)
        if dev > best[0]:
            best = (dev, copy.deepcopy(model).cpu(), epoch + 1)
    return best, history, pretraining


def export(model, cfg, tokenizer_json, texts, tokenizer, out, name):
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    model = model.cpu().eval()
    weights = {k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps(cfg, indent=2))
    (folder / "tokenizer.json").write_text(tokenizer_json)
    # The fidelity fixture: the f16 weights' logits in float64.
    ref = rounded_f16(model).double()
    cases = []
    with torch.no_grad():
        for enc, text in zip(tokenizer.encode_batch(texts), texts):
            ids = torch.tensor([enc.ids])
            logits, _ = ref(ids, torch.ones_like(ids, dtype=torch.bool))
            cases.append({"text": text, "ids": enc.ids, "logits": logits[0].tolist()})
    (out / f"{name}.json").write_text(json.dumps({"cases": cases}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--splits", required=True)
    ap.add_argument("--minilm", required=True)
    ap.add_argument("--teacher", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--task", action="append", choices=common.TASKS)
    ap.add_argument("--arch", action="append", choices=("transformer", "bilstm"))
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=None, help="default: 1e-3 for the Transformer, 2e-3 for the BiLSTM")
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--word-dropout", type=float, default=0.05)
    ap.add_argument("--gold", type=float, default=0.5)
    ap.add_argument("--attention", type=float, default=1.0)
    ap.add_argument("--attention-power", type=float, default=2.0)
    ap.add_argument("--transformer-pooling", choices=("cls", "mean"), default="cls")
    ap.add_argument("--vocab", type=int, default=VOCAB,
                    help="student vocabulary size (trained at its shipped size: no trim.py afterwards)")
    ap.add_argument("--transformer-layers", type=int, default=2)
    ap.add_argument("--norm-first", action="store_true",
                    help="pre-norm Transformer layers with a LayerNorm after the last (post-norm without)")
    ap.add_argument("--bilstm-embedding", type=int, default=128)
    ap.add_argument("--bilstm-hidden", type=int, default=128)
    ap.add_argument("--bilstm-layers", type=int, default=1)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--deadline", type=float, default=0.0,
                    help="seconds after start past which no new epoch begins (a run on a lent machine)")
    ap.add_argument("--limit", type=int, default=0, help="a smoke run on this many texts per split")
    ap.add_argument("--pretrain-epochs", type=int, default=0,
                    help="masked-LM pretraining of the student on the transfer texts before distillation")
    ap.add_argument("--pretrain-lr", type=float, default=1e-3)
    ap.add_argument("--negated-repeats", type=int, default=1,
                    help="how many times an epoch the distillation visits each negation copy of a training text")
    ap.add_argument("--pretrain-unlabelled", type=int, default=0,
                    help="this many more unlabelled sentences (the translator's English training side, past the "
                         "ones the teacher labelled) in the masked-LM pretraining only")
    ap.add_argument("--load-pretrained", default="",
                    help="start from a masked-LM pretrained student another run saved (OUT/<model>-pretrained-seed<S>.pt) "
                         "instead of pretraining; its random state differs from a run that pretrained inline")
    args = ap.parse_args()
    if args.load_pretrained:
        # The report then counts the loaded pretraining's epochs and texts.
        saved = torch.load(args.load_pretrained, map_location="cpu")
        args.pretrain_epochs, args.pretrain_unlabelled = len(saved["history"]), saved["unlabelled"]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    teacher_rows = next(v for k, v in load_file(str(Path(args.minilm, "model.safetensors"))).items()
                        if k.endswith("word_embeddings.weight")).float()
    teacher_vocab = Tokenizer.from_file(str(Path(args.minilm, "tokenizer.json"))).get_vocab()
    for task in args.task or common.TASKS:
        started = time.time()
        labels, splits = common.load_task(args.splits, task)
        if args.limit:
            splits = {k: v[:args.limit] for k, v in splits.items()}
        outputs = common.Outputs(Path(args.teacher, f"{task}.npz"))
        train_texts = [t for t, _ in splits["train"]]
        neighbours = common.neighbours_from_embeddings(
            [w for w, c in common.word_counts(train_texts).items() if c >= 3], teacher_vocab, teacher_rows)
        extra = common.unlabelled(args.splits, task, 30000 if not args.limit else args.limit, common.SEED)
        texts = common.transfer_texts(train_texts, extra, neighbours, task, common.SEED)
        tokenizer_json, teacher_ids = student_tokenizer(args.minilm, texts, args.vocab)
        tokenizer = Tokenizer.from_str(tokenizer_json)
        tokenizer.enable_truncation(MAX_LEN)
        gold_of = {t: y for t, y in splits["train"]}
        transfer, missing, negated = [], 0, []
        negation_copies = set(common.negation_copies(train_texts, task, common.SEED))
        for text, enc in zip(texts, tokenizer.encode_batch(texts)):
            found = outputs.get(text)
            if found is None:
                missing += 1
                continue
            if text in negation_copies:
                negated.append(len(transfer))
            logits, word_sal = found
            transfer.append(Example(enc.ids, logits, gold_of.get(text, -1), token_saliency(enc, word_sal, args.attention_power)))
        # Masked-LM pretraining needs no teacher: more unlabelled sentences can join it.
        more = common.unlabelled(args.splits, task, len(extra) + args.pretrain_unlabelled, common.SEED)[len(extra):]
        data = {"transfer": transfer, "negated": np.array(negated, dtype=np.int64),
                "unlabelled": [Example(e.ids, np.zeros(len(labels), np.float32), -1, None)
                               for e in tokenizer.encode_batch(more)]}
        for split in ("dev", "test"):
            encs = tokenizer.encode_batch([t for t, _ in splits[split]])
            data[split] = [Example(e.ids, np.zeros(len(labels), np.float32), y, None) for e, (_, y) in zip(encs, splits[split])]
        print(f"{task}: {len(transfer)} transfer texts ({missing} without a teacher label), vocabulary {len(teacher_ids)}", flush=True)
        rows = teacher_rows[torch.tensor(teacher_ids)]

        def init(arch, cfg):
            if arch == "transformer":
                return pca_embeddings(rows, cfg["d_model"], 1.0 / math.sqrt(cfg["d_model"]))
            return pca_embeddings(rows, cfg["embedding_dim"], 1.0)

        for arch in args.arch or ("transformer", "bilstm"):
            name = f"{task}-{arch}"
            cfg = config(arch, labels, len(teacher_ids), args)
            runs = []
            for seed in [int(s) for s in args.seeds.split(",")]:
                (dev, model, epoch), history, pretraining = train_one(arch, cfg, data, init, seed, args, device,
                                                                   out / f"{name}-pretrained-seed{seed}.pt")
                runs.append({"seed": seed, "dev": dev, "epoch": epoch, "history": history, "pretraining": pretraining,
                             "model": model})
            best = max(runs, key=lambda r: r["dev"])
            model = best["model"]
            test = evaluate(rounded_f16(model).to(device), data["test"], device)
            export(model, cfg, tokenizer_json, [t for t, _ in splits["test"][:100]], tokenizer, out, name)
            report = {
                "model": name, "device": common.device_name(device),
                "torch": torch.__version__, "dev_f16": best["dev"], "test_f16": test, "seed": best["seed"],
                "epoch": best["epoch"], "runs": [{k: v for k, v in r.items() if k != "model"} for r in runs],
                "transfer_texts": len(transfer), "negation_copies": len(negated),
                "pretraining_texts": len(transfer) + len(data["unlabelled"]) if args.pretrain_epochs else 0,
                "seconds": round(time.time() - started, 1),
                "parameters": sum(p.numel() for p in model.parameters()),
                "settings": {k: v for k, v in vars(args).items() if k not in ("splits", "minilm", "teacher", "out")},
            }
            (out / f"{name}-student.json").write_text(json.dumps(report, indent=2))
            print(f"{name}: dev {best['dev']:.4f} test {test:.4f} (seed {best['seed']}, epoch {best['epoch']})", flush=True)
            started = time.time()


if __name__ == "__main__":
    main()
