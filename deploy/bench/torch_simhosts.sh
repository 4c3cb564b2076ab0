#!/usr/bin/env bash
# PyTorch's RPC parameter server (deploy/bench/torch_rpc_ps.py) with every process on its own simulated
# host, the PyTorch counterpart of `impetus local --simulate-hosts --link-rate RATE`.
#
# Hosts: one Linux network namespace per process (torchsim-0 for the server, torchsim-1..N for the
# trainers), each with a veth pair whose other end sits on the bridge torchsim-br in the root namespace;
# addresses 198.19.0.1.. /16 (198.19.0.0/16 is part of the benchmark range 198.18.0.0/15; the bridge
# itself has no address, so nothing is routed to or from the root namespace), loopback up. Every host's
# link is shaped in both directions with a token bucket (`tc qdisc add dev IF root tbf rate RATE burst
# 512kb latency 20ms` on the namespace end, which shapes what the host sends, and on the bridge end, which
# shapes what it receives). Every process also gets a private /dev/shm (its own mount namespace with a
# fresh tmpfs), and the ranks run with --tcp-only, so TensorPipe moves every tensor over TCP through the
# shaped links: without it TensorPipe's cross-memory-attach channel reads tensors straight out of the other
# process and bypasses the simulated network.
#
# Everything it creates is named torchsim-*: removed on exit, on Ctrl-C and on error, and leftovers of an
# earlier run are removed on start. Needs root, ip, tc and unshare.
set -euo pipefail

PREFIX=torchsim-
BRIDGE=${PREFIX}br
here=$(cd "$(dirname "$0")" && pwd)

trainers=4
link_rate=1gbit
epochs=1
optimizer=adam
data_dir=/usr/share/datasets/fashion-mnist
python=/usr/bin/python3
port=29500
tcp_only=1
passthrough=()
log_dir=

usage() {
  cat <<EOF
Usage: $0 [options] [-- torch_rpc_ps.py options...]

Runs deploy/bench/torch_rpc_ps.py (one server, N trainers, push-pull) with every process on its own
simulated host (network namespace + veth on a bridge, links shaped with tc tbf in both directions,
private /dev/shm, TensorPipe over TCP only) and prints the server's JSON line (samples/s, accuracy).

Options:
  --trainers N        trainer processes (default $trainers); N+1 hosts in all
  --link-rate RATE    every host's link rate in tc units (1gbit, 10gbit, 500mbit...), or none for
                      unshaped links (default $link_rate)
  --epochs E          passes over each trainer's partition (default $epochs)
  --optimizer O       sgd or adam (default $optimizer)
  --data-dir DIR      Fashion-MNIST IDX files (default $data_dir; Debian package
                      dataset-fashion-mnist: apt-get install -y dataset-fashion-mnist)
  --python PY         interpreter with torch (default $python)
  --log-dir DIR       keep every rank's stdout and stderr in DIR/rankI.{out,err} (default: a temporary
                      folder, removed on exit)
  --no-tcp-only       let TensorPipe pick its transports and channels (shared memory / cross-memory
                      attach bypass the simulated links; shows why --tcp-only is needed)
  --cleanup           only remove leftovers of an earlier run (torchsim-* namespaces and links)
  -h, --help          this text
Everything after -- is passed to every rank of torch_rpc_ps.py (e.g. -- --design tutorial --threads 1).
Needs root, ip (iproute2), tc and unshare (util-linux).
EOF
}

cleanup_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --trainers) trainers=$2; shift 2 ;;
    --link-rate) link_rate=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --optimizer) optimizer=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --log-dir) log_dir=$2; shift 2 ;;
    --no-tcp-only) tcp_only=0; shift ;;
    --cleanup) cleanup_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; passthrough=("$@"); break ;;
    *) echo "$0: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

case "$trainers" in ''|*[!0-9]*) echo "$0: --trainers must be a positive integer" >&2; exit 2 ;; esac
if [ "$trainers" -lt 1 ] || [ "$trainers" -gt 250 ]; then
  echo "$0: --trainers must be in 1..250" >&2; exit 2
fi
case "$optimizer" in sgd|adam) ;; *) echo "$0: --optimizer must be sgd or adam" >&2; exit 2 ;; esac

[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (network namespaces, tc, mounts)" >&2; exit 1; }
for tool in ip tc unshare; do
  command -v "$tool" >/dev/null || { echo "$0: needs $tool (iproute2 / util-linux) on PATH" >&2; exit 1; }
done

# ---- hosts ----

ns_name() { echo "${PREFIX}$1"; }      # torchsim-0 .. torchsim-N
if_ns() { echo "${PREFIX}$1n"; }       # namespace end of host i's veth (<= 15 chars)
if_br() { echo "${PREFIX}$1b"; }       # bridge end
addr() { echo "198.19.0.$(($1 + 1))"; }

pids=()
workdir=

remove_leftovers() {
  local ns link pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${PREFIX}" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null || true); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep "^${PREFIX}" || true); do
    ip link del "$link" 2>/dev/null || true
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  remove_leftovers
  [ -n "$workdir" ] && [ -z "$log_dir" ] && rm -rf "$workdir"
  exit "$rc"
}

remove_leftovers
[ "$cleanup_only" -eq 1 ] && exit 0

if [ ! -f "$data_dir/train-images-idx3-ubyte.gz" ] && [ ! -f "$data_dir/train-images-idx3-ubyte" ]; then
  echo "$0: no Fashion-MNIST in $data_dir (apt-get install -y dataset-fashion-mnist, or --data-dir)" >&2
  exit 1
fi

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

shape() {  # shape(ns-or-empty, dev)
  [ "$link_rate" = none ] && return 0
  if [ -n "$1" ]; then
    ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "$link_rate" burst 512kb latency 20ms
  else
    tc qdisc add dev "$2" root tbf rate "$link_rate" burst 512kb latency 20ms
  fi
}

ip link add "$BRIDGE" type bridge
ip link set "$BRIDGE" up
for i in $(seq 0 "$trainers"); do
  ns=$(ns_name "$i"); in=$(if_ns "$i"); br=$(if_br "$i")
  ip netns add "$ns"
  ip link add "$br" type veth peer name "$in" netns "$ns"
  ip link set "$br" master "$BRIDGE"
  ip link set "$br" up
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip addr add "$(addr "$i")/16" dev "$in"
  ip netns exec "$ns" ip link set "$in" up
  shape "$ns" "$in"   # what host i sends
  shape "" "$br"      # what host i receives
done

# ---- ranks ----

if [ -n "$log_dir" ]; then mkdir -p "$log_dir"; workdir=$log_dir; else workdir=$(mktemp -d /tmp/torchsim.XXXXXX); fi
args=(--world-size $((trainers + 1)) --master-addr "$(addr 0)" --master-port "$port"
      --epochs "$epochs" --optimizer "$optimizer" --data-dir "$data_dir")
[ "$tcp_only" -eq 1 ] && args+=(--tcp-only)
args+=("${passthrough[@]}")

start_rank() {  # start_rank(i): rank i in host i's namespace, private /dev/shm, output in $workdir
  local i=$1
  ip netns exec "$(ns_name "$i")" unshare -m --propagation private \
    sh -c 'mount -t tmpfs tmpfs /dev/shm && exec "$@"' sh \
    "$python" "$here/torch_rpc_ps.py" --rank "$i" --ifname "$(if_ns "$i")" "${args[@]}" \
    >"$workdir/rank$i.out" 2>"$workdir/rank$i.err" &
  pids+=($!)
}

echo "torchsim: $((trainers + 1)) hosts on $BRIDGE, link $link_rate each way," \
     "tcp-only $([ "$tcp_only" -eq 1 ] && echo yes || echo no); $trainers trainers, $optimizer, $epochs epoch(s)" >&2
for i in $(seq 0 "$trainers"); do start_rank "$i"; done

# Wait for every rank; if one fails, stop the others rather than leave them waiting on RPC time-outs.
failed=
remaining=${#pids[@]}
while [ "$remaining" -gt 0 ]; do
  remaining=0
  for idx in "${!pids[@]}"; do
    pid=${pids[$idx]}
    [ -n "$pid" ] || continue
    if kill -0 "$pid" 2>/dev/null; then
      remaining=$((remaining + 1))
    else
      rc=0; wait "$pid" || rc=$?
      pids[$idx]=
      if [ "$rc" -ne 0 ]; then failed="rank $idx exited with status $rc"; break 2; fi
    fi
  done
  sleep 0.5
done

if [ -n "$failed" ]; then
  echo "$0: $failed; last lines of its stderr:" >&2
  tail -n 20 "$workdir/rank$idx.err" >&2 || true
  exit 1
fi
# What crossed the server host's link (whole run, start-up included), from the namespace end's counters:
# with --tcp-only about 0.94 MB each way per training step; without it, far less.
stat() { ip netns exec "$(ns_name 0)" cat "/sys/class/net/$(if_ns 0)/statistics/$1"; }
echo "torchsim: server host's link carried $(($(stat tx_bytes) / 1000000)) MB out," \
     "$(($(stat rx_bytes) / 1000000)) MB in" >&2
line=$(grep '^{' "$workdir/rank0.out" | tail -n 1 || true)
[ -n "$line" ] || { echo "$0: the server printed no result; its stderr:" >&2; tail -n 20 "$workdir/rank0.err" >&2; exit 1; }
echo "$line"
