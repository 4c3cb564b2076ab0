#!/usr/bin/env bash
# Fashion-MNIST throughput and accuracy, the workload issue's targets. Runs, on this machine and
# in one go: the single-process PyTorch MLP (when python3-torch is installed) as the baseline, then
# Impetus async with batch 64 for N = 1, 2, 4 workers, the N = 4 accuracy setting, and the CNN.
# Prints a Markdown table from the run folders' summary.json files.
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

baseline="n/a (apt-get install python3-torch)"
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  baseline=$(/usr/bin/python3 "$root/deploy/bench/torch_mlp.py" --epochs 1 | \
    /usr/bin/python3 -c "import json,sys; print(round(json.load(sys.stdin)['samples_per_second']))")
fi

mlp=(--model mlp --batch-size 64 --no-progress)
sgd=(--optimizer sgd --momentum 0.9 --lr 0.05)
run() { local name=$1; shift; "$root/impetus" local "$@" --out "$out/$name" > "$out/$name.log" 2>&1 || true; }
run mlp-n1 "${mlp[@]}" "${sgd[@]}" --workers 1 --shards 1 --epochs "$epochs"
run mlp-n2 "${mlp[@]}" "${sgd[@]}" --workers 2 --shards 1 --epochs "$epochs"
run mlp-n4 "${mlp[@]}" "${sgd[@]}" --workers 4 --shards 2 --epochs "$epochs"
run mlp-n4-accuracy "${mlp[@]}" --optimizer adam --lr 0.001 --workers 4 --shards 2 --epochs "$epochs"
run mlp-n4-momentum-compensation "${mlp[@]}" "${sgd[@]}" --staleness-policy momentum-compensation --workers 4 --shards 2 \
  --epochs "$epochs"
if [ $quick = 0 ]; then
  run cnn-n1 --model cnn --batch-size 64 --no-progress --optimizer adam --lr 0.001 --workers 1 --shards 1 --epochs "$cnn_epochs"
fi

echo "PyTorch single-process MLP baseline (same machine, same run): $baseline samples/s"
echo
"$root/impetus" compare --throughput "$out"/*/
