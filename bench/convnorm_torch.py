#!/usr/bin/env python3
"""PyTorch side of the ConvNorm layer speed comparison (CPU, 2 threads), plus a golden-tensor check.

ConvNorm (spec/CONVNORM.md section 1), written from the spec with the torch.fft API; it computes what the
reference layer (shengliu66/ConvNorm, Preconditioned_Conv2d) computes:
  1. full convolution y = conv(x, W), stride 1, zero padding k-1 -> grid Hg x Wg = (H+k-1) x (W+k-1);
  2. train mode: V = (sum_i |rfft2(W zero-padded to Hg x Wg)|^2)^(-1/2) from the DETACHED weight, recomputed on
     every forward, then running_V <- f*V + (1-f)*running_V with the cosine factor
     f = max((1 + cos(pi*min(c, 40000)/40000))/2, 0.01) (c = counter after increment); eval mode: V = running_V;
     1x1 kernels: V = (sum_i W[c,i]^2)^(-1/2), shape [Cout,1,1], no FFT;
  3. z = irfft2(rfft2(y) * V, s=(Hg, Wg));
  4. crop k-1-p on every side, keep every stride-th row/column;
  5. depthwise conv with r (zero padding (k-1)//2) + bias (if affine);
  6. BatchNorm2d(Cout, affine=affine) (if bn).

Timing: forward+backward in train mode of (a) ConvNorm(C, C, 3, stride 1, padding 1) and (b) Conv2d(C, C, 3,
padding=1, bias=False) + BatchNorm2d(C), on a random batch; loss = (out * g).sum() with a fixed random g, input
gradient included (x.requires_grad), parameter gradients zeroed every iteration. One JSON line per (shape, layer).

Check: --check DIR runs every DIR/case-* golden case in float64 and prints max abs differences.

Usage: /usr/bin/python3 bench/convnorm_torch.py [--threads 2] [--shape 64,64,32,32 ...] [--iters 20]
       [--warmup 5] [--dtype float32|float64] [--check /work/shared/golden/convnorm]
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvNorm(nn.Module):
    """Convolutional Normalization layer (replaces conv + BatchNorm)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=False, affine=True,
                 bn=True, momentum=None, track_running_stats=True, bn_eps=1e-5, bn_momentum=0.1):
        super().__init__()
        k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
        if not 0 <= padding <= k - 1:
            raise ValueError("padding must be in [0, k-1]")
        self.cin, self.cout, self.k = in_channels, out_channels, k
        self.stride, self.padding = stride, padding
        self.momentum, self.track_running_stats = momentum, track_running_stats
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, k, k))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if bias:
            b = 1.0 / math.sqrt(in_channels * k * k)
            self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-b, b))
        else:
            self.register_parameter("bias", None)
        # affine depthwise kernel r (PyTorch default init, fan_in = k*k)
        self.bpconv = nn.Conv2d(out_channels, out_channels, k, padding=(k - 1) // 2, groups=out_channels,
                                bias=True) if affine else None
        self.batch_norm = nn.BatchNorm2d(out_channels, eps=bn_eps, momentum=bn_momentum,
                                         affine=affine) if bn else None
        self.register_buffer("running_V", torch.zeros(1))
        self.num_batches_tracked = 0  # EMA counter: plain attribute, not saved

    def compute_V(self, grid):
        """Normaliser from the detached weight; [Cout, Hg, Wg//2+1] (k > 1) or [Cout, 1, 1] (k = 1)."""
        w = self.weight.detach()
        if self.k == 1:
            p = w.pow(2).sum(dim=(1, 2, 3)).reshape(-1, 1, 1)
        else:
            wf = torch.fft.rfft2(w, s=grid)  # zero-pads the k x k taps to Hg x Wg
            p = (wf.real.pow(2) + wf.imag.pow(2)).sum(dim=1)
        return torch.exp(-0.5 * torch.log(p))

    def forward(self, x):
        k = self.k
        y = F.conv2d(x, self.weight, self.bias, stride=1, padding=k - 1)
        hg, wg = y.shape[-2:]
        if self.training:
            v = self.compute_V((hg, wg))
            if self.track_running_stats:
                self.num_batches_tracked += 1
                c = self.num_batches_tracked
                f = self.momentum if self.momentum is not None else \
                    max(0.5 * (1.0 + math.cos(math.pi * min(c, 40000) / 40000)), 0.01)
            else:
                f = 0.0
            with torch.no_grad():
                self.running_V = f * v + (1.0 - f) * self.running_V
        else:
            v = self.running_V
        if k == 1:
            z = y * v
        else:
            z = torch.fft.irfft2(torch.fft.rfft2(y) * v, s=(hg, wg))
        s0 = k - 1 - self.padding
        if s0 > 0:
            z = z[:, :, s0:hg - s0, s0:wg - s0]
        if self.stride > 1:
            z = z[:, :, ::self.stride, ::self.stride]
        if self.bpconv is not None:
            z = self.bpconv(z)
        if self.batch_norm is not None:
            z = self.batch_norm(z)
        return z


def conv_bn(c):
    return nn.Sequential(nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))


# ---------------------------------------------------------------------------------------------- check
def run_check(root):
    import numpy as np
    cases = sorted(d for d in os.listdir(root) if d.startswith("case-") and os.path.isdir(os.path.join(root, d)))
    if not cases:
        sys.exit(f"no case-* folders in {root}")
    worst = 0.0
    for name in cases:
        d = os.path.join(root, name)
        with open(os.path.join(d, "case.json")) as fh:
            cj = json.load(fh)
        load = lambda f: torch.from_numpy(np.load(os.path.join(d, f))).to(torch.float64)
        ctor = dict(cj["constructor"])
        ks = ctor["kernel_size"]
        m = ConvNorm(ctor["in_channels"], ctor["out_channels"], ks if isinstance(ks, int) else ks[0],
                     stride=ctor["stride"] if isinstance(ctor["stride"], int) else ctor["stride"][0],
                     padding=ctor["padding"] if isinstance(ctor["padding"], int) else ctor["padding"][0],
                     bias=ctor.get("bias", False), affine=ctor["affine"], bn=ctor["bn"],
                     momentum=ctor.get("momentum"), track_running_stats=ctor.get("track_running_stats", True),
                     bn_eps=ctor.get("bn_eps", 1e-5), bn_momentum=ctor.get("bn_momentum", 0.1)).double()
        with torch.no_grad():
            params = dict(m.named_parameters())
            bufs = dict(m.named_buffers())
            for key, f in cj["parameters_and_buffers_before"].items():
                t = load(f)
                if key == "running_V":
                    m.running_V = t.clone()
                elif key in params:
                    params[key].copy_(t)
                else:
                    bufs[key].copy_(t)
        m.num_batches_tracked = cj.get("convnorm_counter_before", 0)
        m.train(cj["mode"] == "train")
        x = load("input.npy").requires_grad_(True)
        out = m(x)
        (out * load("grad_output.npy")).sum().backward()
        diffs = {"output": (out.detach(), "output.npy")}
        for key, f in cj["gradients"].items():
            got = x.grad if key == "input" else dict(m.named_parameters())[key].grad
            diffs["grad_" + key] = (got, f)
        for key, f in cj.get("buffers_after", {}).items():
            got = m.running_V if key == "running_V" else dict(m.named_buffers())[key]
            diffs[key + "_after"] = (got, f)
        res = {}
        for label, (got, f) in diffs.items():
            ref = load(f)
            res[label] = float((got.detach().reshape(ref.shape) - ref).abs().max())
        if cj["mode"] == "train":
            exp = cj.get("convnorm_counter_after")
            if exp is not None and m.num_batches_tracked != exp:
                res["counter_mismatch"] = float(abs(m.num_batches_tracked - exp))
        worst = max(worst, max(res.values()))
        main_keys = ["output", "grad_input", "grad_weight", "running_V_after"]
        line = " ".join(f"{kk}={res[kk]:.1e}" for kk in main_keys if kk in res)
        rest = max((vv for kk, vv in res.items() if kk not in main_keys), default=0.0)
        print(f"{name:34s} {line}  others(max)={rest:.1e}", flush=True)
    print(f"worst max abs diff over {len(cases)} cases: {worst:.2e}")
    return worst


# ---------------------------------------------------------------------------------------------- timing
def time_layer(module, x, g, iters, warmup):
    module.train()
    params = list(module.parameters())

    def step():
        for p in params:
            p.grad = None if p.grad is None else p.grad.zero_()
        x.grad = None
        out = module(x)
        (out * g).sum().backward()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times), 1000 * min(times)


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--shape", action="append", help="N,C,H,W (repeatable); C = input = output channels")
    ap.add_argument("--iters", "--iterations", dest="iters", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--layer", choices=["convnorm", "conv_bn", "both"], default="both")
    ap.add_argument("--check", metavar="DIR", help="compare against the golden cases DIR/case-* (float64)")
    return ap


def prepare(layer, shape, dtype):
    """(module, x, g) of one timed layer: the module in train mode, a random input and output gradient."""
    n, c, h, w = shape
    torch.manual_seed(0)
    module = (ConvNorm(c, c, 3, stride=1, padding=1) if layer == "convnorm" else conv_bn(c)).to(dtype)
    x = torch.randn(n, c, h, w, dtype=dtype, requires_grad=True)
    g = torch.randn(n, c, h, w, dtype=dtype)
    return module, x, g


def training_step(argv):
    """One forward + backward of the single --layer and --shape of argv (used by bench/flops.py)."""
    a = parser().parse_args(argv)
    if a.layer == "both" or not a.shape or len(a.shape) != 1:
        raise SystemExit("error: training_step needs one --layer (convnorm or conv_bn) and one --shape")
    module, x, g = prepare(a.layer, tuple(int(v) for v in a.shape[0].split(",")), getattr(torch, a.dtype))
    module.train()

    def step():
        module.zero_grad(set_to_none=True)
        x.grad = None
        (module(x) * g).sum().backward()

    return step


def main():
    a = parser().parse_args()
    torch.set_num_threads(a.threads)
    if a.check:
        worst = run_check(a.check)
        sys.exit(0 if worst < 1e-10 else 1)
    dtype = getattr(torch, a.dtype)
    shapes = [tuple(int(v) for v in s.split(",")) for s in (a.shape or ["64,64,32,32", "64,128,16,16"])]
    layers = ["convnorm", "conv_bn"] if a.layer == "both" else [a.layer]
    for shape in shapes:
        n, c, h, w = shape
        for layer in layers:
            module, x, g = prepare(layer, shape, dtype)
            med, mn = time_layer(module, x, g, a.iters, a.warmup)
            print(json.dumps({"impl": "torch", "layer": layer, "shape": list(shape), "threads": a.threads,
                              "dtype": a.dtype, "median_ms": round(med, 3), "min_ms": round(mn, 3),
                              "iters": a.iters}), flush=True)


if __name__ == "__main__":
    main()
