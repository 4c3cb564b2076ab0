#!/usr/bin/env bash
# The consistency issue's experiment: mlp-x2 with 8 async workers, SGD momentum 0.9, lr 0.05,
# naive async against momentum compensation, lr-divide and SSP with s = 2 (and sync for
# reference), three seeds each. Prints a Markdown table (medians over seeds) of the run folders'
# summary.json. Usage: deploy/bench/staleness-policies.sh [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/runs/staleness-policies}"
common=(--model mlp-x2 --workers 8 --shards 2 --optimizer sgd --momentum 0.9 --lr 0.05 --no-progress)
run() {
  local name=$1; shift
  for seed in 1 2 3; do
    "$root/impetus" local "${common[@]}" --seed "$seed" --out "$out/$name-seed$seed" "$@" > /dev/null
  done
}
rm -rf "$out"
run async
run momentum-compensation --staleness-policy momentum-compensation
run lr-divide --staleness-policy lr-divide
run ssp2 --mode ssp --staleness-bound 2
run sync --mode sync
"$root/impetus" compare "$out"/*
