#!/usr/bin/env python3
"""PyTorch eager (CUDA) on the same Transformer and weights as attnscope's GPU benchmark.

Usage (on a machine with PyTorch and a GPU):
    cargo run --release -p attnscope-core --example export_reference -- /tmp/reference   # here
    python3 tools/bench/pytorch_transformer.py /tmp/reference/transformer                # there
Prints median and p95 per T for (a) logits only and (b) logits plus every attention map copied
to the host (what attnscope's views read back).
"""
import json, math, statistics, sys, time
import torch
from torch import nn
from safetensors.torch import load_file

folder = sys.argv[1]
cfg = json.load(open(f"{folder}/config.json"))
w = load_file(f"{folder}/model.safetensors")
dev = torch.device("cuda")
d, h, L = cfg["d_model"], cfg["n_heads"], cfg["n_layers"]
emb = nn.Embedding(cfg["vocab_size"], d)
layers = nn.ModuleList([nn.TransformerEncoderLayer(d, h, cfg["d_ff"], 0.0, cfg["activation"], cfg["layer_norm_eps"], batch_first=True, norm_first=cfg["norm_first"]) for _ in range(L)])
clf = nn.Linear(d, len(cfg["labels"]))
with torch.no_grad():
    emb.weight.copy_(w["embedding.weight"])
    for i, layer in enumerate(layers):
        for name, p in layer.named_parameters():
            p.copy_(w[f"layers.{i}.{name}"])
    clf.weight.copy_(w["classifier.weight"]); clf.bias.copy_(w["classifier.bias"])
for m in (emb, layers, clf):
    m.to(dev).eval()

def pe(n):
    pos = torch.arange(n, dtype=torch.float32)[:, None]
    i = torch.arange(d // 2, dtype=torch.float32)[None, :]
    a = pos / cfg["pe_base"] ** (2 * i / d)
    out = torch.zeros(n, d); out[:, 0::2] = torch.sin(a); out[:, 1::2] = torch.cos(a)
    return out.to(dev)

@torch.no_grad()
def forward(ids, maps):
    x = emb(ids)[None] * math.sqrt(d) + pe(ids.shape[0])[None]
    weights = []
    for layer in layers:
        if maps:
            _, a = layer.self_attn(x, x, x, need_weights=True, average_attn_weights=False)
            weights.append(a)
        x = layer(x)
    logits = clf(x[0, 0])
    out = [logits.cpu()]
    if maps:
        out.append(torch.stack(weights).cpu())
    return out

print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}")
for t in [16, 64, 128, 256, 512]:
    ids = (torch.arange(t) * 7919 + 13) % cfg["vocab_size"]
    ids = ids.to(dev)
    for maps in (False, True):
        for _ in range(10):
            forward(ids, maps)
        samples = []
        for _ in range(100):
            torch.cuda.synchronize(); t0 = time.perf_counter(); forward(ids, maps); samples.append((time.perf_counter() - t0) * 1e3)
        samples.sort()
        print(json.dumps({"T": t, "attention_maps_to_host": maps, "median_ms": round(statistics.median(samples), 4), "p95_ms": round(samples[94], 4)}))
