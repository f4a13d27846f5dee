"""Shared by teacher.py and student.py (issue 16's distillation).

- the prepared splits (`attnscope-train --export-splits DIR` writes them);
- the transfer set: the training texts, their augmentations after Tang et al. 2019 ("Distilling
  Task-Specific Knowledge from BERT into Simple Neural Networks": masking, replacement by a
  neighbour word, n-gram samples; passage windows for the topic articles), sentiment copies
  with their negation toggled, and unlabelled text from the shipped corpora, all reproducible
  from a seed;
- the teacher-output store: soft labels and word saliencies keyed by a hash of each text, so
  that the committed file holds no corpus text.
"""
import hashlib
import json
import random
from pathlib import Path

import numpy as np

TASKS = ("sentiment", "topic")

# The seed of the transfer set (and of the teacher's fine-tuning): teacher.py and student.py
# must build the same texts.
SEED = 16


def device_name(device):
    """The GPU's name, or the CPU's model name and the threads PyTorch uses."""
    import torch

    if device == "cuda":
        return torch.cuda.get_device_name()
    name = "CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"):
            name = line.split(":", 1)[1].strip()
            break
    return f"{name} ({torch.get_num_threads()} threads)"


def load_task(splits_dir, task):
    """(labels, {split: [(text, label)]}) for `task`, from the exported splits."""
    data = json.loads(Path(splits_dir, f"{task}.json").read_text())
    splits = {name: [(e["text"], e["label"]) for e in rows] for name, rows in data["splits"].items()}
    return data["labels"], splits


def unlabelled(splits_dir, task, limit, seed):
    """Plain text from the shipped corpora the teacher labels: English Tatoeba sentences (the
    translator's training side) for sentiment, none for topic."""
    if task != "sentiment":
        return []
    data = json.loads(Path(splits_dir, "translation.json").read_text())
    sources = sorted({p["source"] for p in data["splits"]["train"]})
    random.Random(seed).shuffle(sources)
    return sources[:limit]


def text_key(text):
    """64-bit key of a text: the first 8 bytes of its SHA-1, little-endian."""
    return int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "little")


# --------------------------------------------------------------------------------------------
# Augmentation
# --------------------------------------------------------------------------------------------
AUGMENT = {
    # Tang et al.: p_mask = p_pos = 0.1, p_ng = 0.25, n-grams of 1–5 words; plus two copies of
    # each training text with its negation toggled (see `toggle_negation`), half of them cut
    # to a short window around the toggled words.
    "sentiment": {"copies": 12, "p_mask": 0.1, "p_replace": 0.1, "p_window": 0.25, "window": (1, 5),
                  "negated": 2},
    # Passages of up to 80 words: windows of 6–30 words keep the news topic readable.
    "topic": {"copies": 6, "p_mask": 0.1, "p_replace": 0.1, "p_window": 0.4, "window": (6, 30)},
}


def augment(text, neighbours, rng, recipe):
    """One augmented copy of `text` (whitespace words): each word masked ([MASK]) with p_mask,
    else replaced by one of its neighbours with p_replace; then, with p_window, a random
    window of n words."""
    words = text.split()
    out = []
    for word in words:
        r = rng.random()
        key = word.lower().strip(".,!?;:\"'()")
        if r < recipe["p_mask"]:
            out.append("[MASK]")
        elif r < recipe["p_mask"] + recipe["p_replace"] and neighbours.get(key):
            out.append(rng.choice(neighbours[key]))
        else:
            out.append(word)
    if rng.random() < recipe["p_window"]:
        lo, hi = recipe["window"]
        n = rng.randint(lo, hi)
        if n < len(out):
            start = rng.randint(0, len(out) - n)
            out = out[start:start + n]
    return " ".join(out)


# Negation toggles: an auxiliary gains a negation ("was" → "was not" / "wasn't") or loses it.
NEGATABLE = {
    "is": ["is not", "isn't"], "was": ["was not", "wasn't"], "are": ["are not", "aren't"],
    "were": ["were not", "weren't"], "does": ["does not", "doesn't"], "did": ["did not", "didn't"],
    "do": ["do not", "don't"], "can": ["cannot", "can't"], "could": ["could not", "couldn't"],
    "will": ["will not", "won't"], "would": ["would not", "wouldn't"], "has": ["has not", "hasn't"],
    "have": ["have not", "haven't"], "should": ["should not", "shouldn't"],
}
NEGATED = {neg: [plain] for plain, negs in NEGATABLE.items() for neg in negs if " " not in neg}
NEGATED.update({"cannot": ["can"], "never": ["always", "often"], "no": ["a", "some"]})


def toggle_negation(text, rng, short):
    """`text` with one auxiliary's negation toggled ("the plot was not dull" ↔ "the plot was
    dull", "it isn't funny" → "it is funny"; "never" → "always"), or None when it has no such
    word. With `short`, only a window from up to two words before the toggle to one to four
    words after it is kept ("was not dull at all"): short negated phrases are rare in reviews.
    Only training texts are toggled; the demo checklist is never read here."""
    words = text.split()
    spots = []
    for i, word in enumerate(words):
        key = word.lower()
        after = words[i + 1].lower() if i + 1 < len(words) else ""
        if key in NEGATABLE and after in ("not", "n't"):
            spots.append((i, [word], 2))
        elif key in NEGATABLE and after not in ("never", "no"):
            spots.append((i, NEGATABLE[key], 1))
        elif key in NEGATED:
            spots.append((i, NEGATED[key], 1))
    if not spots:
        return None
    i, choices, width = rng.choice(spots)
    out = words[:i] + [rng.choice(choices)] + words[i + width:]
    if short:
        start = max(0, i - rng.randint(0, 2))
        out = out[start:i + 1 + rng.randint(1, 4)]
    return " ".join(out)


def transfer_texts(train_texts, extra_texts, neighbours, task, seed):
    """The transfer set's texts: every training text, its augmented copies, the unlabelled
    texts; duplicates dropped, order fixed by `seed`."""
    recipe = AUGMENT[task]
    rng = random.Random(seed)
    seen, out = set(), []
    for text in list(train_texts) + list(extra_texts):
        if text not in seen:
            seen.add(text)
            out.append(text)
    for text in train_texts:
        for _ in range(recipe["copies"]):
            copy = augment(text, neighbours, rng, recipe)
            if copy.strip() and copy not in seen:
                seen.add(copy)
                out.append(copy)
    # After the others, from their own generator, so the texts above stay as they were.
    for copy in negation_copies(train_texts, task, seed):
        if copy not in seen:
            seen.add(copy)
            out.append(copy)
    return out


def negation_copies(train_texts, task, seed):
    """The training texts with one negation toggled (`toggle_negation`), as the transfer set
    adds them (before its duplicates are dropped)."""
    rng = random.Random(seed + 1)
    out = []
    for text in train_texts:
        for n in range(AUGMENT[task].get("negated", 0)):
            copy = toggle_negation(text, rng, short=n % 2 == 1)
            if copy and copy.strip():
                out.append(copy)
    return out


def word_counts(texts):
    """Lower-cased, punctuation-stripped word counts."""
    counts = {}
    for text in texts:
        for word in text.split():
            key = word.lower().strip(".,!?;:\"'()")
            if key.isalpha():
                counts[key] = counts.get(key, 0) + 1
    return counts


def neighbours_from_embeddings(words, vocab, embeddings, k=8):
    """For each word that is one teacher token, its k nearest such words by cosine of the
    teacher's input embeddings, rounded to f16 (the form the teacher step carried) and compared
    in float64 on the CPU, so every machine finds the same ones."""
    import torch

    words = sorted(w for w in words if w in vocab)
    if not words:
        return {}
    ids = torch.tensor([vocab[w] for w in words])
    e = embeddings[ids].half().to(torch.float64)
    e = e / e.norm(dim=1, keepdim=True)
    out = {}
    for start in range(0, len(words), 2048):
        sims = e[start:start + 2048] @ e.T
        sims[torch.arange(sims.shape[0]), torch.arange(start, start + sims.shape[0])] = -2.0
        top = sims.topk(k, dim=1).indices
        for row, word in enumerate(words[start:start + 2048]):
            out[word] = [words[j] for j in top[row].tolist()]
    return out


# --------------------------------------------------------------------------------------------
# Teacher outputs
# --------------------------------------------------------------------------------------------
def save_outputs(path, texts, logits, saliency):
    """Writes the soft labels (f16, one row per text), the word saliencies (u8, 255 = the
    sentence's most salient word, one run per text) and the texts' keys."""
    keys = np.array([text_key(t) for t in texts], dtype=np.uint64)
    offsets = np.zeros(len(texts) + 1, dtype=np.uint32)
    offsets[1:] = np.cumsum([len(s) for s in saliency])
    flat = np.concatenate([np.asarray(s, dtype=np.uint8) for s in saliency]) if saliency else np.zeros(0, np.uint8)
    np.savez_compressed(path, keys=keys, logits=np.asarray(logits, dtype=np.float16), offsets=offsets, saliency=flat)


def append_outputs(path, first, texts, logits, saliency):
    """Rewrites the store at `path` (loaded as `first`) with `texts`' outputs added after its
    own, in the format of `save_outputs`."""
    keys = np.concatenate([first.keys, np.array([text_key(t) for t in texts], dtype=np.uint64)])
    lengths = np.diff(first.offsets).tolist() + [len(s) for s in saliency]
    offsets = np.zeros(len(lengths) + 1, dtype=np.uint32)
    offsets[1:] = np.cumsum(lengths)
    flat = np.concatenate([first.saliency] + [np.asarray(s, dtype=np.uint8) for s in saliency])
    all_logits = np.concatenate([first.logits, np.asarray(logits, dtype=np.float32).reshape(-1, first.logits.shape[1])])
    np.savez_compressed(path, keys=keys, logits=all_logits.astype(np.float16), offsets=offsets, saliency=flat)


class Outputs:
    """The committed teacher outputs, looked up by text."""

    def __init__(self, path):
        data = np.load(path)
        self.keys = data["keys"]
        self.logits = data["logits"].astype(np.float32)
        self.offsets = data["offsets"]
        self.saliency = data["saliency"]
        self.index = {int(k): i for i, k in enumerate(data["keys"])}

    def get(self, text):
        """(logits, word saliencies in [0, 1]) of `text`, or None when the teacher never saw it."""
        i = self.index.get(text_key(text))
        if i is None:
            return None
        sal = self.saliency[self.offsets[i]:self.offsets[i + 1]].astype(np.float32) / 255.0
        return self.logits[i], sal
