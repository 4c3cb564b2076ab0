#!/usr/bin/env bash
# Fashion-MNIST throughput and accuracy, the workload issue's targets. Runs, on this machine and
# in one go: the PyTorch baselines (when python3-torch is installed: the single-process MLP and the
# torch.distributed.rpc parameter server with N = 1, 2, 4 trainers, one epoch each, with PyTorch's
# defaults, with OpenBLAS held to one thread, and with Adam for the Adam rows), then Impetus async with batch 64
# for N = 1, 2, 4 workers and one shard (floats through shared memory, as impetus local does by
# default), with --overlap, with --transport grpc (floats in gRPC messages, as between hosts), the
# N = 4 accuracy settings, the workers as threads of one JVM (--worker-processes 1), without the
# doorbell (--no-doorbell), the JIT choices,
# and the CNN. Prints the baselines, a Markdown table from
# the run folders' summary.json files (every run, then medians per setting: deploy/bench/fmnist_table.py),
# and each Impetus throughput row's ratio to its baseline measured in the same run.
#   deploy/bench/fmnist.sh [--quick] [--repeat K] [OUT_DIR]
# --quick: one epoch per run and no CNN (a few minutes instead of ~10).
# --repeat K: K rounds of every baseline and MLP row (the CNN runs once); the ratios are then
# medians over the rounds of each round's ratio to that round's baseline, with [min, max].
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
quick=0; reps=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --repeat) reps="$2"; shift 2 ;;
    -*) echo "fmnist.sh: unknown option $1 (expected --quick, --repeat K, OUT_DIR)" >&2; exit 2 ;;
    *) break ;;
  esac
done
out="${1:-$root/runs/fmnist-bench}"
mkdir -p "$out"
epochs=5; cnn_epochs=3
if [ $quick = 1 ]; then epochs=1; fi

# Build the jar once, before anything is timed, and make one short untimed run, whose first worker and
# shard dump the class-data-sharing archives that impetus local's JVMs use from then on.
"$root/impetus" --help > /dev/null
warm=$(mktemp -d)
"$root/impetus" local --model mlp --steps 30 --workers 1 --shards 1 --no-progress --out "$warm/run" > "$warm/log" 2>&1 || true
rm -rf "$warm"

py=/usr/bin/python3
have_torch=0
if $py -c "import torch" 2>/dev/null; then have_torch=1; fi

mlp=(--model mlp --batch-size 64 --no-progress)
sgd=(--optimizer sgd --momentum 0.9 --lr 0.05)
# The N = 4 accuracy setting: Adam with a cosine decay of the learning rate (README explains the choice).
adam=(--optimizer adam --lr 0.001 --lr-schedule cosine)
run() { local name=$1; shift; "$root/impetus" local "$@" --out "$out/$name" > "$out/$name.log" 2>&1 || true; }

for rep in $(seq 1 "$reps"); do
  r=""; if [ "$reps" -gt 1 ]; then r="-r$rep"; fi
  if [ $have_torch = 1 ]; then
    # PyTorch's defaults, the issue's baselines: torch.set_num_threads(1), but OpenBLAS (which Debian's
    # torch calls for the matrix products) still starts a thread per core, so one process uses both cores.
    $py "$root/deploy/bench/torch_mlp.py" --epochs 1 > "$out/torch-single$r.json" || true
    # For reference, OpenBLAS held to one thread (one core, as an Impetus worker's BLAS gets next to a shard).
    OPENBLAS_NUM_THREADS=1 $py "$root/deploy/bench/torch_mlp.py" --epochs 1 > "$out/torch-single-1thread$r.json" || true
    for n in 1 2 4; do
      $py "$root/deploy/bench/torch_rpc_ps.py" --trainers $n --epochs 1 > "$out/torch-rpc-n$n$r.json" 2>/dev/null || true
    done
    for n in 2 4; do
      OPENBLAS_NUM_THREADS=1 $py "$root/deploy/bench/torch_rpc_ps.py" --trainers $n --epochs 1 \
        > "$out/torch-rpc-n$n-1thread$r.json" 2>/dev/null || true
      # The same optimizer as the Adam rows (the server's Adam step costs more than SGD's).
      $py "$root/deploy/bench/torch_rpc_ps.py" --trainers $n --epochs 1 --optimizer adam \
        > "$out/torch-rpc-n$n-adam$r.json" 2>/dev/null || true
    done
  fi
  # One shard: with the floats in shared memory a shard's work per push is two copies and the
  # optimizer pass, and a second shard process costs more CPU than it saves on two cores.
  run mlp-n1$r "${mlp[@]}" "${sgd[@]}" --workers 1 --shards 1 --epochs "$epochs"
  run mlp-n1-overlap$r "${mlp[@]}" "${sgd[@]}" --workers 1 --shards 1 --epochs "$epochs" --overlap
  # --overlap adds a step of staleness, which costs SGD momentum 0.9 lr 0.05 accuracy; Adam takes it.
  run mlp-n1-overlap-adam$r "${mlp[@]}" "${adam[@]}" --workers 1 --shards 1 --epochs "$epochs" --overlap
  # The same with the floats in gRPC messages (the transport across hosts), for comparison.
  run mlp-n1-grpc$r "${mlp[@]}" "${sgd[@]}" --workers 1 --shards 1 --epochs "$epochs" --transport grpc
  run mlp-n2$r "${mlp[@]}" "${sgd[@]}" --workers 2 --shards 1 --epochs "$epochs"
  run mlp-n2-adam$r "${mlp[@]}" "${adam[@]}" --workers 2 --shards 1 --epochs "$epochs"
  run mlp-n4$r "${mlp[@]}" "${sgd[@]}" --workers 4 --shards 1 --epochs "$epochs"
  run mlp-n4-momentum-compensation$r "${mlp[@]}" "${sgd[@]}" --staleness-policy momentum-compensation --workers 4 \
    --shards 1 --epochs "$epochs"
  run mlp-n4-accuracy$r "${mlp[@]}" "${adam[@]}" --workers 4 --shards 1 --epochs "$epochs"
  run mlp-n4-grpc$r "${mlp[@]}" "${adam[@]}" --workers 4 --shards 1 --epochs "$epochs" --transport grpc
  # The workers as threads of one JVM: one start-up, one JIT and one copy of the data set for all.
  run mlp-n2-1jvm$r "${mlp[@]}" "${sgd[@]}" --workers 2 --worker-processes 1 --shards 1 --epochs "$epochs"
  run mlp-n2-adam-1jvm$r "${mlp[@]}" "${adam[@]}" --workers 2 --worker-processes 1 --shards 1 --epochs "$epochs"
  run mlp-n4-1jvm$r "${mlp[@]}" "${sgd[@]}" --workers 4 --worker-processes 1 --shards 1 --epochs "$epochs"
  run mlp-n4-accuracy-1jvm$r "${mlp[@]}" "${adam[@]}" --workers 4 --worker-processes 1 --shards 1 --epochs "$epochs"
  # The push headers on a gRPC stream instead of the shard's doorbell socket, to show what the doorbell is worth.
  run mlp-n4-1jvm-no-doorbell$r "${mlp[@]}" "${sgd[@]}" --workers 4 --worker-processes 1 --shards 1 --epochs "$epochs" \
    --no-doorbell
  # impetus local starts MLP workers with C1 only when native BLAS is loaded; this row uses the JVM's
  # default tiered JIT (C2) for them instead, to show what that choice is worth.
  IMPETUS_WORKER_JAVA_OPTS=-XX:+TieredCompilation \
    run mlp-n4-jit-c2$r "${mlp[@]}" "${adam[@]}" --workers 4 --shards 1 --epochs "$epochs"
  # impetus local's shards compile only Impetus's own code with C2 (logs/shard-jit-directives.json);
  # this row gives them the JVM's default tiered JIT (any IMPETUS_SHARD_JAVA_OPTS replaces the default).
  IMPETUS_SHARD_JAVA_OPTS=-XX:+TieredCompilation \
    run mlp-n4-shard-jit-c2$r "${mlp[@]}" "${adam[@]}" --workers 4 --shards 1 --epochs "$epochs"
done
if [ $quick = 0 ]; then
  run cnn-n1 --model cnn --batch-size 64 --no-progress --optimizer adam --lr 0.001 --workers 1 --shards 1 --epochs "$cnn_epochs"
fi

"$root/impetus" compare --throughput "$out"/*/
echo
# The same figures, one row per setting: medians over the rounds (the README's table).
$py "$root/deploy/bench/fmnist_table.py" "$out"
echo
# Ratios against the same round's baselines: N = 1 against single-process PyTorch (target 0.7x), N = 2
# and 4 against the PyTorch RPC parameter server with as many trainers (target 2x).
$py - "$out" "$reps" <<'PY'
import json, os, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
suffixes = [""] if reps == 1 else ["-r%d" % r for r in range(1, reps + 1)]

def load(name):
    """A summary.json, or a baseline's output (its last line is the JSON); None if missing or broken."""
    try:
        with open(os.path.join(out, name)) as f:
            text = f.read().strip()
        try:
            return json.loads(text)
        except ValueError:
            return json.loads(text.splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return None

def spread(values):
    if not values:
        return "n/a"
    m = statistics.median(values)
    return "%.0f" % m if len(values) == 1 else "%.0f [%.0f, %.0f]" % (m, min(values), max(values))

baselines = [("single-process MLP", "torch-single"), ("single-process MLP, OPENBLAS_NUM_THREADS=1", "torch-single-1thread")]
baselines += [("RPC parameter server N=%d" % n, "torch-rpc-n%d" % n) for n in (1, 2, 4)]
baselines += [("RPC parameter server N=%d, OPENBLAS_NUM_THREADS=1" % n, "torch-rpc-n%d-1thread" % n) for n in (2, 4)]
baselines += [("RPC parameter server N=%d, Adam" % n, "torch-rpc-n%d-adam" % n) for n in (2, 4)]
print("PyTorch baselines (samples/s%s):" % ("" if reps == 1 else ", median [min, max] of %d rounds" % reps))
for label, name in baselines:
    values = [j["samples_per_second"] for j in (load(name + s + ".json") for s in suffixes) if j]
    print("  %-50s %s" % (label, spread(values) if values else "n/a (apt-get install python3-torch)"))
print()
rows = [("mlp-n1", "torch-single", "single-process PyTorch"), ("mlp-n1-overlap", "torch-single", "single-process PyTorch"),
        ("mlp-n1-overlap-adam", "torch-single", "single-process PyTorch"), ("mlp-n1-grpc", "torch-single", "single-process PyTorch"),
        ("mlp-n1", "torch-single-1thread", "single-process PyTorch, 1 BLAS thread"),
        ("mlp-n1-overlap", "torch-single-1thread", "single-process PyTorch, 1 BLAS thread")]
rows += [(name, "torch-rpc-n2", "PyTorch RPC PS, 2 trainers") for name in
         ("mlp-n2", "mlp-n2-adam", "mlp-n2-1jvm", "mlp-n2-adam-1jvm")]
rows += [(name, "torch-rpc-n4", "PyTorch RPC PS, 4 trainers") for name in
         ("mlp-n4", "mlp-n4-accuracy", "mlp-n4-momentum-compensation", "mlp-n4-grpc", "mlp-n4-1jvm",
          "mlp-n4-accuracy-1jvm", "mlp-n4-1jvm-no-doorbell", "mlp-n4-jit-c2", "mlp-n4-shard-jit-c2")]
# The Adam rows against the RPC server running Adam too.
rows += [(name, "torch-rpc-n2-adam", "PyTorch RPC PS, 2 trainers, Adam") for name in ("mlp-n2-adam", "mlp-n2-adam-1jvm")]
rows += [(name, "torch-rpc-n4-adam", "PyTorch RPC PS, 4 trainers, Adam") for name in
         ("mlp-n4-accuracy", "mlp-n4-accuracy-1jvm", "mlp-n4-grpc", "mlp-n4-jit-c2", "mlp-n4-shard-jit-c2")]
for run, base, label in rows:
    rates, ratios, steady, accuracy = [], [], [], []
    for s in suffixes:
        summary, baseline = load(run + s + "/summary.json"), load(base + s + ".json")
        if not summary:
            continue
        rates.append(summary["samples_per_second"])
        if summary.get("test_accuracy") is not None:
            accuracy.append(summary["test_accuracy"])
        if baseline:
            ratios.append(summary["samples_per_second"] / baseline["samples_per_second"])
            if summary.get("steady_samples_per_second"):
                steady.append(summary["steady_samples_per_second"] / baseline["samples_per_second"])
    if not ratios:
        continue
    fmt = lambda v: "%.2fx" % statistics.median(v) + ("" if len(v) == 1 else " [%.2f, %.2f]" % (min(v), max(v)))
    print("%-30s %s samples/s = %s %s; steady state %s; test accuracy %s" % (run, spread(rates), fmt(ratios), label,
          fmt(steady) if steady else "n/a", "%.4f" % statistics.median(accuracy) if accuracy else "n/a"))
PY
