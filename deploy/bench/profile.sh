#!/usr/bin/env bash
# Where the CPU of an impetus local run goes: runs `impetus local` with async-profiler (fetched from
# Maven Central, tools.profiler:async-profiler:3.0, Linux x64 only) attached to every worker and shard
# JVM, CPU samples every millisecond for their whole life, then prints each JVM's samples by category
# (OpenBLAS, model, gRPC/Netty, shared memory, optimizer, JIT, ...; deploy/bench/profile_summary.py).
# The JVMs keep impetus local's default options (IMPETUS_*_EXTRA_JAVA_OPTS adds the agent).
#   deploy/bench/profile.sh OUT_DIR [impetus local flags...]
# Example, the N = 4 accuracy setting with the workers in one JVM:
#   deploy/bench/profile.sh runs/profile --model mlp --batch-size 64 --epochs 5 --shards 1 --workers 4 \
#     --worker-processes 1 --optimizer adam --lr 0.001 --lr-schedule cosine
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ $# -lt 1 ]; then echo "usage: profile.sh OUT_DIR [impetus local flags...]" >&2; exit 2; fi
out="$1"; shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"
version=3.0
jar="$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
if [ ! -f "$jar" ]; then
  mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$version" >&2
fi
lib="$out/async-profiler/linux-x64/libasyncProfiler.so"
if [ ! -f "$lib" ]; then
  mkdir -p "$out/async-profiler"
  (cd "$out/async-profiler" && unzip -q -o "$jar" 'linux-x64/*')
fi
# One short run without the agent first: the first run after a build dumps impetus local's
# class-data-sharing archives, which HotSpot refuses to do with an agent loaded.
"$root/impetus" local --model mlp-x2 --steps 30 --workers 1 --shards 1 --no-progress --out "$out/warm-up" \
  > "$out/warm-up.log" 2>&1 || true
agent() { echo "-agentpath:$lib=start,event=cpu,interval=1ms,file=$out/$1-%p.collapsed,collapsed"; }
rm -f "$out"/*.collapsed
IMPETUS_WORKER_EXTRA_JAVA_OPTS="$(agent worker)" IMPETUS_SHARD_EXTRA_JAVA_OPTS="$(agent shard)" \
  "$root/impetus" local --no-progress --out "$out/run" "$@" > "$out/run.log" 2>&1 || {
  echo "profile.sh: impetus local failed; see $out/run.log" >&2; exit 1; }
tail -n 2 "$out/run.log"
/usr/bin/env python3 "$root/deploy/bench/profile_summary.py" "$out"/*.collapsed
