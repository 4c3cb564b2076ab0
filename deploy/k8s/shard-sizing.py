#!/usr/bin/env python3
"""Memory a shard needs for a model of P parameters cut into S shards, by optimizer.

Prints the table in docs/kubernetes.md (sizing). Bytes per parameter of a shard's slice (P/S
parameters), as the shard's code allocates them:
  parameters                       4        Shard.params
  sync averaging buffer            4        Shard.average (allocated in every mode)
  optimizer state                  4k       SgdState.velocity (k=1 with momentum, else 0),
                                            AdamState.expAvg and expAvgSq (k=2; 3 with --amsgrad)
  undo of a refused update         4(1+k)   UpdateUndo (numeric safety: parameters and state)
  receive buffers                  4N       WorkerSlot.gradient, one per worker
  checkpoint snapshot              4(1+k)   Shard.snapshot() clones parameters and state for the writer
  replies in flight (off-heap)     4N fp32, 2N bf16: each worker's reply is encoded into Netty buffers
  dc-asgd staleness policy         +4N      WorkerSlot.readParams, the slice each worker last read
The heap is 75% of the container's memory limit (-XX:MaxRAMPercentage=75 in the image), and the JVM
needs room beyond the slice (classes, threads, gRPC and Netty pools): BASELINE_MIB below, a margin
rather than a measurement. Usage: python3 deploy/k8s/shard-sizing.py [WORKERS] [--bf16]
"""
import math
import sys

BASELINE_MIB = 256
OPTIMIZERS = [("sgd", 0), ("sgd, momentum", 1), ("adam / adamw", 2)]
MODELS = [(235_146, "235k (mlp)"), (10_000_000, "10M"), (100_000_000, "100M")]


def bytes_per_param(k, workers, wire_bytes):
    heap = 4 + 4 + 4 * k + 4 * (1 + k) + 4 * workers + 4 * (1 + k)
    return heap, wire_bytes * workers


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    workers = int(args[0]) if args else 4
    wire = 2 if "--bf16" in sys.argv else 4
    print(f"| P | S | optimizer | bytes/param (heap + off-heap) | per shard: slice | memory limit |")
    print("|---|---|---|---|---|---|")
    for params, label in MODELS:
        for shards in (1, 4):
            for name, k in OPTIMIZERS:
                heap, off = bytes_per_param(k, workers, wire)
                slice_params = math.ceil(params / shards)
                need_mib = slice_params * (heap + off) / 2**20
                limit_mib = math.ceil((slice_params * heap / 2**20) / 0.75 + slice_params * off / 2**20 + BASELINE_MIB)
                limit = f"{math.ceil(limit_mib / 64) * 64}Mi" if limit_mib < 2048 else f"{math.ceil(limit_mib / 1024)}Gi"
                print(f"| {label} | {shards} | {name} | {heap} + {off} | {need_mib:,.0f} MiB | {limit} |")
    print(f"\n{workers} workers, {'bf16' if wire == 2 else 'fp32'} replies; limit = heap part / 0.75 + off-heap"
          f" + {BASELINE_MIB} MiB, rounded up.")


if __name__ == "__main__":
    main()
