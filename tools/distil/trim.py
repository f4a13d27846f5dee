#!/usr/bin/env python3
"""Trims a distilled student's vocabulary to its N most used tokens, so the five shipped folders
fit their 15 MB budget:

    python3 tools/distil/trim.py --students DIR --name sentiment-bilstm --keep 7000 --splits DIR

student.py orders the vocabulary as [PAD] [UNK] [CLS] [SEP] [MASK], every ASCII character and
its ## form, then the teacher's tokens by how often the transfer set uses them; keeping the first
N ids drops the rarest tokens (a word that used one is then cut into smaller pieces that are
still in the vocabulary). Rewrites DIR/<name>/ (tokenizer, embedding rows, vocab_size) and the
fidelity fixture DIR/<name>.json, whose logits are recomputed in float64 from the f16 weights.
attnscope-train --distilled measures the trimmed folder again.
"""
import argparse
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402
from student import MAX_LEN, BiLstmStudent, TransformerStudent, export  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--keep", type=int, required=True)
    ap.add_argument("--splits", required=True)
    args = ap.parse_args()
    folder = Path(args.students, args.name)
    cfg = json.loads((folder / "config.json").read_text())
    spec = json.loads((folder / "tokenizer.json").read_text())
    keep = args.keep
    assert keep < cfg["vocab_size"], "nothing to trim"
    spec["model"]["vocab"] = {t: i for t, i in spec["model"]["vocab"].items() if i < keep}
    tokenizer_json = json.dumps(spec, ensure_ascii=False)
    weights = {k: v.float() for k, v in load_file(str(folder / "model.safetensors")).items()}
    weights["embedding.weight"] = weights["embedding.weight"][:keep].clone()
    cfg["vocab_size"] = keep
    student = TransformerStudent(cfg, 0.0) if cfg["architecture"].startswith("Transformer") else BiLstmStudent(cfg, 0.0)
    student.load_state_dict(weights)
    tokenizer = Tokenizer.from_str(tokenizer_json)
    tokenizer.enable_truncation(MAX_LEN)
    task = args.name.split("-")[0]
    _, splits = common.load_task(args.splits, task)
    export(student, cfg, tokenizer_json, [t for t, _ in splits["test"][:100]], tokenizer, Path(args.students), args.name)
    report_path = Path(args.students, f"{args.name}-student.json")
    report = json.loads(report_path.read_text())
    report["trimmed_vocabulary"] = keep
    report["parameters"] = sum(p.numel() for p in student.parameters())
    report_path.write_text(json.dumps(report, indent=2))
    print(f"{args.name}: vocabulary trimmed to {keep}")


if __name__ == "__main__":
    main()
