#!/usr/bin/env python3
"""Loads a safetensors file written by `impetus export` into the equivalent PyTorch nn.Sequential and
prints its test accuracy on Fashion-MNIST (or MNIST) as one JSON line:
{"test_accuracy": ..., "test_examples": ..., "model": ..., "hidden": [...], "checkpoint_version": ...}.

The file is parsed with plain Python (struct, json) and torch.frombuffer, so the `safetensors`
package is not needed: an 8-byte little-endian header length, a JSON header naming each tensor's
dtype, shape and byte range, then the raw little-endian data. load_state_dict(strict=True) checks
that the names and shapes are exactly nn.Sequential's.

Run with the system Python that has python3-torch:
  /usr/bin/python3 deploy/bench/torch_load_safetensors.py model.safetensors
"""
import argparse
import json
import struct
import sys

import torch
import torch.nn as nn

from torch_mlp import load

DTYPES = {"F32": torch.float32}


def read_safetensors(path):
    """The file's tensors by name (in file order) and its __metadata__."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = memoryview(data)[8 + length:]
    tensors = {}
    for name, spec in header.items():
        if spec["dtype"] not in DTYPES:
            raise SystemExit("%s: tensor %s has dtype %s; only F32 is expected" % (path, name, spec["dtype"]))
        begin, end = spec["data_offsets"]
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=DTYPES[spec["dtype"]])
        if sys.byteorder != "little":
            flat = flat.byteswap()
        tensors[name] = flat.reshape(spec["shape"])
    return tensors, metadata


def make_model(model, hidden, inputs, classes):
    """nn.Sequential of Linear layers with ReLU between them: mlp (hidden widths), softmax (none)."""
    widths = [inputs] + hidden + [classes]
    layers = []
    for i in range(len(widths) - 1):
        if i > 0:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(widths[i], widths[i + 1]))
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("file", help="a safetensors file from impetus export (model mlp or softmax)")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    tensors, meta = read_safetensors(a.file)
    model_name = meta.get("model", "")
    if model_name not in ("mlp", "softmax"):
        raise SystemExit("%s holds model '%s'; this script evaluates the image classifiers mlp and softmax"
                         % (a.file, model_name))
    hidden = [int(w) for w in meta.get("hidden", "").split(",") if w]
    xte, yte = load(a.data_dir, "t10k")
    model = make_model(model_name, hidden, xte.shape[1], 10)
    model.load_state_dict(tensors, strict=True)
    model.eval()
    with torch.no_grad():
        correct = (model(xte).argmax(dim=1) == yte).sum().item()
    print(json.dumps({"test_accuracy": correct / len(yte), "test_examples": len(yte), "model": model_name,
                      "hidden": hidden, "checkpoint_version": int(meta.get("checkpoint_version", -1))}))


if __name__ == "__main__":
    main()
