#!/usr/bin/env python3
"""Regenerates src/plot/viridis_table.rs from matplotlib's published viridis table (CC0).

Usage: python3 tools/gen_viridis.py  (downloads the matplotlib wheel with pip, no install)
"""
import glob, pathlib, re, subprocess, tempfile, zipfile

tmp = tempfile.mkdtemp()
subprocess.run(["pip", "download", "--no-deps", "-q", "-d", tmp, "matplotlib"], check=True)
wheel = glob.glob(f"{tmp}/matplotlib-*.whl")[0]
src = zipfile.ZipFile(wheel).read("matplotlib/_cm_listed.py").decode()
data = eval(re.search(r"_viridis_data = (\[.*?\]\])", src, re.S).group(1))
rows = [tuple(round(c * 255) for c in rgb) for rgb in data]
out = [
    "/// The viridis colour map (van der Walt & Smith, CC0), 256 entries, sRGB.",
    "///",
    "/// Generated from matplotlib's published `_viridis_data` table by `tools/gen_viridis.py`.",
    "#[rustfmt::skip]",
    "pub const VIRIDIS: [[u8; 3]; 256] = [",
]
for i in range(0, 256, 4):
    out.append("    " + " ".join("[%d, %d, %d]," % r for r in rows[i : i + 4]))
out.append("];")
target = pathlib.Path(__file__).resolve().parent.parent / "src/plot/viridis_table.rs"
target.write_text("\n".join(out) + "\n")
