#!/usr/bin/env bash
# Fashion-MNIST throughput and accuracy, the workload issue's targets. Runs, on this machine and
# in one go: the PyTorch baselines (when python3-torch is installed: the single-process MLP and the
# torch.distributed.rpc parameter server with N = 1, 2, 4 trainers, one epoch each), then Impetus
# async with batch 64 for N = 1, 2, 4 workers and one shard (floats through shared memory, as
# impetus local does by default), with --overlap, with --transport grpc (floats in gRPC messages,
# as between hosts), the N = 4 accuracy settings, the workers' JIT choice, and the CNN. Prints the baselines, a Markdown table from the run folders' summary.json
# files, and each Impetus throughput row's ratio to its baseline measured in this same run.
#   deploy/bench/fmnist.sh [--quick] [OUT_DIR]
# --quick: one epoch per run and no CNN (a few minutes instead of ~15).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi
out="${1:-$root/runs/fmnist-bench}"
mkdir -p "$out"
epochs=5; cnn_epochs=3
if [ $quick = 1 ]; then epochs=1; fi

# Build the jar once, before anything is timed.
"$root/impetus" --help > /dev/null

py=/usr/bin/python3
field() { $py -c "import json,sys; print(round(json.load(sys.stdin)['$1']))"; }
torch_single=""; torch_single_1=""; declare -A torch_rpc=() torch_rpc_1=()
if $py -c "import torch" 2>/dev/null; then
  # PyTorch's defaults, the issue's baselines: torch.set_num_threads(1), but OpenBLAS (which Debian's torch
  # calls for the matrix products) still starts a thread per core, so the single process uses both cores.
  torch_single=$($py "$root/deploy/bench/torch_mlp.py" --epochs 1 | tee "$out/torch-single.json" | field samples_per_second) \
    || torch_single=""
  # For reference, the same with OpenBLAS held to one thread (one core, as an Impetus worker's BLAS gets).
  torch_single_1=$(OPENBLAS_NUM_THREADS=1 $py "$root/deploy/bench/torch_mlp.py" --epochs 1 | tee "$out/torch-single-1thread.json" \
    | field samples_per_second) || torch_single_1=""
  for n in 1 2 4; do
    torch_rpc[$n]=$($py "$root/deploy/bench/torch_rpc_ps.py" --trainers $n --epochs 1 | tee "$out/torch-rpc-n$n.json" \
      | field samples_per_second) || torch_rpc[$n]=""
  done
  for n in 2 4; do
    torch_rpc_1[$n]=$(OPENBLAS_NUM_THREADS=1 $py "$root/deploy/bench/torch_rpc_ps.py" --trainers $n --epochs 1 \
      | tee "$out/torch-rpc-n$n-1thread.json" | field samples_per_second) || torch_rpc_1[$n]=""
  done
fi

mlp=(--model mlp --batch-size 64 --no-progress)
sgd=(--optimizer sgd --momentum 0.9 --lr 0.05)
# The N = 4 accuracy setting: Adam with a cosine decay of the learning rate (README explains the choice).
adam=(--optimizer adam --lr 0.001 --lr-schedule cosine)
run() { local name=$1; shift; "$root/impetus" local "$@" --out "$out/$name" > "$out/$name.log" 2>&1 || true; }
# One shard: with the floats in shared memory a shard's work per push is two copies and the
# optimizer pass, and a second shard process costs more CPU than it saves on two cores.
run mlp-n1 "${mlp[@]}" "${sgd[@]}" --workers 1 --shards 1 --epochs "$epochs"
run mlp-n1-overlap "${mlp[@]}" "${sgd[@]}" --workers 1 --shards 1 --epochs "$epochs" --overlap
# The same with the floats in gRPC messages (the transport across hosts), for comparison.
run mlp-n1-grpc "${mlp[@]}" "${sgd[@]}" --workers 1 --shards 1 --epochs "$epochs" --transport grpc
run mlp-n2 "${mlp[@]}" "${sgd[@]}" --workers 2 --shards 1 --epochs "$epochs"
run mlp-n2-adam "${mlp[@]}" "${adam[@]}" --workers 2 --shards 1 --epochs "$epochs"
run mlp-n4 "${mlp[@]}" "${sgd[@]}" --workers 4 --shards 1 --epochs "$epochs"
run mlp-n4-momentum-compensation "${mlp[@]}" "${sgd[@]}" --staleness-policy momentum-compensation --workers 4 --shards 1 \
  --epochs "$epochs"
run mlp-n4-accuracy "${mlp[@]}" "${adam[@]}" --workers 4 --shards 1 --epochs "$epochs"
run mlp-n4-grpc "${mlp[@]}" "${adam[@]}" --workers 4 --shards 1 --epochs "$epochs" --transport grpc
# impetus local starts workers with C1 only when native BLAS is loaded; this row uses the JVM's
# default tiered JIT (C2) instead, to show what that choice is worth.
IMPETUS_WORKER_JAVA_OPTS=-XX:+TieredCompilation \
  run mlp-n4-jit-c2 "${mlp[@]}" "${adam[@]}" --workers 4 --shards 1 --epochs "$epochs"
# impetus local's shards compile only Impetus's own code with C2 (logs/shard-jit-directives.json); this
# row gives them the JVM's default tiered JIT instead (any IMPETUS_SHARD_JAVA_OPTS replaces the default).
IMPETUS_SHARD_JAVA_OPTS=-XX:+TieredCompilation \
  run mlp-n4-shard-jit-c2 "${mlp[@]}" "${adam[@]}" --workers 4 --shards 1 --epochs "$epochs"
if [ $quick = 0 ]; then
  run cnn-n1 --model cnn --batch-size 64 --no-progress --optimizer adam --lr 0.001 --workers 1 --shards 1 --epochs "$cnn_epochs"
fi

echo "PyTorch baselines (same machine, same run; samples/s): single-process MLP ${torch_single:-n/a (apt-get install python3-torch)}," \
  "RPC parameter server N=1 ${torch_rpc[1]:-n/a}, N=2 ${torch_rpc[2]:-n/a}, N=4 ${torch_rpc[4]:-n/a}"
echo "With OPENBLAS_NUM_THREADS=1 (for reference): single-process MLP ${torch_single_1:-n/a}," \
  "RPC parameter server N=2 ${torch_rpc_1[2]:-n/a}, N=4 ${torch_rpc_1[4]:-n/a}"
echo
"$root/impetus" compare --throughput "$out"/*/
echo
# Ratios against the same run's baselines: N = 1 against single-process PyTorch (target 0.7x),
# N = 2 and 4 against the PyTorch RPC parameter server with as many trainers (target 2x).
ratio() {
  local name=$1 base=$2
  [ -f "$out/$name/summary.json" ] && [ -n "$base" ] || return 0
  $py - "$out/$name/summary.json" "$name" "$base" "$3" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); base = float(sys.argv[3])
steady = s.get("steady_samples_per_second")
print("%-30s %8.0f samples/s = %.2fx %s; steady state %s" % (sys.argv[2], s["samples_per_second"],
      s["samples_per_second"] / base, sys.argv[4], "%.0f = %.2fx" % (steady, steady / base) if steady else "n/a"))
PY
}
ratio mlp-n1 "$torch_single" "single-process PyTorch"
ratio mlp-n1-overlap "$torch_single" "single-process PyTorch"
ratio mlp-n1-grpc "$torch_single" "single-process PyTorch"
ratio mlp-n1 "$torch_single_1" "single-process PyTorch, 1 BLAS thread"
ratio mlp-n1-overlap "$torch_single_1" "single-process PyTorch, 1 BLAS thread"
ratio mlp-n2 "${torch_rpc[2]:-}" "PyTorch RPC PS, 2 trainers"
ratio mlp-n2-adam "${torch_rpc[2]:-}" "PyTorch RPC PS, 2 trainers"
ratio mlp-n4 "${torch_rpc[4]:-}" "PyTorch RPC PS, 4 trainers"
ratio mlp-n4-accuracy "${torch_rpc[4]:-}" "PyTorch RPC PS, 4 trainers"
ratio mlp-n4-grpc "${torch_rpc[4]:-}" "PyTorch RPC PS, 4 trainers"
ratio mlp-n4-jit-c2 "${torch_rpc[4]:-}" "PyTorch RPC PS, 4 trainers"
ratio mlp-n4-shard-jit-c2 "${torch_rpc[4]:-}" "PyTorch RPC PS, 4 trainers"
