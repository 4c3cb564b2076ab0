#!/usr/bin/env python3
"""Single-process PyTorch reference for the Fashion-MNIST MLP (784-256-128-10, ReLU), the baseline
that deploy/bench/fmnist.sh measures Impetus against in the same run.

Reads the IDX files directly (no torchvision), trains with torch.optim, prints one JSON line:
{"samples_per_second": ..., "test_accuracy": ..., "epochs": ..., "threads": ..., "cores_used": ...}.

"threads" is torch's intra-op thread count (torch.set_num_threads). It does not bound the matrix
products: Debian's torch calls OpenBLAS (the pthread build), which starts its own threads, one per
core unless OPENBLAS_NUM_THREADS says otherwise. "cores_used" (process CPU time over wall time of
the timed loop) shows what the run really used: 1.99 on this 2-core machine by default, 1.0 with
OPENBLAS_NUM_THREADS=1.
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn


def idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        magic, count = struct.unpack(">II", f.read(8))
        if magic == 0x803:
            rows, cols = struct.unpack(">II", f.read(8))
            return np.frombuffer(f.read(), dtype=np.uint8).reshape(count, rows * cols)
        return np.frombuffer(f.read(), dtype=np.uint8)


def load(data_dir, split):
    def find(stem):
        for name in (stem, stem + ".gz"):
            if os.path.exists(os.path.join(data_dir, name)):
                return os.path.join(data_dir, name)
        raise SystemExit("missing %s in %s (apt-get install dataset-fashion-mnist)" % (stem, data_dir))
    x = idx(find(split + "-images-idx3-ubyte")).astype(np.float32) / 255.0
    y = idx(find(split + "-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def make_model():
    """The Fashion-MNIST MLP of Impetus's `mlp` model: 784-256-ReLU-128-ReLU-10."""
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    p.add_argument("--batch-size", type=int, default=64)
    a = p.parse_args()
    torch.manual_seed(0)
    xtr, ytr = load(a.data_dir, "train")
    xte, yte = load(a.data_dir, "t10k")
    model = make_model()
    opt = (torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9) if a.optimizer == "sgd"
           else torch.optim.Adam(model.parameters(), lr=0.001))
    loss_fn = nn.CrossEntropyLoss()
    steps = int(a.epochs * len(xtr) / a.batch_size)
    perm = torch.randperm(len(xtr))
    start = time.perf_counter()
    cpu_start = time.process_time()
    for s in range(steps):
        if (s * a.batch_size) % len(xtr) + a.batch_size > len(xtr):
            perm = torch.randperm(len(xtr))
        i = (s * a.batch_size) % (len(xtr) - a.batch_size)
        idxs = perm[i:i + a.batch_size]
        opt.zero_grad()
        loss = loss_fn(model(xtr[idxs]), ytr[idxs])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print(json.dumps({"samples_per_second": steps * a.batch_size / seconds, "test_accuracy": acc,
                      "epochs": a.epochs, "threads": torch.get_num_threads(),
                      "cores_used": round(cpu_seconds / seconds, 2)}))


if __name__ == "__main__":
    main()
