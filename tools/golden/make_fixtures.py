#!/usr/bin/env python3
"""Golden fixtures: PyTorch reference outputs for attnscope-core's CPU forward passes.

Each fixture is one safetensors file holding a small randomly initialised model (weights under
their PyTorch module names, float32), its inputs (`input.*`) and the expected outputs
(`expected.*`), computed in float64 so that they are the reference the f32 Rust code is held to.
The model's config.json and the cases' interventions travel in the safetensors metadata.

Run once, on a machine with PyTorch (the GPU machine has it; CPU is enough):
    python3 tools/golden/make_fixtures.py crates/core/tests/fixtures [name ...]
(names: only those fixtures are written, the others are left as committed).
The files are committed; tests never run Python.
"""
import json
import math
import sys
from pathlib import Path

import torch
from torch import nn
from safetensors.torch import save_file

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "crates/core/tests/fixtures")
ONLY = set(sys.argv[2:])
OUT.mkdir(parents=True, exist_ok=True)
F64 = torch.float64


def sinusoidal(n, d, base=10000.0):
    pos = torch.arange(n, dtype=F64)[:, None]
    i = torch.arange(d // 2, dtype=F64)[None, :]
    angle = pos / base ** (2 * i / d)
    pe = torch.zeros(n, d, dtype=F64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe


def randomise(module, scale=0.3):
    """Random weights well away from zero, biases and LayerNorm affine included."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p) * scale)


def f32(tensors):
    return {k: v.detach().to(torch.float32).contiguous() for k, v in tensors.items()}


def save(name, weights, inputs, expected, config, cases):
    tensors = f32(weights)
    tensors.update({f"input.{k}": v.contiguous() for k, v in inputs.items()})
    tensors.update({f"expected.{k}": v.detach().to(torch.float32).contiguous() for k, v in expected.items()})
    save_file(tensors, str(OUT / f"{name}.safetensors"), metadata={"config": json.dumps(config), "cases": json.dumps(cases)})
    print(f"wrote {name}: {len(tensors)} tensors, cases {[c['name'] for c in cases]}")


# --------------------------------------------------------------------------------------------
# Transformer encoder classifier
# --------------------------------------------------------------------------------------------
def transformer_forward(model, cfg, ids, token_mask=None, head_mask=None, temperature=1.0):
    """Manual forward of one unpadded sequence with attnscope's interventions (float64).

    token_mask: (T,) bool, True = masked as a key; head_mask: (L, H) bool, True = head off.
    cfg["causal"]: the look-ahead mask, query i sees keys j <= i only (a decoder's attention).
    Returns logits (C,), attention (L, H, T, T), scores of (layer 0, head 0) before softmax.
    """
    d, h = cfg["d_model"], cfg["n_heads"]
    dk = d // h
    T = len(ids)
    x = model["embedding"].weight.to(F64)[ids]
    if cfg["scale_embedding"]:
        x = x * math.sqrt(d)
    x = x + sinusoidal(T, d, cfg["pe_base"])
    attentions, first_scores = [], None
    for li, layer in enumerate(model["layers"]):
        def attn_block(inp):
            w, b = layer.self_attn.in_proj_weight.to(F64), layer.self_attn.in_proj_bias.to(F64)
            qkv = inp @ w.T + b
            q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
            q = q.view(T, h, dk).transpose(0, 1)
            k = k.view(T, h, dk).transpose(0, 1)
            v = v.view(T, h, dk).transpose(0, 1)
            scores = q @ k.transpose(1, 2) / math.sqrt(dk) / temperature  # (h, T, T)
            nonlocal first_scores
            if li == 0:
                first_scores = scores[0].clone()
            if token_mask is not None:
                scores = scores.masked_fill(token_mask[None, None, :], float("-inf"))
            if cfg.get("causal", False):
                ahead = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
                scores = scores.masked_fill(ahead[None, :, :], float("-inf"))
            weights = torch.softmax(scores, dim=-1)
            weights = torch.nan_to_num(weights, nan=0.0)  # every key masked → a zero row
            attentions.append(weights)
            heads = weights @ v  # (h, T, dk)
            if head_mask is not None:
                heads = heads * (~head_mask[li]).to(F64)[:, None, None]
            concat = heads.transpose(0, 1).reshape(T, d)
            return concat @ layer.self_attn.out_proj.weight.to(F64).T + layer.self_attn.out_proj.bias.to(F64)

        def ff_block(inp):
            act = torch.nn.functional.gelu if cfg["activation"] == "gelu" else torch.relu
            hid = act(inp @ layer.linear1.weight.to(F64).T + layer.linear1.bias.to(F64))
            return hid @ layer.linear2.weight.to(F64).T + layer.linear2.bias.to(F64)

        def norm(ln, inp):
            return torch.nn.functional.layer_norm(inp, (d,), ln.weight.to(F64), ln.bias.to(F64), cfg["layer_norm_eps"])

        if cfg["norm_first"]:
            x = x + attn_block(norm(layer.norm1, x))
            x = x + ff_block(norm(layer.norm2, x))
        else:
            x = norm(layer.norm1, x + attn_block(x))
            x = norm(layer.norm2, x + ff_block(x))
    if cfg["final_norm"]:
        x = torch.nn.functional.layer_norm(x, (d,), model["final_norm"].weight.to(F64), model["final_norm"].bias.to(F64), cfg["layer_norm_eps"])
    if "classifier" not in model:
        # A decoder: the final hidden state is the output (its logits are E·x, tied).
        return x, torch.stack(attentions), first_scores
    if cfg["pooling"] == "cls":
        pooled = x[0]
    else:
        keep = torch.ones(T, dtype=F64) if token_mask is None else (~token_mask).to(F64)
        pooled = (x * keep[:, None]).sum(0) / keep.sum().clamp(min=1.0)
    logits = pooled @ model["classifier"].weight.to(F64).T + model["classifier"].bias.to(F64)
    return logits, torch.stack(attentions), first_scores


def transformer_fixture(name, cfg, seed):
    if ONLY and name not in ONLY:
        return
    torch.manual_seed(seed)
    d = cfg["d_model"]
    layers = nn.ModuleList([
        nn.TransformerEncoderLayer(d, cfg["n_heads"], cfg["d_ff"], dropout=0.0, activation=cfg["activation"],
                                   layer_norm_eps=cfg["layer_norm_eps"], batch_first=True, norm_first=cfg["norm_first"])
        for _ in range(cfg["n_layers"])
    ])
    model = {
        "embedding": nn.Embedding(cfg["vocab_size"], d),
        "layers": layers,
        "classifier": nn.Linear(d, len(cfg["labels"])),
    }
    if cfg["final_norm"]:
        model["final_norm"] = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
    for m in model.values():
        randomise(m)
        m.eval()

    # Cross-check the manual forward against PyTorch's own modules (batch, padding mask).
    lengths = [7, 4]
    g = torch.Generator().manual_seed(seed + 1)
    batch_ids = torch.randint(1, cfg["vocab_size"], (2, 7), generator=g)
    batch_ids[1, 4:] = 0
    with torch.no_grad():
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, cfg["n_heads"], cfg["d_ff"], 0.0, cfg["activation"], cfg["layer_norm_eps"], batch_first=True, norm_first=cfg["norm_first"]), cfg["n_layers"], enable_nested_tensor=False)
        enc.layers = layers
        enc = enc.to(F64).eval()
        x = model["embedding"].weight.to(F64)[batch_ids] * (math.sqrt(d) if cfg["scale_embedding"] else 1.0) + sinusoidal(7, d, cfg["pe_base"])
        pad = batch_ids == 0
        pad[0, :] = False
        if cfg.get("causal", False):
            causal = nn.Transformer.generate_square_subsequent_mask(7, dtype=F64)
            y = enc(x, mask=causal, src_key_padding_mask=pad, is_causal=True)
        else:
            y = enc(x, src_key_padding_mask=pad)
        for b, n in enumerate(lengths):
            ref_logits, _, _ = transformer_forward(model, cfg, batch_ids[b, :n])
            hid = y[b, :n]
            if cfg["final_norm"]:
                hid = torch.nn.functional.layer_norm(hid, (d,), model["final_norm"].weight.to(F64), model["final_norm"].bias.to(F64), cfg["layer_norm_eps"])
            pooled = hid[0] if cfg["pooling"] == "cls" else hid.mean(0)
            logits = pooled @ model["classifier"].weight.to(F64).T + model["classifier"].bias.to(F64)
            assert torch.allclose(logits, ref_logits, atol=1e-9), (logits, ref_logits)
        layers.to(torch.float32)
    weights = {f"{key}.{pname}": p for key, m in model.items() for pname, p in m.named_parameters()}

    inputs, expected, cases = {}, {}, []
    g = torch.Generator().manual_seed(seed + 2)
    plain = [("t1", 1), ("t5", 5), ("t13", 13), ("t32", 32)]
    with torch.no_grad():
        for case, T in plain:
            ids = torch.randint(1, cfg["vocab_size"], (T,), generator=g)
            logits, att, scores = transformer_forward(model, cfg, ids)
            inputs[f"{case}.ids"] = ids
            expected.update({f"{case}.logits": logits, f"{case}.attention": att, f"{case}.scores_l0h0": scores})
            cases.append({"name": case})
        # Interventions: a masked token, a head off, a temperature.
        ids = torch.randint(1, cfg["vocab_size"], (9,), generator=g)
        tmask = torch.zeros(9, dtype=torch.bool)
        tmask[3] = True
        tmask[6] = True
        hmask = torch.zeros(cfg["n_layers"], cfg["n_heads"], dtype=torch.bool)
        hmask[0, 1] = True
        hmask[-1, 2] = True
        logits, att, scores = transformer_forward(model, cfg, ids, tmask, hmask, 0.7)
        inputs["iv.ids"] = ids
        expected.update({"iv.logits": logits, "iv.attention": att, "iv.scores_l0h0": scores})
        cases.append({"name": "iv", "masked_tokens": [3, 6], "heads_off": [[0, 1], [cfg["n_layers"] - 1, 2]], "temperature": 0.7})
        # Padding: the padded batch rows equal the unpadded sequences (checked above).
        for b, n in enumerate(lengths):
            logits, att, scores = transformer_forward(model, cfg, batch_ids[b, :n])
            inputs[f"pad{b}.ids"] = batch_ids[b, :n].clone()
            expected.update({f"pad{b}.logits": logits, f"pad{b}.attention": att, f"pad{b}.scores_l0h0": scores})
            cases.append({"name": f"pad{b}", "from_padded_batch": True})
    save(name, weights, inputs, expected, cfg, cases)


def decoder_fixture(name, cfg, seed):
    """A decoder-only language model: the causal stack, a final norm, logits = E·x (tied)."""
    if ONLY and name not in ONLY:
        return
    torch.manual_seed(seed)
    d = cfg["d_model"]
    layers = nn.ModuleList([
        nn.TransformerEncoderLayer(d, cfg["n_heads"], cfg["d_ff"], dropout=0.0, activation=cfg["activation"],
                                   layer_norm_eps=cfg["layer_norm_eps"], batch_first=True, norm_first=True)
        for _ in range(cfg["n_layers"])
    ])
    model = {"embedding": nn.Embedding(cfg["vocab_size"], d), "layers": layers,
             "final_norm": nn.LayerNorm(d, eps=cfg["layer_norm_eps"])}
    for m in model.values():
        randomise(m)
        m.eval()
    full = {**cfg, "causal": True, "pooling": "mean"}
    embedding = model["embedding"].weight.to(F64)
    # Cross-check against PyTorch's own modules under the causal mask (one batch of 2).
    with torch.no_grad():
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, cfg["n_heads"], cfg["d_ff"], 0.0, cfg["activation"], cfg["layer_norm_eps"], batch_first=True, norm_first=True), cfg["n_layers"], enable_nested_tensor=False)
        enc.layers = layers
        enc = enc.to(F64).eval()
        g = torch.Generator().manual_seed(seed + 1)
        batch_ids = torch.randint(1, cfg["vocab_size"], (2, 9), generator=g)
        x = embedding[batch_ids] * (math.sqrt(d) if cfg["scale_embedding"] else 1.0) + sinusoidal(9, d, cfg["pe_base"])
        y = enc(x, mask=nn.Transformer.generate_square_subsequent_mask(9, dtype=F64), is_causal=True)
        y = torch.nn.functional.layer_norm(y, (d,), model["final_norm"].weight.to(F64), model["final_norm"].bias.to(F64), cfg["layer_norm_eps"])
        for b in range(2):
            hidden, _, _ = transformer_forward(model, full, batch_ids[b])
            assert torch.allclose(hidden, y[b], atol=1e-9)
        layers.to(torch.float32)
    weights = {f"{key}.{pname}": p for key, m in model.items() for pname, p in m.named_parameters()}
    inputs, expected, cases = {}, {}, []
    g = torch.Generator().manual_seed(seed + 2)
    with torch.no_grad():
        for case, T in [("t1", 1), ("t6", 6), ("t17", 17)]:
            ids = torch.randint(1, cfg["vocab_size"], (T,), generator=g)
            hidden, att, scores = transformer_forward(model, full, ids)
            inputs[f"{case}.ids"] = ids
            expected.update({f"{case}.logits": hidden @ embedding.T, f"{case}.attention": att, f"{case}.scores_l0h0": scores})
            cases.append({"name": case})
        ids = torch.randint(1, cfg["vocab_size"], (8,), generator=g)
        tmask = torch.zeros(8, dtype=torch.bool)
        tmask[2] = True
        hmask = torch.zeros(cfg["n_layers"], cfg["n_heads"], dtype=torch.bool)
        hmask[1, 0] = True
        hidden, att, scores = transformer_forward(model, full, ids, tmask, hmask, 1.3)
        inputs["iv.ids"] = ids
        expected.update({"iv.logits": hidden @ embedding.T, "iv.attention": att, "iv.scores_l0h0": scores})
        cases.append({"name": "iv", "masked_tokens": [2], "heads_off": [[1, 0]], "temperature": 1.3})
    save(name, weights, inputs, expected, cfg, cases)


# --------------------------------------------------------------------------------------------
# BiLSTM + additive attention pooling
# --------------------------------------------------------------------------------------------
def bilstm_fixture(name, cfg, seed):
    if ONLY and name not in ONLY:
        return
    torch.manual_seed(seed)
    e, hd, a = cfg["embedding_dim"], cfg["hidden_size"], cfg["attention_dim"]
    emb = nn.Embedding(cfg["vocab_size"], e)
    lstm = nn.LSTM(e, hd, num_layers=cfg["num_layers"], bidirectional=True, batch_first=True)
    proj = nn.Linear(2 * hd, a)
    v = nn.Linear(a, 1, bias=False)
    clf = nn.Linear(2 * hd, len(cfg["labels"]))
    mods = {"embedding": emb, "lstm": lstm, "attention.proj": proj, "attention.v": v, "classifier": clf}
    for m in mods.values():
        randomise(m, 0.4)
        m.to(F64).eval()
    weights = {f"{k}.{p}": t for k, m in mods.items() for p, t in m.named_parameters()}

    def forward(ids, token_mask=None, temperature=1.0):
        x = emb.weight[ids][None]  # (1, T, e)
        hs, _ = lstm(x)
        hs = hs[0]  # (T, 2h)
        scores = (v(torch.tanh(proj(hs))))[:, 0] / temperature
        if token_mask is not None:
            scores = scores.masked_fill(token_mask, float("-inf"))
        w = torch.nan_to_num(torch.softmax(scores, 0), nan=0.0)
        ctx = (w[:, None] * hs).sum(0)
        return clf(ctx), w, hs

    inputs, expected, cases = {}, {}, []
    g = torch.Generator().manual_seed(seed + 2)
    with torch.no_grad():
        for case, T in [("t1", 1), ("t6", 6), ("t17", 17)]:
            ids = torch.randint(1, cfg["vocab_size"], (T,), generator=g)
            logits, w, hs = forward(ids)
            inputs[f"{case}.ids"] = ids
            expected.update({f"{case}.logits": logits, f"{case}.pooling": w, f"{case}.states": hs})
            cases.append({"name": case})
        ids = torch.randint(1, cfg["vocab_size"], (8,), generator=g)
        tm = torch.zeros(8, dtype=torch.bool)
        tm[2] = True
        logits, w, hs = forward(ids, tm, 1.5)
        inputs["iv.ids"] = ids
        expected.update({"iv.logits": logits, "iv.pooling": w, "iv.states": hs})
        cases.append({"name": "iv", "masked_tokens": [2], "temperature": 1.5})
        # A padded, packed batch: rows equal the unpadded sequences.
        lengths = [9, 5]
        batch = torch.randint(1, cfg["vocab_size"], (2, 9), generator=g)
        batch[1, 5:] = 0
        packed = nn.utils.rnn.pack_padded_sequence(emb.weight[batch], torch.tensor(lengths), batch_first=True, enforce_sorted=True)
        out, _ = lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        for b, n in enumerate(lengths):
            logits, w, hs = forward(batch[b, :n])
            assert torch.allclose(out[b, :n], hs, atol=1e-10)
            inputs[f"pad{b}.ids"] = batch[b, :n].clone()
            expected.update({f"pad{b}.logits": logits, f"pad{b}.pooling": w, f"pad{b}.states": hs})
            cases.append({"name": f"pad{b}", "from_padded_batch": True})
    save(name, weights, inputs, expected, cfg, cases)


# --------------------------------------------------------------------------------------------
# Seq2seq: BiLSTM encoder, LSTM decoder with Bahdanau attention, greedy decoding
# --------------------------------------------------------------------------------------------
def seq2seq_fixture(name, cfg, seed):
    if ONLY and name not in ONLY:
        return
    torch.manual_seed(seed)
    e, hd, a = cfg["embedding_dim"], cfg["hidden_size"], cfg["attention_dim"]
    enc_out = 2 * hd
    dec_in = e + (enc_out if cfg["input_feeding"] else 0)
    mods = {
        "src_embedding": nn.Embedding(cfg["src_vocab_size"], e),
        "tgt_embedding": nn.Embedding(cfg["tgt_vocab_size"], e),
        "encoder": nn.LSTM(e, hd, num_layers=1, bidirectional=True, batch_first=True),
        "bridge_h": nn.Linear(enc_out, hd),
        "bridge_c": nn.Linear(enc_out, hd),
        "decoder": nn.LSTMCell(dec_in, hd),
        "attention.query": nn.Linear(hd, a, bias=False),
        "attention.key": nn.Linear(enc_out, a),
        "attention.v": nn.Linear(a, 1, bias=False),
    }
    attentional, tied = cfg.get("attentional_hidden", False), cfg.get("tie_output_embedding", False)
    if attentional:  # Luong's attentional hidden state h~ = tanh(W_c [h; ctx] + b_c), width e
        mods["combine"] = nn.Linear(hd + enc_out, e)
    if not tied:
        mods["output"] = nn.Linear(e if attentional else hd + enc_out, cfg["tgt_vocab_size"])
    for m in mods.values():
        randomise(m, 0.5)
        m.to(F64).eval()
    weights = {f"{k}.{p}": t for k, m in mods.items() for p, t in m.named_parameters()}
    if tied:  # the output layer's weight is the target embedding table; only its bias is new
        output_bias = (torch.rand(cfg["tgt_vocab_size"], dtype=F64) * 2 - 1) * 0.5
        weights["output.bias"] = output_bias

    def output_layer(features):
        if attentional:
            features = torch.tanh(mods["combine"](features))
        if tied:
            return features @ mods["tgt_embedding"].weight.T + output_bias
        return mods["output"](features)

    def translate(src, token_mask=None, temperature=1.0):
        x = mods["src_embedding"].weight[src][None]
        hs, (hn, cn) = mods["encoder"](x)
        hs = hs[0]  # (S, 2h)
        h = torch.tanh(mods["bridge_h"](torch.cat([hn[0, 0], hn[1, 0]])))
        c = mods["bridge_c"](torch.cat([cn[0, 0], cn[1, 0]]))
        keys = mods["attention.key"](hs)  # (S, a)
        y = cfg["bos_id"]
        out, rows, logits_all = [], [], []
        for _ in range(cfg["max_decode_len"]):
            scores = mods["attention.v"](torch.tanh(keys + mods["attention.query"](h)))[:, 0] / temperature
            if token_mask is not None:
                scores = scores.masked_fill(token_mask, float("-inf"))
            w = torch.nan_to_num(torch.softmax(scores, 0), nan=0.0)
            ctx = (w[:, None] * hs).sum(0)
            inp = mods["tgt_embedding"].weight[y]
            if cfg["input_feeding"]:
                inp = torch.cat([inp, ctx])
            h, c = mods["decoder"](inp[None], (h[None], c[None]))
            h, c = h[0], c[0]
            logits = output_layer(torch.cat([h, ctx]))
            # Greedy, never the token just written (bos at the first step), first maximum on ties.
            y = int(torch.argmax(logits.index_fill(0, torch.tensor([y]), float("-inf"))))
            rows.append(w)
            logits_all.append(logits)
            out.append(y)
            if y == cfg["eos_id"]:
                break
        return torch.tensor(out), torch.stack(rows), torch.stack(logits_all)

    inputs, expected, cases = {}, {}, []
    g = torch.Generator().manual_seed(seed + 2)
    with torch.no_grad():
        for case, S in [("s1", 1), ("s5", 5), ("s12", 12)]:
            src = torch.randint(3, cfg["src_vocab_size"], (S,), generator=g)
            toks, rows, logits = translate(src)
            inputs[f"{case}.ids"] = src
            expected.update({f"{case}.tokens": toks.to(F64), f"{case}.cross_attention": rows, f"{case}.step_logits": logits})
            cases.append({"name": case})
        src = torch.randint(3, cfg["src_vocab_size"], (7,), generator=g)
        tm = torch.zeros(7, dtype=torch.bool)
        tm[1] = True
        toks, rows, logits = translate(src, tm, 0.8)
        inputs["iv.ids"] = src
        expected.update({"iv.tokens": toks.to(F64), "iv.cross_attention": rows, "iv.step_logits": logits})
        cases.append({"name": "iv", "masked_tokens": [1], "temperature": 0.8})
    save(name, weights, inputs, expected, cfg, cases)


base_t = {"architecture": "TransformerEncoderClassifier", "vocab_size": 61, "d_model": 32, "n_heads": 4,
          "n_layers": 2, "d_ff": 64, "max_len": 64, "layer_norm_eps": 1e-5, "pe_base": 10000.0,
          "scale_embedding": True, "labels": ["negative", "positive", "neutral"], "pad_id": 0}
transformer_fixture("transformer_post_gelu_cls", {**base_t, "activation": "gelu", "norm_first": False, "final_norm": False, "pooling": "cls"}, 1)
transformer_fixture("transformer_pre_relu_mean", {**base_t, "activation": "relu", "norm_first": True, "final_norm": True, "pooling": "mean"}, 2)
# A decoder's attention: every query sees only itself and the keys before it (look-ahead mask).
transformer_fixture("transformer_pre_gelu_causal", {**base_t, "activation": "gelu", "norm_first": True, "final_norm": True, "pooling": "mean", "causal": True}, 6)
decoder_fixture("decoder_lm", {"architecture": "TransformerDecoderLm", "vocab_size": 67, "d_model": 32, "n_heads": 4,
                               "n_layers": 2, "d_ff": 64, "max_len": 64, "layer_norm_eps": 1e-5, "pe_base": 10000.0,
                               "scale_embedding": True, "activation": "gelu", "norm_first": True, "final_norm": True,
                               "pad_id": 0}, 7)
bilstm_fixture("bilstm_attention", {"architecture": "BiLstmAttentionClassifier", "vocab_size": 57, "embedding_dim": 24,
                                    "hidden_size": 16, "num_layers": 2, "attention_dim": 20, "max_len": 64,
                                    "labels": ["business", "entertainment", "politics", "sport", "tech"], "pad_id": 0}, 3)
seq2seq_fixture("seq2seq_bahdanau", {"architecture": "Seq2SeqAttention", "src_vocab_size": 53, "tgt_vocab_size": 47,
                                     "embedding_dim": 16, "hidden_size": 20, "attention_dim": 18, "input_feeding": True,
                                     "max_src_len": 64, "max_decode_len": 12, "pad_id": 0, "bos_id": 1, "eos_id": 2}, 4)
seq2seq_fixture("seq2seq_luong_tied", {"architecture": "Seq2SeqAttention", "src_vocab_size": 41, "tgt_vocab_size": 37,
                                       "embedding_dim": 14, "hidden_size": 12, "attention_dim": 10, "input_feeding": True,
                                       "attentional_hidden": True, "tie_output_embedding": True,
                                       "max_src_len": 64, "max_decode_len": 12, "pad_id": 0, "bos_id": 1, "eos_id": 2}, 5)
