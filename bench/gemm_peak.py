#!/usr/bin/env python3
"""float32 GEMM rate of this machine as PyTorch reaches it, on --threads threads, by two routes:
  - torch.mm: the BLAS library torch is linked against (Debian's python3-torch: the system libblas.so.3,
    OpenBLAS here); the OpenBLAS kernel it picked for this CPU is printed (OPENBLAS_VERBOSE);
  - oneDNN: torch's mkldnn inner product on mkldnn tensors, the library that also runs the convolutions of
    both frameworks (PyTorch's and ND4J's oneDNN backend); it picks its kernels from the CPU's instruction
    set itself.
C = A.B with square n x n matrices; for every size the fastest of --reps products after one untimed one
(the machine may be shared: the fastest is the least disturbed; at least 2, fewer than --reps once a route has
taken 6 s). torch.mm runs the --blas-size sizes (a slow BLAS would take minutes at 4096), oneDNN the --size ones. Prints one JSON line per route and size,
then {"route": "best", "gflops": ...} with the best of them all.

Usage: /usr/bin/python3 bench/gemm_peak.py [--threads 2] [--reps 5] [--size 2048 --size 4096] [--blas-size 2048]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import torch


def fastest(product, reps, budget_s=6.0):
    """Fastest of reps timed calls after an untimed one; stops early after budget_s once two are timed."""
    product()
    best, start = float("inf"), time.perf_counter()
    for i in range(reps):
        t0 = time.perf_counter()
        product()
        best = min(best, time.perf_counter() - t0)
        if i >= 1 and time.perf_counter() - start > budget_s:
            break
    return best


def openblas_core():
    """The kernel OpenBLAS selects for this CPU, as it reports it with OPENBLAS_VERBOSE=2 ('?' if silent)."""
    env = dict(os.environ, OPENBLAS_VERBOSE="2")
    r = subprocess.run([sys.executable, "-c", "import torch; a = torch.ones(8, 8); torch.mm(a, a)"],
                       env=env, capture_output=True, text=True)
    m = re.search(r"Core: (\S+)", r.stdout + r.stderr)
    return m.group(1) if m else "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--size", type=int, action="append", help="oneDNN sizes (default 2048 and 4096)")
    ap.add_argument("--blas-size", type=int, action="append", help="torch.mm sizes (default 2048)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    best = 0.0
    runs = [("torch.mm", n) for n in a.blas_size or [2048]] + [("oneDNN", n) for n in a.size or [2048, 4096]]
    for route, n in runs:
        x, y = torch.rand(n, n), torch.rand(n, n)
        if route == "torch.mm":
            out = torch.empty(n, n)
            product = lambda: torch.mm(x, y, out=out)
        else:
            xm, ym = x.to_mkldnn(), y.to_mkldnn()   # mkldnn_linear computes x . y^T: the same work
            product = lambda: torch._C._nn.mkldnn_linear(xm, ym, None)
        rate = 2.0 * n ** 3 / fastest(product, a.reps) / 1e9
        best = max(best, rate)
        print(json.dumps({"impl": "torch", "route": route, "n": n, "gflops": round(rate, 1)}), flush=True)
    print(json.dumps({"impl": "torch", "route": "best", "gflops": round(best, 1), "openblas_core": openblas_core()}))


if __name__ == "__main__":
    main()
