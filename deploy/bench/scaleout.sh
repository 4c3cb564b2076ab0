#!/usr/bin/env bash
# Scale-out across simulated hosts: training throughput (samples/s) of `impetus local --simulate-hosts`
# for every shard count S and worker count N of the grid, at every link rate, with PyTorch's RPC parameter
# server (deploy/bench/torch_simhosts.sh, TensorPipe over TCP only) at the same N and link rate.
#
# Every run is short and of a fixed length: --steps K steps per worker (default 100), or --epochs E passes
# over each worker's partition. Impetus's figure is summary.json's steady_samples_per_second: the workers'
# rates over their last 80% of steps added up, so JVM start-up, the first connections and the JIT's
# warm-up (the first 20% of steps) are left out. PyTorch's is torch_rpc_ps.py's samples_per_second: from
# the release of its start barrier (processes spawned, RPC up, data loaded) to the last trainer's end;
# CPython has no JIT to warm up, so it has no warm-up window of its own.
#
# Runs are interleaved (per link rate, per N: Impetus at every S, then PyTorch), so that the machine's
# drift falls on all systems alike. One CSV row per run goes to OUT/results.csv:
#   link_rate,system,shards,workers,samples_per_second,run_dir
# (system impetus or pytorch; PyTorch's single server counts as shards 1; NaN for a failed run), and at
# the end `impetus bench scaleout-report` turns it into OUT/scaleout.md (a table per link rate) and
# OUT/scaleout.png (samples/s against N, a line per S, PyTorch beside).
#
# Needs root (network namespaces, tc, mounts), iproute2 and util-linux; PyTorch (python3-torch) and
# Fashion-MNIST (dataset-fashion-mnist) for the baseline. See docs/benchmarks.md, "Scale-out across
# simulated hosts".
set -euo pipefail

command_line=$(printf '%q ' "$0" "$@")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
impetus="$root/impetus"

shards_list=1,2,4
workers_list=1,2,4,8
rates_list=1gbit,10gbit
steps=
epochs=
out=
model=mlp
skip_torch=0
python=/usr/bin/python3
data_dir=/usr/share/datasets/fashion-mnist
batch=64
default_steps=100
wire=fp32

usage() {
  cat <<EOF
Usage: $0 [options]

Measures training samples/s on simulated hosts (impetus local --simulate-hosts, Adam lr 0.001, batch
$batch) for every shard count S and worker count N at every link rate, and PyTorch's RPC parameter
server (deploy/bench/torch_simhosts.sh) at the same N. Writes OUT/results.csv, OUT/scaleout.md and
OUT/scaleout.png. The default grid (2 rates x (12 Impetus + 4 PyTorch) runs) takes about 20-30 minutes.

Options:
  --shards LIST       Impetus shard counts S (default $shards_list)
  --workers LIST      worker counts N, for both systems (default $workers_list)
  --link-rates LIST   link rates in tc syntax, or none for unshaped links (default $rates_list)
  --steps K           steps per worker (default $default_steps)
  --epochs E          passes over each worker's partition instead of --steps
  --model NAME        Impetus's model (default $model); PyTorch's baseline trains the mlp only,
                      so another model needs --skip-torch
  --out DIR           output folder, must not hold a results.csv yet
                      (default runs/scaleout-<date>-<time> in the repository)
  --wire-precision P  Impetus's floats on the wire: fp32 (default) or bf16 (half the bytes; a separate
                      --out, since the report's Impetus columns are one precision)
  --skip-torch        Impetus only
  --python PY         interpreter with torch (default $python)
  --data-dir DIR      Fashion-MNIST IDX files (default $data_dir)
  -h, --help          this text
Lists are comma-separated. Needs root.
EOF
}

die() { echo "$0: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards_list=${2:?--shards needs a value}; shift 2 ;;
    --workers) workers_list=${2:?--workers needs a value}; shift 2 ;;
    --link-rates) rates_list=${2:?--link-rates needs a value}; shift 2 ;;
    --steps) steps=${2:?--steps needs a value}; shift 2 ;;
    --epochs) epochs=${2:?--epochs needs a value}; shift 2 ;;
    --model) model=${2:?--model needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    --wire-precision) wire=${2:?--wire-precision needs a value}; shift 2 ;;
    --skip-torch) skip_torch=1; shift ;;
    --python) python=${2:?--python needs a value}; shift 2 ;;
    --data-dir) data_dir=${2:?--data-dir needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

# counts LIST FLAG ARRAY: ARRAY := the comma-separated positive whole numbers of LIST; a usage error
# naming FLAG if LIST holds anything else or nothing.
counts() {
  local -n into=$3
  local item
  into=()
  for item in ${1//,/ }; do
    case "$item" in ''|*[!0-9]*|0*) die "$2 must be positive whole numbers separated by commas, got '$1'" ;; esac
    into+=("$item")
  done
  [ "${#into[@]}" -gt 0 ] || die "$2 is empty"
}
counts "$shards_list" --shards shard_counts
counts "$workers_list" --workers worker_counts
read -r -a rates <<<"${rates_list//,/ }"
[ "${#rates[@]}" -gt 0 ] || die "--link-rates is empty"
for rate in "${rates[@]}"; do
  case "$rate" in none|[0-9]*[a-z]) ;; *) die "--link-rates: '$rate' is not a tc rate (1gbit, 500mbit) or none" ;; esac
done
case "$wire" in fp32|bf16) ;; *) die "--wire-precision must be fp32 or bf16, got '$wire'" ;; esac
if [ -n "$steps" ] && [ -n "$epochs" ]; then die "give --steps or --epochs, not both"; fi
[ -n "$steps" ] || [ -n "$epochs" ] || steps=$default_steps
if [ -n "$steps" ]; then
  case "$steps" in ''|*[!0-9]*|0*) die "--steps must be a positive whole number, got '$steps'" ;; esac
else
  "$python" -c 'import sys; assert float(sys.argv[1]) > 0' "$epochs" 2>/dev/null || die "--epochs must be a positive number, got '$epochs'"
fi
if [ "$skip_torch" -eq 0 ] && [ "$model" != mlp ]; then
  die "PyTorch's baseline trains the mlp only; with --model $model add --skip-torch"
fi
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (simulated hosts: network namespaces, tc, mounts)" >&2; exit 1; }

[ -n "$out" ] || out="$root/runs/scaleout-$(date +%Y%m%d-%H%M%S)"
case "$out" in *,*|*\"*) die "--out must not hold a comma or a double quote (it goes into CSV fields), got '$out'" ;; esac
[ -e "$out/results.csv" ] && die "--out $out already holds a results.csv; choose another folder"
mkdir -p "$out"
csv="$out/results.csv"

# Build the jar first (./impetus builds it when missing or stale), so no run waits for Maven.
"$impetus" --version >/dev/null

echo "link_rate,system,shards,workers,samples_per_second,run_dir" >"$csv"
echo "$command_line" >"$out/command.txt"

# number FILE KEY: the finite number KEY of the JSON in FILE, else NaN. FILE is one JSON document
# (summary.json) or output whose last line starting with '{' is one (torch_simhosts.sh's).
number() {
  "$python" - "$1" "$2" <<'PY'
import json, math, sys
def document(text):
    try:
        return json.loads(text)
    except ValueError:
        return json.loads([l for l in text.splitlines() if l.startswith("{")][-1])
try:
    with open(sys.argv[1]) as f:
        v = document(f.read()).get(sys.argv[2])
    print(round(v, 1) if isinstance(v, (int, float)) and math.isfinite(v) else "NaN")
except (OSError, IndexError, ValueError, AttributeError):
    print("NaN")
PY
}

# torch_epochs N: the epochs that give every one of N trainers $steps full batches (torch_rpc_ps.py runs
# int(epochs * partition) // batch steps; the smallest partition of the 60,000 images is floor(60000 / N)).
torch_epochs() {
  if [ -n "$epochs" ]; then echo "$epochs"; return; fi
  "$python" -c 'import sys; k, b, n = map(int, sys.argv[1:]); print(repr((k * b + b / 2) / (60000 // n)))' \
    "$steps" "$batch" "$1"
}

if [ -n "$steps" ]; then length=(--steps "$steps"); else length=(--epochs "$epochs"); fi
total=$(( ${#rates[@]} * ${#worker_counts[@]} * (${#shard_counts[@]} + (skip_torch ? 0 : 1)) ))
done_runs=0
failed=0
started=$SECONDS

# record RATE SYSTEM S N RATE_FILE_VALUE DIR: one CSV row, and a line on stderr.
record() {
  echo "$1,$2,$3,$4,$5,$6" >>"$csv"
  done_runs=$((done_runs + 1))
  if [ "$5" = NaN ]; then
    failed=$((failed + 1))
    echo "scaleout: [$done_runs/$total] $2 S=$3 N=$4 at $1 FAILED or measured nothing; see $6" >&2
  else
    echo "scaleout: [$done_runs/$total] $2 S=$3 N=$4 at $1: $5 samples/s ($((SECONDS - started)) s so far)" >&2
  fi
}

run_impetus() {  # run_impetus RATE S N
  local dir="$out/impetus-$1-s$2-n$3" rate=NaN
  if "$impetus" local --simulate-hosts --link-rate "$1" --model "$model" --shards "$2" --workers "$3" --wire-precision "$wire" \
      --optimizer adam --lr 0.001 --batch-size "$batch" "${length[@]}" --data-dir "$data_dir" \
      --no-progress --out "$dir" >"$dir.log" 2>&1; then
    rate=$(number "$dir/summary.json" steady_samples_per_second)
  fi
  record "$1" impetus "$2" "$3" "$rate" "$dir"
}

run_torch() {  # run_torch RATE N
  local dir="$out/pytorch-$1-n$2" rate=NaN
  mkdir -p "$dir"
  if bash "$here/torch_simhosts.sh" --trainers "$2" --link-rate "$1" --optimizer adam --epochs "$(torch_epochs "$2")" \
      --python "$python" --data-dir "$data_dir" --log-dir "$dir" -- --batch-size "$batch" \
      >"$dir/result.json" 2>"$dir/torchsim.log"; then
    rate=$(number "$dir/result.json" samples_per_second)
  fi
  record "$1" pytorch 1 "$2" "$rate" "$dir"
}

trap 'echo "$0: interrupted; the runs so far are in $csv" >&2; exit 130' INT
trap 'exit 143' TERM

echo "scaleout: $total runs into $out (S=${shard_counts[*]}, N=${worker_counts[*]}, rates ${rates[*]}," \
     "${length[*]} per worker$([ "$skip_torch" -eq 1 ] && echo ', no PyTorch'))" >&2
for rate in "${rates[@]}"; do
  for n in "${worker_counts[@]}"; do
    for s in "${shard_counts[@]}"; do run_impetus "$rate" "$s" "$n"; done
    [ "$skip_torch" -eq 1 ] || run_torch "$rate" "$n"
  done
done

"$impetus" bench scaleout-report "$csv" "$out/scaleout" >&2
echo "scaleout: $done_runs runs in $((SECONDS - started)) s, $failed failed; table in $out/scaleout.md" >&2
cat "$out/scaleout.md"
[ "$failed" -eq 0 ]
