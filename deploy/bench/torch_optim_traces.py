#!/usr/bin/env python3
"""Regenerates the PyTorch optimizer traces in parameter-server/src/test/resources/golden/optim/, the
files that GoldenTraceReplayTest and `impetus replay` check our optimizers against bit for bit.

For each of 11 cases (SGD plain, momentum, dampening, Nesterov, weight decay, lr change; Adam default,
L2, AdamW, AMSGrad, lr change) and n = 7 and 1000 parameters, it runs torch.optim (CPU, float32,
foreach=False) for 50 steps on a fixed sequence of gradients and writes <case>_n<n>.json with the
initial parameters, the gradients and the parameters after each step, plus index.json. The folder's
README.md describes the format.

Data, from numpy's default_rng(seed*1000 + n), drawn in float64 in this order and cast to float32 at
the end: init ~ N(0,1) (n), scale_t ~ U(0.1, 3) (50), bias ~ 0.3*N(0,1) (n), noise ~ N(0,1) (50 x n);
grad_t = (noise_t + bias) * scale_t.

"checks" in every file records, over the 50 x n values of params_after_step: how many values (and how
many ULPs at most) a float32 numpy port of torch's update rules gets wrong without FMA and with FMA
where torch's kernels fuse (add_ with alpha, addcmul_), the ULP distance of foreach=True from
foreach=False, and the largest deviation of torch float32 from a float64 evaluation of the same
recurrences, absolute and relative (|torch - ref| / max(|ref|, 1e-3)).

Needs Debian's python3-torch (torch 1.13; run with /usr/bin/python3) and numpy:
    /usr/bin/python3 deploy/bench/torch_optim_traces.py [--out DIR] [--seed 1234]
"""
import argparse
import json
import math
import os

import numpy as np
import torch

STEPS = 50
SIZES = (7, 1000)
DEFAULT_OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                            "parameter-server", "src", "test", "resources", "golden", "optim"))

# Every torch kwarg of the optimizer with its default, in the order the trace lists them (lr comes last).
SGD_DEFAULTS = dict(momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False)
ADAM_DEFAULTS = dict(betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, amsgrad=False, maximize=False)
ADAMW_DEFAULTS = dict(ADAM_DEFAULTS, weight_decay=0.01)

# (name, optimizer, kwargs, lr schedule)
CASES = [
    ("sgd_plain", "SGD", dict(lr=0.1), "constant"),
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9), "constant"),
    ("sgd_momentum_dampening", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.1), "constant"),
    ("sgd_nesterov", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True), "constant"),
    ("sgd_momentum_wd", "SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.01), "constant"),
    ("adam_default", "Adam", dict(lr=0.01), "constant"),
    ("adam_wd", "Adam", dict(lr=0.01, weight_decay=0.01), "constant"),
    ("adamw_wd", "AdamW", dict(lr=0.01, weight_decay=0.01), "constant"),
    ("adam_amsgrad", "Adam", dict(lr=0.01, amsgrad=True), "constant"),
    ("sgd_momentum_lr_halved", "SGD", dict(lr=0.1, momentum=0.9), "halve_after_25"),
    ("adam_lr_halved", "Adam", dict(lr=0.01), "halve_after_25"),
]
DEFAULTS = {"SGD": SGD_DEFAULTS, "Adam": ADAM_DEFAULTS, "AdamW": ADAMW_DEFAULTS}


def hyperparameters(opt, kwargs):
    return dict(DEFAULTS[opt], **kwargs)


def lr_per_step(lr, schedule):
    """The lr used at steps 1..STEPS."""
    if schedule == "constant":
        return [lr] * STEPS
    if schedule == "halve_after_25":
        return [lr if t <= 25 else lr * 0.5 for t in range(1, STEPS + 1)]
    raise ValueError(schedule)


def data(seed, n):
    """(init [n], grads [STEPS x n]) as float32, from default_rng(seed) in float64."""
    rng = np.random.default_rng(seed)
    init = rng.standard_normal(n)
    scale = rng.uniform(0.1, 3.0, STEPS)
    bias = 0.3 * rng.standard_normal(n)
    noise = rng.standard_normal((STEPS, n))
    grads = (noise + bias) * scale[:, None]
    return init.astype(np.float32), grads.astype(np.float32)


def run_torch(opt, hp, lrs, init, grads, foreach):
    """Parameters after each step [STEPS x n] of torch.optim.<opt> fed `grads`."""
    p = torch.tensor(init, dtype=torch.float32, requires_grad=True)
    kw = dict(hp, lr=lrs[0], foreach=foreach)
    o = getattr(torch.optim, opt)([p], **kw)
    out = np.empty((STEPS, len(init)), dtype=np.float32)
    for t in range(STEPS):
        for g in o.param_groups:
            g["lr"] = lrs[t]
        p.grad = torch.tensor(grads[t], dtype=torch.float32)
        o.step()
        out[t] = p.detach().numpy()
    return out


# ---- numpy ports of torch 1.13's single-tensor update rules (see the folder's README.md) ----

F32 = np.float32


def fma32(a, y, x):
    """fma(a, y, x) on float32 arrays: a*y is exact in float64 (24+24 bits); the sum is rounded to
    float64 and then to float32, which can differ from a true fma (one rounding) only by double
    rounding -- on these traces the port agrees with torch on every value."""
    return (np.float64(a) * y.astype(np.float64) + x.astype(np.float64)).astype(F32)


def add_alpha(x, y, alpha, fma):
    """x.add(y, alpha=alpha) on float32: alpha rounded to float32 first."""
    a = F32(alpha)
    return fma32(a, y, x) if fma else x + a * y


def addcmul(x, y, z, value, fma):
    """x.addcmul(y, z, value=value): (value*y) rounded, then times z plus x."""
    vy = F32(value) * y
    return fma32(vy, z, x) if fma else x + vy * z


def port_f32(opt, hp, lrs, init, grads, fma):
    p = init.copy()
    out = np.empty((STEPS, len(init)), dtype=F32)
    buf = m = v = vmax = None
    for t in range(1, STEPS + 1):
        g = grads[t - 1]
        lr = lrs[t - 1]
        if opt == "SGD":
            d = g
            if hp["weight_decay"] != 0:
                d = add_alpha(d, p, hp["weight_decay"], fma)
            mom = hp["momentum"]
            if mom != 0:
                if buf is None:
                    buf = d.copy()
                else:
                    buf = add_alpha(buf * F32(mom), d, 1 - hp["dampening"], fma)
                d = add_alpha(d, buf, mom, fma) if hp["nesterov"] else buf
            p = add_alpha(p, d, -lr, fma)
        else:
            b1, b2 = hp["betas"]
            wd = hp["weight_decay"]
            if m is None:
                m = np.zeros_like(p)
                v = np.zeros_like(p)
                vmax = np.zeros_like(p)
            if opt == "AdamW":
                p = p * F32(1 - lr * wd)
            elif wd != 0:
                g = add_alpha(g, p, wd, fma)
            m = add_alpha(m * F32(b1), g, 1 - b1, fma)
            v = addcmul(v * F32(b2), g, g, 1 - b2, fma)
            bc1 = 1 - b1 ** t
            bc2 = 1 - b2 ** t
            step_size = lr / bc1
            if hp["amsgrad"]:
                vmax = np.maximum(vmax, v)
                s = vmax
            else:
                s = v
            denom = np.sqrt(s) / F32(math.sqrt(bc2)) + F32(hp["eps"])
            p = p + (F32(-step_size) * m) / denom
        out[t - 1] = p
    return out


def reference_f64(opt, hp, lrs, init, grads):
    """The same recurrences in float64 (inputs are the float32 values, hyperparameters as Python floats)."""
    p = init.astype(np.float64)
    out = np.empty((STEPS, len(init)))
    buf = None
    m = v = vmax = np.zeros_like(p)
    for t in range(1, STEPS + 1):
        g = grads[t - 1].astype(np.float64)
        lr = lrs[t - 1]
        if opt == "SGD":
            d = g
            if hp["weight_decay"] != 0:
                d = d + hp["weight_decay"] * p
            mom = hp["momentum"]
            if mom != 0:
                buf = d.copy() if buf is None else mom * buf + (1 - hp["dampening"]) * d
                d = d + mom * buf if hp["nesterov"] else buf
            p = p - lr * d
        else:
            b1, b2 = hp["betas"]
            wd = hp["weight_decay"]
            if opt == "AdamW":
                p = p * (1 - lr * wd)
            elif wd != 0:
                g = g + wd * p
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            vmax = np.maximum(vmax, v)
            s = vmax if hp["amsgrad"] else v
            denom = np.sqrt(s) / math.sqrt(1 - b2 ** t) + hp["eps"]
            p = p - (lr / (1 - b1 ** t)) * m / denom
        out[t - 1] = p
    return out


def ordered(x):
    """float32 bit patterns mapped to integers in the order of the floats (so ULPs are differences)."""
    i = np.asarray(x, dtype=F32).view(np.int32).astype(np.int64)
    return np.where(i < 0, -(i & 0x7FFFFFFF), i)


def ulps(a, b):
    return np.abs(ordered(a) - ordered(b))


def checks(opt, hp, lrs, init, grads, torch_out):
    no_fma = ulps(torch_out, port_f32(opt, hp, lrs, init, grads, fma=False))
    with_fma = ulps(torch_out, port_f32(opt, hp, lrs, init, grads, fma=True))
    foreach = ulps(torch_out, run_torch(opt, hp, lrs, init, grads, foreach=True))
    ref = reference_f64(opt, hp, lrs, init, grads)
    dev = np.abs(torch_out.astype(np.float64) - ref)
    return {
        "n_values_differing_torch_vs_numpy_f32_no_fma": int((no_fma != 0).sum()),
        "max_ulp_torch_vs_numpy_f32_no_fma": int(no_fma.max()),
        "n_values_differing_torch_vs_numpy_f32_with_fma": int((with_fma != 0).sum()),
        "max_ulp_torch_single_vs_foreach": int(foreach.max()),
        "max_rel_dev_vs_float64_reference": float((dev / np.maximum(np.abs(ref), 1e-3)).max()),
        "max_abs_dev_vs_float64_reference": float(dev.max()),
    }


# ---- output ----

def f32_list(a):
    """float32 values as Python floats that print as numpy's shortest round-trip repr of the float32."""
    if a.ndim > 1:
        return [f32_list(r) for r in a]
    return [float(repr(F32(x))) for x in a]


def bits_list(a):
    if a.ndim > 1:
        return [bits_list(r) for r in a]
    return ["0x%08x" % b for b in a.astype(F32).view(np.uint32)]


def dump(obj, path):
    with open(path, "w") as f:
        f.write(json.dumps(obj, separators=(",", ":")) + "\n")


def main():
    ap = argparse.ArgumentParser(description="Regenerate the torch.optim golden traces (JSON) that "
                                             "`impetus replay` and GoldenTraceReplayTest check.")
    ap.add_argument("--out", default=DEFAULT_OUT, help="folder to write into (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=1234, help="base seed; file seed = seed*1000 + n")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)
    index = []
    for name, opt, kwargs, schedule in CASES:
        hp = hyperparameters(opt, kwargs)
        lrs = lr_per_step(kwargs["lr"], schedule)
        for n in SIZES:
            seed = a.seed * 1000 + n
            init, grads = data(seed, n)
            out = run_torch(opt, hp, lrs, init, grads, foreach=False)
            trace = {
                "name": name, "torch_version": torch.__version__, "optimizer": "torch.optim." + opt,
                "hyperparameters": hp, "foreach": False, "lr_schedule": schedule, "lr_per_step": lrs,
                "n": n, "steps": STEPS, "seed": seed, "dtype": "float32",
                "init_params": f32_list(init), "grads": f32_list(grads), "params_after_step": f32_list(out),
                "checks": checks(opt, hp, lrs, init, grads, out),
            }
            if n <= 7:
                trace["init_params_bits"] = bits_list(init)
                trace["grads_bits"] = bits_list(grads)
                trace["params_after_step_bits"] = bits_list(out)
            fname = "%s_n%d.json" % (name, n)
            dump(trace, os.path.join(a.out, fname))
            index.append({"file": fname, "name": name, "n": n, "optimizer": opt, "hyperparameters": hp,
                          "lr_schedule": schedule})
            c = trace["checks"]
            print("%-36s no_fma %6d values (max %6d ulp)  fma %d  ulp_fe %d  abs_dev %.3g" % (
                fname, c["n_values_differing_torch_vs_numpy_f32_no_fma"], c["max_ulp_torch_vs_numpy_f32_no_fma"],
                c["n_values_differing_torch_vs_numpy_f32_with_fma"], c["max_ulp_torch_single_vs_foreach"],
                c["max_abs_dev_vs_float64_reference"]), flush=True)
    dump({"seed": a.seed, "torch_version": torch.__version__, "cases": index}, os.path.join(a.out, "index.json"))


if __name__ == "__main__":
    main()
