"""Build a tslab .ipynb (no outputs) from a plain-text cell list: cells separated by lines
'#%% md' or '#%% code'. Usage: /usr/bin/python3 scripts/notebook.py SRC.txt OUT.ipynb"""
import json, sys

src, out = sys.argv[1], sys.argv[2]
cells, kind, buf = [], None, []

def flush():
    if kind is None:
        return
    text = "\n".join(buf).strip("\n")
    lines = [l + "\n" for l in text.split("\n")]
    lines[-1] = lines[-1].rstrip("\n")
    cell = {"cell_type": "markdown" if kind == "md" else "code", "id": f"c{len(cells):02d}", "metadata": {}, "source": lines}
    if kind == "code":
        cell.update({"execution_count": None, "outputs": []})
    cells.append(cell)

for line in open(src, encoding="utf8").read().split("\n"):
    if line.startswith("#%% "):
        flush()
        kind, buf = line[4:].strip(), []
    else:
        buf.append(line)
flush()
nb = {
    "cells": cells,
    "metadata": {
        "kernelspec": {"display_name": "TypeScript (tslab)", "language": "typescript", "name": "tslab"},
        "language_info": {"codemirror_mode": {"mode": "typescript", "name": "javascript", "typescript": True},
                          "file_extension": ".ts", "mimetype": "text/typescript", "name": "typescript", "version": "5"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}
json.dump(nb, open(out, "w", encoding="utf8"), indent=1, ensure_ascii=False)
open(out, "a").write("\n")
