#!/usr/bin/env python3
"""PyTorch eager (CUDA) on the same BiLSTM classifier and seq2seq translator and weights as
attnscope's GPU benchmark (folders from `cargo run --release -p attnscope-core --example
export_reference -- /tmp/reference`).

Usage: python3 tools/bench/pytorch_rnn.py /tmp/reference
Prints median and p95 per T: the BiLSTM's logits and pooling weights copied to the host, and the
translator's greedy decoding (ids, attention rows, top-5) copied to the host — what attnscope's
views read back.
"""
import json, statistics, sys, time
import torch
from torch import nn
from safetensors.torch import load_file

root = sys.argv[1]
dev = torch.device("cuda")


def timed(fn, runs=100):
    for _ in range(10):
        fn()
    samples = []
    for _ in range(runs):
        torch.cuda.synchronize(); t0 = time.perf_counter(); fn(); samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort()
    return round(statistics.median(samples), 4), round(samples[int(0.95 * runs) - 1], 4)


def copy(module, weights, prefix):
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(weights[prefix + name])
    return module.to(dev).eval()


# BiLSTM + additive attention pooling.
cfg = json.load(open(f"{root}/bilstm/config.json"))
w = load_file(f"{root}/bilstm/model.safetensors")
e, H, L, A = cfg["embedding_dim"], cfg["hidden_size"], cfg["num_layers"], cfg["attention_dim"]
emb = copy(nn.Embedding(cfg["vocab_size"], e), w, "embedding.")
lstm = copy(nn.LSTM(e, H, num_layers=L, bidirectional=True, batch_first=True), w, "lstm.")
proj = copy(nn.Linear(2 * H, A), w, "attention.proj.")
v = w["attention.v.weight"].to(dev)
clf = copy(nn.Linear(2 * H, len(cfg["labels"])), w, "classifier.")


@torch.no_grad()
def bilstm(ids):
    s, _ = lstm(emb(ids)[None])
    a = torch.softmax((torch.tanh(proj(s[0])) @ v.T)[:, 0], 0)
    logits = clf(a @ s[0])
    return logits.cpu(), a.cpu()


print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}")
for t in [16, 64, 128, 256, 512]:
    ids = ((torch.arange(t) * 7919 + 13) % cfg["vocab_size"]).to(dev)
    median, p95 = timed(lambda: bilstm(ids))
    print(json.dumps({"model": "bilstm", "T": t, "median_ms": median, "p95_ms": p95}))

# Seq2seq: BiLSTM encoder, bridge, LSTM-cell decoder with Bahdanau attention, greedy.
cfg = json.load(open(f"{root}/seq2seq/config.json"))
w = load_file(f"{root}/seq2seq/model.safetensors")
e, H = cfg["embedding_dim"], cfg["hidden_size"]
assert cfg["input_feeding"] and cfg["attentional_hidden"] and cfg["tie_output_embedding"]
src_emb = copy(nn.Embedding(cfg["src_vocab_size"], e), w, "src_embedding.")
tgt_emb = copy(nn.Embedding(cfg["tgt_vocab_size"], e), w, "tgt_embedding.")
encoder = copy(nn.LSTM(e, H, bidirectional=True, batch_first=True), w, "encoder.")
bridge_h = copy(nn.Linear(2 * H, H), w, "bridge_h.")
bridge_c = copy(nn.Linear(2 * H, H), w, "bridge_c.")
decoder = copy(nn.LSTMCell(e + 2 * H, H), w, "decoder.")
query = copy(nn.Linear(H, cfg["attention_dim"], bias=False), w, "attention.query.")
key = copy(nn.Linear(2 * H, cfg["attention_dim"]), w, "attention.key.")
vq = w["attention.v.weight"].to(dev)
combine = copy(nn.Linear(3 * H, e), w, "combine.")
out_bias = w["output.bias"].to(dev)


@torch.no_grad()
def translate(src):
    s, (hn, cn) = encoder(src_emb(src)[None])
    s = s[0]
    h = torch.tanh(bridge_h(torch.cat([hn[0, 0], hn[1, 0]])))[None]
    c = bridge_c(torch.cat([cn[0, 0], cn[1, 0]]))[None]
    keys = key(s)
    y = torch.tensor([cfg["bos_id"]], device=dev)
    ids, rows, top = [], [], []
    for _ in range(cfg["max_decode_len"]):
        a = torch.softmax((torch.tanh(keys + query(h)) @ vq.T)[:, 0], 0)
        ctx = (a @ s)[None]
        h, c = decoder(torch.cat([tgt_emb(y), ctx], 1), (h, c))
        logits = torch.tanh(combine(torch.cat([h, ctx], 1))) @ tgt_emb.weight.T + out_bias
        y = logits.argmax(1)
        rows.append(a); top.append(torch.topk(torch.softmax(logits[0], 0), 5))
        ids.append(y)
        if y.item() == cfg["eos_id"]:  # greedy decoding needs the token on the host each step
            break
    return torch.cat(ids).cpu(), torch.stack(rows).cpu(), [(t.values.cpu(), t.indices.cpu()) for t in top]


for t in [16, 64, 128, 256]:
    src = ((torch.arange(t) * 7919 + 13) % cfg["src_vocab_size"]).to(dev)
    median, p95 = timed(lambda: translate(src), runs=50)
    print(json.dumps({"model": "seq2seq", "T": t, "steps": cfg["max_decode_len"], "median_ms": median, "p95_ms": p95}))
