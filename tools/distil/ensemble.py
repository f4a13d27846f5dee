#!/usr/bin/env python3
"""An ensemble teacher's outputs from two teacher-output stores of the same transfer set:

    python3 tools/distil/ensemble.py FIRST.npz SECOND.npz OUT.npz

logits: the mean of the two teachers' logits; word saliency: the mean of the two (rescaled so
the most salient word is 255) where both teachers split a text into the same number of words,
the first teacher's elsewhere. Texts only the second store has keep its outputs. Tried for
issue 16 with MiniLM's committed store and an MPNet teacher's (crates/train/cards/sentiment-*.md).
"""
import sys

import numpy as np


def main(first_path, second_path, out_path):
    first, second = dict(np.load(first_path)), dict(np.load(second_path))
    index = {int(k): i for i, k in enumerate(first["keys"])}
    keys = second["keys"]
    first_logits = first["logits"].astype(np.float32)
    second_logits = second["logits"].astype(np.float32)
    logits = np.zeros_like(second_logits)
    runs, averaged = [], 0
    for j, key in enumerate(keys):
        mine = second["saliency"][second["offsets"][j]:second["offsets"][j + 1]]
        i = index.get(int(key))
        if i is None:
            logits[j] = second_logits[j]
            runs.append(mine)
            continue
        logits[j] = (first_logits[i] + second_logits[j]) / 2
        theirs = first["saliency"][first["offsets"][i]:first["offsets"][i + 1]]
        if len(theirs) != len(mine):
            runs.append(theirs)
            continue
        averaged += 1
        mean = (theirs.astype(np.float32) + mine.astype(np.float32)) / 2
        top = mean.max() if len(mean) else 0.0
        runs.append(np.round(mean / top * 255).astype(np.uint8) if top > 0 else mean.astype(np.uint8))
    offsets = np.zeros(len(keys) + 1, dtype=np.uint32)
    offsets[1:] = np.cumsum([len(r) for r in runs])
    np.savez_compressed(out_path, keys=keys, logits=logits.astype(np.float16), offsets=offsets,
                        saliency=np.concatenate(runs) if runs else np.zeros(0, np.uint8))
    print(f"{len(keys)} texts; saliency averaged for {averaged}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
