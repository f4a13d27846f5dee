#!/usr/bin/env python3
"""Median and p95 of per-iteration time from criterion's saved samples.

Usage: python3 tools/criterion-percentiles.py [target/criterion/cpu_forward]
Each criterion sample is a batch of iterations; its time per iteration is one observation.
"""
import json, math, pathlib, sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion/cpu_forward")
for path in sorted(root.glob("*/*/new/sample.json"), key=lambda p: (p.parts[-4], int(p.parts[-3]))):
    data = json.loads(path.read_text())
    per_iter = sorted(t / n / 1e6 for t, n in zip(data["times"], data["iters"]))  # ms
    at = lambda q: per_iter[min(len(per_iter), math.ceil(q * len(per_iter))) - 1]
    print(f"{path.parts[-4]:18} T={path.parts[-3]:>4}  median {at(0.5):7.3f} ms  p95 {at(0.95):7.3f} ms  ({len(per_iter)} samples)")
