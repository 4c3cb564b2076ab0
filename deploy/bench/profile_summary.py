#!/usr/bin/env python3
"""Summarizes async-profiler's collapsed stacks (one file per JVM, as deploy/bench/profile.sh writes
them): for each file, the share of CPU samples by category, the first matching rule of each stack
deciding, and the milliseconds of CPU per sample interval (1 ms in profile.sh).

    deploy/bench/profile_summary.py FILE.collapsed...
"""
import collections
import sys

# (category, substrings of a frame): the first category one of whose substrings occurs in a stack wins.
RULES = [
    ("JIT compiler", ["CompileBroker", "C2Compiler", "Compilation::", "C1_", "PhaseIdealLoop", "Compile::"]),
    ("GC", ["GCTask", "SerialHeap", "GenCollect", "VM_Gen", "DefNewGeneration", "TenuredGeneration"]),
    ("OpenBLAS / netlib (matrix products)", ["Gemm", "blas", "Blas", "BLAS"]),
    ("optimizer step", ["io/impetus/optim/"]),
    ("shared-memory copies and checks", ["SharedSegment", "FloatDecoder"]),
    ("model (Java loops)", ["io/impetus/model/"]),
    ("doorbell socket I/O (same-host push headers)", ["io/impetus/wire/DoorbellChannel"]),
    ("data (batches, loading)", ["io/impetus/data/", "libz"]),
    ("gRPC / Netty (transport)", ["io/grpc/", "io/netty/", "epoll", "Epoll"]),
    ("class loading", ["ClassLoader", "SystemDictionary", "ClassFileParser", "Verifier", "defineClass"]),
    ("trainer, client, shard (other)", ["io/impetus/"]),
    ("interpreter", ["Interpreter"]),
]


def summarize(path):
    counts = collections.Counter()
    total = 0
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            n = int(n)
            total += n
            for category, keys in RULES:
                if any(k in stack for k in keys):
                    counts[category] += n
                    break
            else:
                counts["other (JVM, kernel)"] += n
    print("%s: %d samples" % (path, total))
    for category, n in counts.most_common():
        print("  %5.1f%%  %s" % (100.0 * n / total, category))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        summarize(path)


if __name__ == "__main__":
    main()
