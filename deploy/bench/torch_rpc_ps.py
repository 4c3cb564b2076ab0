#!/usr/bin/env python3
"""PyTorch `torch.distributed.rpc` parameter-server baseline for the Fashion-MNIST MLP, the multi-process
counterpart of torch_mlp.py (same IDX loading, model 784-256-ReLU-128-ReLU-10, batch 64, SGD lr 0.05
momentum 0.9 or Adam lr 0.001, one JSON line on stdout).

Topology, as in PyTorch's tutorial "Implementing a Parameter Server Using Distributed RPC Framework"
(pytorch.org/tutorials/intermediate/rpc_param_server_tutorial.html, code in pytorch/examples
distributed/rpc/parameter_server): torch.multiprocessing.spawn starts world size N+1 processes, rank 0 is
the parameter server ("ps") holding the one model, ranks 1..N are trainers ("trainer_<r>"); TensorPipe
backend (num_worker_threads 16, otherwise default options), MASTER_ADDR 127.0.0.1 and a free MASTER_PORT.
Like the tutorial, the server builds a singleton ParameterServer object under a global lock, each trainer
gets an RRef to it with rpc.remote(...) and calls its methods on the owner with rpc_sync (the tutorial's
call_method / remote_method helpers). Trainers run asynchronously (no synchronisation between them).

Two designs, chosen with --design:

  push-pull (default). The trainer holds a local replica of the model and per step computes forward and
    backward locally, then does one rpc_sync ParameterServer.push_pull(grads): the server sets the received
    gradients as .grad, runs optimizer.step() of its single torch.optim optimizer under a threading.Lock and
    returns copies of the updated parameter tensors, which the trainer copies into its replica. This is the
    per-step protocol of Impetus (push gradients, pull fresh parameters), so it is the like-for-like
    baseline. One optimizer state (momentum / Adam moments) is shared by all trainers.

  tutorial. The tutorial's own design: the trainer's forward is an RPC to ParameterServer.forward through
    the RRef (the model runs on the server), the loss is computed on the trainer, dist_autograd.backward
    stitches the backward pass across the RPC into the server, and a DistributedOptimizer built over the
    server's parameter RRefs (ParameterServer.get_param_rrefs) applies the update on the server. As in the
    tutorial, every trainer's DistributedOptimizer creates its own optimizer instance on the server (so each
    trainer has its own momentum / Adam state over the shared parameters); torch 1.13 runs SGD/Adam there as
    TorchScript functional optimizers. The tutorial's per-step get_dist_gradients check (which it calls
    "primarily used for verification") is omitted. All compute is on the server. Two deviations needed for
    N >= 2: the published code crashes as soon as two trainers overlap (pytorch/examples#780,
    pytorch/tutorials#2095: an optimizer step of one trainer modifies parameters that another trainer's
    pending backward saved), so ParameterServer.forward runs the model on clones of the parameters
    (gradients still flow to the real ones); and the TorchScript functional optimizer that
    DistributedOptimizer uses in torch 1.13 applies updates without a lock (hogwild), unlike push-pull.

Data: each trainer trains on its own 1/N partition of the training set (fixed seeded split), reshuffled
every pass, for --epochs passes over its partition (fractional allowed; only full batches). Timing: every
trainer loads its data and connects, then waits in a server-side barrier; the clock runs on the server from
the release of that barrier until the last trainer reports done, so process spawn, RPC init and data
loading are excluded. samples_per_second = sum over trainers of steps * batch / that wall time. After the
last trainer is done the server evaluates test accuracy with its final parameters.
Each process runs torch.set_num_threads(--threads) (default 1: N+1 processes on a 2-core machine). That
does not bound OpenBLAS, which Debian's torch calls for the matrix products and which starts one thread
per core unless OPENBLAS_NUM_THREADS says otherwise (deploy/bench/fmnist.sh measures both).

Launch modes. By default (spawn mode) the script starts all N+1 processes itself with
torch.multiprocessing.spawn on 127.0.0.1, as above. With --rank R --world-size W (W = N+1) it runs one rank
only, so each rank can be started as its own process, e.g. on its own (simulated) host: rank 0 is the server,
hosts the rendezvous store on --master-port and prints the JSON line; ranks 1..W-1 are trainers connecting
to --master-addr:--master-port. All ranks must get the same --world-size, --epochs, --optimizer, --design
and --batch-size. --ifname IF sets TP_SOCKET_IFNAME (the interface whose address TensorPipe listens on and
advertises; without it TensorPipe resolves the hostname, which names 127.0.0.1 or an address of another
namespace) and GLOO_SOCKET_IFNAME (the Gloo process group that torch 1.13's init_rpc builds for its
barriers resolves the hostname the same way). deploy/bench/torch_simhosts.sh starts every rank in its own
network namespace this way.

--tcp-only restricts TensorPipe to its TCP transport and basic channel
(TensorPipeRpcBackendOptions(_transports=["uv"], _channels=["basic"])). Without it TensorPipe, seeing the
peers on the same machine, moves tensors with its cross-memory-attach channel ("cma", process_vm_readv
straight out of the other process's memory) or shared memory, so the bytes never cross a (simulated)
network link; with it every tensor byte goes through a TCP socket.

Output: {"samples_per_second", "test_accuracy", "trainers", "epochs", "optimizer", "design", "threads",
"tcp_only"}.
"""
import argparse
import json
import os
import socket
import threading
import time

import torch
import torch.distributed.autograd as dist_autograd
import torch.distributed.rpc as rpc
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F
from torch.distributed.optim import DistributedOptimizer

from torch_mlp import load, make_model  # the same data loading and model as the single-process baseline

PS_NAME = "ps"


def make_optimizer_args(name):
    return (torch.optim.SGD, dict(lr=0.05, momentum=0.9)) if name == "sgd" else (torch.optim.Adam, dict(lr=0.001))


# --------- RPC helpers (as in the tutorial) ---------

def call_method(method, rref, *args, **kwargs):
    return method(rref.local_value(), *args, **kwargs)


def remote_method(method, rref, *args, **kwargs):
    return rpc.rpc_sync(rref.owner(), call_method, args=[method, rref] + list(args), kwargs=kwargs)


# --------- Parameter server (rank 0) ---------

class ParameterServer(nn.Module):
    def __init__(self, optimizer):
        super().__init__()
        torch.manual_seed(0)
        self.model = make_model()
        self.lock = threading.Lock()
        cls, kw = make_optimizer_args(optimizer)
        self.opt = cls(self.model.parameters(), **kw)  # used by the push-pull design only

    # push-pull design
    def get_params(self):
        with self.lock:
            return [p.detach().clone() for p in self.model.parameters()]

    def push_pull(self, grads):
        with self.lock:
            for p, g in zip(self.model.parameters(), grads):
                p.grad = g
            self.opt.step()
            # copy under the lock: the reply is serialised after this returns, when other updates may run
            return [p.detach().clone() for p in self.model.parameters()]

    # tutorial design
    def forward(self, x):
        # The tutorial's plain self.model(x) saves the live parameters for backward, so with >= 2 trainers
        # another trainer's optimizer step in between fails the autograd version check ("modified by an
        # inplace operation", pytorch/examples#780, pytorch/tutorials#2095). Run on clones instead: CloneBackward
        # still routes the gradient to the real parameters, computed at the values this forward saw.
        # (Explicit layers rather than nn.utils.stateless.functional_call, which swaps the module's
        # parameters in place and is therefore not safe with concurrent forwards from several RPC threads.)
        for m in self.model:
            x = F.linear(x, m.weight.clone(), m.bias.clone()) if isinstance(m, nn.Linear) else m(x)
        return x

    def get_param_rrefs(self):
        return [rpc.RRef(p) for p in self.model.parameters()]


param_server = None
global_lock = threading.Lock()
_optimizer_name = None


def get_parameter_server():
    global param_server
    with global_lock:
        if param_server is None:
            param_server = ParameterServer(_optimizer_name)
        return param_server


class _Clock:
    """Server-side start barrier and finish counter for the timed phase."""

    def __init__(self, trainers):
        self.trainers = trainers
        self.lock = threading.Lock()
        self.waiting = []
        self.done = 0
        self.samples = 0
        self.start = None
        self.end = None
        self.all_done = threading.Event()


_clock = None


@rpc.functions.async_execution
def trainer_ready():
    fut = torch.futures.Future()
    with _clock.lock:
        _clock.waiting.append(fut)
        release = len(_clock.waiting) == _clock.trainers
        if release:
            _clock.start = time.perf_counter()
            waiting, _clock.waiting = _clock.waiting, []
    if release:
        for f in waiting:
            f.set_result(None)
    return fut


def trainer_done(samples):
    with _clock.lock:
        _clock.done += 1
        _clock.samples += samples
        if _clock.done == _clock.trainers:
            _clock.end = time.perf_counter()
            _clock.all_done.set()


# --------- Trainers (ranks 1..N) ---------

def partition(n, trainers, rank):
    order = torch.randperm(n, generator=torch.Generator().manual_seed(0))
    return order[rank - 1::trainers]


def batches(part, epochs, batch_size, seed):
    """Index batches for `epochs` passes over `part`, reshuffled per pass, full batches only."""
    per_pass = len(part) // batch_size
    steps = int(epochs * len(part)) // batch_size
    g = torch.Generator().manual_seed(seed)
    order = None
    for s in range(steps):
        j = s % per_pass
        if j == 0:
            order = part[torch.randperm(len(part), generator=g)]
        yield order[j * batch_size:(j + 1) * batch_size]


def train_push_pull(a, xtr, ytr, steps_iter):
    ps_rref = rpc.remote(PS_NAME, get_parameter_server)
    model = make_model()
    params = list(model.parameters())
    loss_fn = nn.CrossEntropyLoss()

    def load_params(new):
        with torch.no_grad():
            for p, n in zip(params, new):
                p.copy_(n)

    load_params(remote_method(ParameterServer.get_params, ps_rref))
    rpc.rpc_sync(PS_NAME, trainer_ready)
    samples = 0
    for b in steps_iter:
        model.zero_grad(set_to_none=True)
        loss_fn(model(xtr[b]), ytr[b]).backward()
        load_params(remote_method(ParameterServer.push_pull, ps_rref, [p.grad for p in params]))
        samples += len(b)
    return samples


def train_tutorial(a, xtr, ytr, steps_iter):
    ps_rref = rpc.remote(PS_NAME, get_parameter_server)
    param_rrefs = remote_method(ParameterServer.get_param_rrefs, ps_rref)
    cls, kw = make_optimizer_args(a.optimizer)
    opt = DistributedOptimizer(cls, param_rrefs, **kw)
    loss_fn = nn.CrossEntropyLoss()
    rpc.rpc_sync(PS_NAME, trainer_ready)
    samples = 0
    for b in steps_iter:
        with dist_autograd.context() as cid:
            out = remote_method(ParameterServer.forward, ps_rref, xtr[b])
            dist_autograd.backward(cid, [loss_fn(out, ytr[b])])
            opt.step(cid)
        samples += len(b)
    return samples


# --------- Process entry ---------

def backend_options(a):
    if a.tcp_only:
        # TCP only: the libuv transport and the basic channel (tensors in-line on the transport's connection)
        return rpc.TensorPipeRpcBackendOptions(num_worker_threads=16, _transports=["uv"], _channels=["basic"])
    return rpc.TensorPipeRpcBackendOptions(num_worker_threads=16)


def run(rank, a, result_queue):
    global _optimizer_name, _clock
    torch.set_num_threads(a.threads)
    world = a.trainers + 1
    opts = backend_options(a)
    if rank == 0:
        _optimizer_name = a.optimizer
        _clock = _Clock(a.trainers)
        xte, yte = load(a.data_dir, "t10k")
        ps = get_parameter_server()
        rpc.init_rpc(PS_NAME, rank=0, world_size=world, rpc_backend_options=opts)
        _clock.all_done.wait()
        seconds = _clock.end - _clock.start
        with ps.lock, torch.no_grad():
            acc = (ps.model(xte).argmax(1) == yte).float().mean().item()
        result_queue.put({"samples_per_second": _clock.samples / seconds, "test_accuracy": acc,
                          "trainers": a.trainers, "epochs": a.epochs, "optimizer": a.optimizer,
                          "design": a.design, "threads": a.threads, "tcp_only": a.tcp_only})
        rpc.shutdown()
    else:
        xtr, ytr = load(a.data_dir, "train")
        part = partition(len(xtr), a.trainers, rank)
        steps_iter = batches(part, a.epochs, a.batch_size, seed=rank)
        rpc.init_rpc("trainer_%d" % rank, rank=rank, world_size=world, rpc_backend_options=opts)
        train = train_push_pull if a.design == "push-pull" else train_tutorial
        samples = train(a, xtr, ytr, steps_iter)
        rpc.rpc_sync(PS_NAME, trainer_done, args=(samples,))
        rpc.shutdown()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser(description="PyTorch torch.distributed.rpc parameter-server baseline "
                                "(Fashion-MNIST MLP); one JSON line on stdout from the server")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--trainers", type=int, default=None, help="N trainers (default 1, or --world-size - 1)")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--design", default="push-pull", choices=["push-pull", "tutorial"])
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads in every process")
    p.add_argument("--port", "--master-port", dest="port", type=int, default=0,
                   help="MASTER_PORT (default: a free port in spawn mode; required with --rank)")
    p.add_argument("--rank", type=int, default=None,
                   help="run this one rank only (0 = server, 1..W-1 = trainers) instead of spawning all")
    p.add_argument("--world-size", type=int, default=None, help="W = trainers + 1; required with --rank")
    p.add_argument("--master-addr", default="127.0.0.1", help="address of rank 0 (MASTER_ADDR)")
    p.add_argument("--ifname", default=None,
                   help="interface TensorPipe and Gloo listen on and advertise (TP_SOCKET_IFNAME, "
                        "GLOO_SOCKET_IFNAME); default lo when --master-addr is loopback")
    p.add_argument("--tcp-only", action="store_true",
                   help="TensorPipe over TCP only (transport uv, channel basic): no shared memory or "
                        "cross-memory-attach between processes")
    a = p.parse_args()
    if a.rank is None:
        if a.world_size is not None:
            p.error("--world-size needs --rank (spawn mode derives it from --trainers)")
        a.trainers = 1 if a.trainers is None else a.trainers
    else:
        if a.world_size is None or not a.port:
            p.error("--rank needs --world-size and --master-port")
        if a.trainers is None:
            a.trainers = a.world_size - 1
        if a.trainers != a.world_size - 1:
            p.error("--trainers must be --world-size - 1")
        if not 0 <= a.rank < a.world_size:
            p.error("--rank must be in [0, --world-size)")
    if a.trainers < 1:
        p.error("--trainers must be >= 1")
    os.environ["MASTER_ADDR"] = a.master_addr
    os.environ["MASTER_PORT"] = str(a.port or free_port())
    if a.ifname:
        os.environ["TP_SOCKET_IFNAME"] = a.ifname
        os.environ["GLOO_SOCKET_IFNAME"] = a.ifname
    elif a.master_addr.startswith("127.") or a.master_addr == "localhost":
        os.environ.setdefault("TP_SOCKET_IFNAME", "lo")  # keep TensorPipe's listeners on loopback too
        os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    if a.rank is None:
        results = mp.get_context("spawn").SimpleQueue()
        mp.spawn(run, args=(a, results), nprocs=a.trainers + 1, join=True)
        print(json.dumps(results.get()), flush=True)
    else:
        results = _Printer()
        run(a.rank, a, results)


class _Printer:
    """Stands in for the spawn mode's result queue when rank 0 runs on its own: prints the JSON line."""

    def put(self, result):
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
