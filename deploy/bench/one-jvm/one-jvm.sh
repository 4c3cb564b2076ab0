#!/usr/bin/env bash
# Experiment: what would hosting all workers in one JVM be worth? Fashion-MNIST MLP, 4 async workers,
# the N = 4 accuracy setting (Adam lr 0.001, cosine schedule, batch 64, 5 epochs, one shard), run K
# rounds (default 3) of: the PyTorch RPC parameter server with 4 trainers (when python3-torch is
# installed), impetus local (a process per worker), and the same four workers as threads of one JVM
# (WorkersInOneJvm.java: each thread runs the unchanged `impetus worker` command against a shard
# started as impetus local starts it). Prints samples/s per round (first step to last reply, as
# summary.json counts them) and the medians.
#   deploy/bench/one-jvm/one-jvm.sh [--repeat K] [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
reps=3
if [ "${1:-}" = "--repeat" ]; then reps="$2"; shift 2; fi
out="${1:-$root/runs/one-jvm-bench}"
mkdir -p "$out"
"$root/impetus" --help > /dev/null
jar="$root/deploy/target/impetus.jar"
py=/usr/bin/python3
port=$($py -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
# Each worker's 15,000-image partition gives 235 batches of 64 per epoch: 4 x 235 x 5 = 4700 updates,
# the length of the cosine schedule (impetus local computes the same).
server=(server --host 127.0.0.1 --port "$port" --shard-index 0 --num-shards 1 --workers 4 --optimizer adam --lr 0.001
  --lr-schedule cosine --lr-total-steps 4700)

rate() { # samples/s of the worker reports in $1, as RunSummary computes it
  $py - "$1" <<'PY'
import glob, json, sys
rs = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/worker-*.json")]
start, end = min(r["start_millis"] for r in rs), max(r["end_millis"] for r in rs)
print("%.0f" % (sum(r["samples"] for r in rs) / ((end - start) / 1000.0)) if len(rs) == 4 else "failed")
PY
}

for rep in $(seq 1 "$reps"); do
  torch=n/a
  if $py -c "import torch" 2>/dev/null; then
    torch=$($py "$root/deploy/bench/torch_rpc_ps.py" --trainers 4 --epochs 1 --optimizer adam 2>/dev/null | tail -1 \
      | $py -c "import json,sys; print(round(json.load(sys.stdin)['samples_per_second']))") || torch=n/a
  fi
  "$root/impetus" local --model mlp --batch-size 64 --no-progress --optimizer adam --lr 0.001 --lr-schedule cosine \
    --workers 4 --shards 1 --epochs 5 --out "$out/processes-r$rep" > "$out/processes-r$rep.log" 2>&1 || true
  processes=$(rate "$out/processes-r$rep/workers")
  one="$out/one-jvm-r$rep"; mkdir -p "$one"
  # The shard gets impetus local's JIT directives: the file the run above wrote into its logs.
  directives="$out/processes-r$rep/logs/shard-jit-directives.json"
  java -XX:+UseSerialGC -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile="$directives" -Djava.awt.headless=true \
    -cp "$jar" io.impetus.cli.Impetus "${server[@]}" > "$one/server.log" 2>&1 &
  shard=$!
  OPENBLAS_NUM_THREADS=1 java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true -cp "$jar" \
    "$here/WorkersInOneJvm.java" "$port" 4 "$one" 5 > "$one/workers.log" 2>&1 || true
  wait "$shard" || true
  onejvm=$(rate "$one")
  echo "round $rep: PyTorch RPC PS ${torch}, impetus local ${processes}, workers in one JVM ${onejvm} samples/s"
  echo "$torch $processes $onejvm" >> "$out/rounds.txt"
done
$py - "$out/rounds.txt" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
def med(i):
    v = [float(r[i]) for r in rows if r[i] not in ("n/a", "failed")]
    return statistics.median(v) if v else float("nan")
t, p, o = med(0), med(1), med(2)
print("medians over %d rounds: PyTorch RPC PS %.0f, impetus local %.0f (%.2fx), workers in one JVM %.0f (%.2fx)"
      % (len(rows), t, p, p / t, o, o / t))
PY
