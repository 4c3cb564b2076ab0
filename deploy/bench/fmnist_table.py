#!/usr/bin/env python3
"""The Markdown table of an fmnist.sh output folder: one row per Impetus setting, each figure the
median over the rounds (run folders NAME or NAME-rK), samples/s with [min, max] when there are
several rounds. Columns as in `impetus compare --throughput`; the command is the run's command.txt.

    deploy/bench/fmnist_table.py OUT_DIR
"""
import json
import os
import re
import statistics
import sys


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "runs/fmnist-bench"
    groups = {}
    for name in sorted(os.listdir(out)):
        summary = os.path.join(out, name, "summary.json")
        if not os.path.isfile(summary):
            continue
        setting = re.sub(r"-r\d+$", "", name)
        with open(summary) as f:
            groups.setdefault(setting, []).append((name, json.load(f)))
    print("| run | rounds | samples/s | steady | test acc. | compute p50 ms | push-pull wait p50 ms | apply p50 ms"
          " | CPU ms/step workers + shards |")
    print("|---|---|---|---|---|---|---|---|---|")
    for setting, runs in groups.items():
        def med(get, fmt):
            values = [v for v in (get(s) for _, s in runs) if v is not None]
            return fmt % statistics.median(values) if values else "n/a"
        rates = [s["samples_per_second"] for _, s in runs]
        rate = "{:,.0f}".format(statistics.median(rates))
        if len(rates) > 1:
            rate += " [{:,.0f}, {:,.0f}]".format(min(rates), max(rates))
        tb = lambda s: s.get("time_breakdown", {})
        with open(os.path.join(out, runs[0][0], "command.txt")) as f:
            command = f.read().strip().split(" --out ")[0]
        print("| %s (`%s`) | %d | %s | %s | %s | %s | %s | %s | %s + %s |" % (
            setting, command, len(runs), rate,
            med(lambda s: s.get("steady_samples_per_second"), "%.0f"),
            med(lambda s: s.get("test_accuracy"), "%.4f"),
            med(lambda s: tb(s).get("worker_compute_ms", {}).get("p50"), "%.2f"),
            med(lambda s: tb(s).get("push_pull_wait_ms", {}).get("p50"), "%.2f"),
            med(lambda s: tb(s).get("server_apply_ms", {}).get("p50"), "%.3f"),
            med(lambda s: tb(s).get("cpu_ms_per_step", {}).get("workers"), "%.2f"),
            med(lambda s: tb(s).get("cpu_ms_per_step", {}).get("shards"), "%.2f")))


if __name__ == "__main__":
    main()
