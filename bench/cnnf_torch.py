#!/usr/bin/env python3
"""PyTorch side of the CNN-F speed comparison (CPU, 2 threads).

Builds the Fashion-MNIST CNN-F of the spec (4 tied-feedback 3x3 convs 1-16-32-32-64, per-channel RMS norm +
bias + residual AdaReLU after each, adaptive max/min pools after conv3 and conv4, FC 3136-1000-128-10 with tied
transposed feedback; ind 2, 1 cycle, res_param 0.1) and times one PGD-7 adversarial training step on random
1x28x28 data in [-1, 1]:
  1. reset all layer states; PGD-Linf (eps 0.2, step 0.071, 7 steps, random start, sum cross-entropy,
     clip [-1, 1]) on the plain first forward pass with the parameters frozen;
  2. reset; first pass on concat(clean, adversarial); for every cycle: feedback from the logits,
     reconstruction MSE of the adversarial half against the clean first-pass features, mix
     ff += r * (recon - ff), later pass from the ind level; clean (weight 0.1) + adversarial cross-entropy
     of every pass;
  3. backward, global gradient-norm clip 0.5, SGD (lr 0.05, momentum 0.9, weight decay 5e-4, doubled on the
     FC weights), poly learning-rate schedule stepped per iteration.
The 'cnn' variant is the same class with cycles 0, ind 0, res_param 0 (a plain feedforward CNN): the same
step without feedback and reconstruction terms. Prints the median step time as clean images/s.

The model class also offers the inference entry points (forward_adv, run_cycles, run_cycles_adv,
run_average) and a pgd() helper, so it can be imported for numeric checks in float64.

Matrix products (the FC layers, transposed convolutions, convolution weight gradients) go through the BLAS
library torch is linked against; a torch that uses a generic reference libblas.so.3 is several times slower
here than one that uses an optimised BLAS (LD_LIBRARY_PATH can point libblas.so.3 at another library; set
OPENBLAS_NUM_THREADS=2 for OpenBLAS). The BLAS build string is printed with --show-config.

Usage: /usr/bin/python3 bench/cnnf_torch.py [--variant cnnf|cnn|both] [--batch 128] [--iters 10]
       [--warmup 2] [--dtype float32|float64] [--threads 2] [--show-config]
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

EPS_NORM = 1e-8


def insnorm(x):
    """Per-(sample, channel) RMS normalisation over H, W; no mean subtraction, no affine."""
    return x / torch.sqrt(x.pow(2).mean(dim=(2, 3), keepdim=True) + EPS_NORM)


class ResReLU:
    """AdaReLU with residual blend. State: mask of the last forward, hidden = last top-down input."""

    def __init__(self, r):
        self.r = r
        self.reset()

    def reset(self):
        self.mask = None
        self.hidden = None

    def forward(self, x):
        if self.hidden is None:
            with torch.no_grad():
                self.mask = (x > 0).to(x.dtype)
            return x * self.mask
        z = x + self.r * (self.hidden - x)
        with torch.no_grad():
            self.mask = (z * self.hidden > 0).to(x.dtype)
        return z * self.mask

    def feedback(self, t):
        self.hidden = t
        return t * self.mask


class AdaPool:
    """2x2/2 pool: plain max pool without hidden, else per position max (hidden > 0) or min (hidden < 0).
    Feedback unpools to the selected positions; the sign masks used are those of the preceding forward."""

    def __init__(self):
        self.size = None
        self.reset()

    def reset(self):
        self.hidden = None
        self.pos = None
        self.neg = None
        self.imax = None
        self.imin = None

    def forward(self, x):
        if self.hidden is None:
            self.size = x.shape
            out, self.imax = F.max_pool2d(x, 2, 2, return_indices=True)
            return out
        mx, self.imax = F.max_pool2d(x, 2, 2, return_indices=True)
        negmx, self.imin = F.max_pool2d(-x, 2, 2, return_indices=True)
        with torch.no_grad():
            self.pos = (self.hidden > 0).to(x.dtype)
            self.neg = (self.hidden < 0).to(x.dtype)
        return self.pos * mx + self.neg * (-negmx)

    def feedback(self, t):
        self.hidden = t
        size = self.size[-2:]
        if self.pos is None or self.neg is None:
            return F.max_unpool2d(t, self.imax, 2, 2, output_size=size)
        return (F.max_unpool2d(t * self.pos, self.imax, 2, 2, output_size=size)
                + F.max_unpool2d(t * self.neg, self.imin, 2, 2, output_size=size))


class CNNF(nn.Module):
    """Fashion-MNIST CNN-F. Conv and FC weights are shared by the forward and the feedback pass."""

    CONVS = [(1, 16), (16, 32), (32, 32), (32, 64)]
    FCS = [(3136, 1000), (1000, 128)]

    def __init__(self, num_classes=10, ind=0, cycles=2, res_param=0.1):
        super().__init__()
        if ind not in (0, 1, 2):
            raise ValueError("ind must be 0, 1 or 2")
        self.ind, self.cycles, self.res_param = ind, cycles, res_param
        fcs = self.FCS + [(128, num_classes)]
        for i, (cin, cout) in enumerate(self.CONVS, 1):
            w = torch.empty(cout, cin, 3, 3).normal_(0, math.sqrt(2.0 / (9 * cout)))
            setattr(self, f"conv{i}", nn.Parameter(w))
            setattr(self, f"ins{i}_bias", nn.Parameter(torch.zeros(1, cout, 1, 1)))
        for i, (fin, fout) in enumerate(fcs, 1):
            bound = 1.0 / math.sqrt(fin)
            setattr(self, f"fc{i}", nn.Parameter(torch.empty(fout, fin).uniform_(-bound, bound)))
            setattr(self, f"fc{i}_bias", nn.Parameter(torch.zeros(1, fout)))
        self.relus = [ResReLU(res_param) for _ in range(6)]
        self.pool3, self.pool4 = AdaPool(), AdaPool()

    def reset(self):
        for layer in self.relus + [self.pool3, self.pool4]:
            layer.reset()

    def _conv_stage(self, x, i):
        w, b = getattr(self, f"conv{i}"), getattr(self, f"ins{i}_bias")
        return self.relus[i - 1].forward(insnorm(F.conv2d(x, w, padding=1)) + b)

    def forward(self, x, first=True):
        """First pass from the image, later passes from the ind level. Returns
        (logits, orig_feature, block1, block2); orig_feature is only meaningful for the first pass."""
        start = 0 if first else self.ind
        h, orig = x, x
        if start <= 0:
            h = self._conv_stage(h, 1)
        if first and self.ind == 1:
            orig = h
        if start <= 1:
            h = self._conv_stage(h, 2)
        if first and self.ind == 2:
            orig = h
        block1 = self._conv_stage(h, 3)
        block2 = self._conv_stage(self.pool3.forward(block1), 4)
        h = self.pool4.forward(block2).flatten(1)
        h = self.relus[4].forward(h @ self.fc1.t() + self.fc1_bias)
        h = self.relus[5].forward(h @ self.fc2.t() + self.fc2_bias)
        logits = h @ self.fc3.t() + self.fc3_bias
        return logits, orig, block1, block2

    def feedback(self, logits):
        """Top-down pass from the logits. Returns (recon at the ind level, block1_recon, block2_recon)."""
        t = self.relus[5].feedback(logits @ self.fc3)
        t = self.relus[4].feedback(t @ self.fc2)
        t = insnorm((t @ self.fc1).reshape(-1, 64, 7, 7))
        block2_recon = self.relus[3].feedback(self.pool4.feedback(t))
        t = insnorm(F.conv_transpose2d(block2_recon, self.conv4, padding=1))
        block1_recon = self.relus[2].feedback(self.pool3.feedback(t))
        recon = F.conv_transpose2d(block1_recon, self.conv3, padding=1)
        if self.ind <= 1:
            recon = F.conv_transpose2d(self.relus[1].feedback(insnorm(recon)), self.conv2, padding=1)
        if self.ind == 0:
            recon = F.conv_transpose2d(self.relus[0].feedback(insnorm(recon)), self.conv1, padding=1)
        return recon, block1_recon, block2_recon

    def _cycles(self, x, cycles):
        self.reset()
        logits, ff = self.forward(x)[:2]
        all_logits = [logits]
        for _ in range(cycles):
            recon = self.feedback(logits)[0]
            ff = ff + self.res_param * (recon - ff)
            logits = self.forward(ff, first=False)[0]
            all_logits.append(logits)
        return all_logits

    def forward_adv(self, x):
        self.reset()
        return self.forward(x)[0]

    def run_cycles_adv(self, x, cycles=None):
        return self._cycles(x, self.cycles if cycles is None else cycles)[-1]

    def run_cycles(self, x, cycles=None):
        with torch.no_grad():
            return self.run_cycles_adv(x, cycles)

    def run_average(self, x, cycles=None):
        all_logits = self._cycles(x, self.cycles if cycles is None else cycles)
        return sum(all_logits) / len(all_logits)


def pgd(predict, params, x, y, eps, step, iters, delta0=None):
    """PGD-Linf on the sum cross-entropy, random start (or the given one), clip to [-1, 1]."""
    saved = [p.requires_grad for p in params]
    for p in params:
        p.requires_grad_(False)
    delta = torch.empty_like(x).uniform_(-eps, eps) if delta0 is None else delta0.clone()
    delta = torch.clamp(x + delta, -1, 1) - x
    for _ in range(iters):
        delta.requires_grad_(True)
        loss = F.cross_entropy(predict(x + delta), y, reduction="sum")
        (g,) = torch.autograd.grad(loss, delta)
        delta = delta.detach() + step * g.sign()
        delta = torch.clamp(delta, -eps, eps)
        delta = torch.clamp(x + delta, -1, 1) - x
    for p, s in zip(params, saved):
        p.requires_grad_(s)
    return torch.clamp(x + delta, -1, 1).detach()


def train_loss(model, x, x_adv, y, clean_w=0.1, mse_w=0.1):
    """CNN-F training objective on (clean, adversarial); returns (loss, ce terms, mse terms)."""
    b, c = x.shape[0], model.cycles
    model.reset()
    logits, orig, block1, block2 = model.forward(torch.cat([x, x_adv]))
    targets = (orig[:b], block1[:b], block2[:b])
    ce = [(F.cross_entropy(logits[:b], y), F.cross_entropy(logits[b:], y))]
    mse = []
    ff = orig
    for _ in range(c):
        recons = model.feedback(logits)
        mse.append([F.mse_loss(r[b:], t) for r, t in zip(recons, targets)])
        ff = ff + model.res_param * (recons[0] - ff)
        logits = model.forward(ff, first=False)[0]
        ce.append((F.cross_entropy(logits[:b], y), F.cross_entropy(logits[b:], y)))
    loss = sum(clean_w * cc + ca for cc, ca in ce) / (2 * (c + 1))
    if c:
        loss = loss + mse_w / (3 * c) * sum(sum(m) for m in mse)
    return loss, ce, mse


def make_optimizer(model, lr=0.05, wd=5e-4, total_iters=200 * 234, power=0.9):
    fc = [p for n, p in model.named_parameters() if n in ("fc1", "fc2", "fc3")]
    rest = [p for n, p in model.named_parameters() if n not in ("fc1", "fc2", "fc3")]
    opt = torch.optim.SGD([{"params": rest, "weight_decay": wd}, {"params": fc, "weight_decay": 2 * wd}],
                          lr=lr, momentum=0.9)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: max(0.0, 1 - t / total_iters) ** power)
    return opt, sched


def parser():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", choices=["cnnf", "cnn", "both"], default="both")
    ap.add_argument("--batch", "--batch-size", dest="batch", type=int, default=128)
    ap.add_argument("--iters", "--iterations", dest="iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--show-config", action="store_true", help="print torch's build configuration first")
    return ap


def prepare(name, batch, dtype):
    """(params, train_step) of one PGD-7 adversarial training step of variant name on a fixed random batch."""
    eps, step, nb_iter = 0.2, 0.071, 7
    torch.manual_seed(1)
    if name == "cnnf":
        model = CNNF(10, ind=2, cycles=1, res_param=0.1)
    else:
        model = CNNF(10, ind=0, cycles=0, res_param=0.0)
    model = model.to(dtype)
    params = list(model.parameters())
    opt, sched = make_optimizer(model)
    x = (torch.rand(batch, 1, 28, 28) * 2 - 1).to(dtype)
    y = torch.arange(batch) % 10

    def train_step():
        opt.zero_grad()
        model.reset()
        x_adv = pgd(lambda v: model.forward(v)[0], params, x, y, eps, step, nb_iter)
        loss = train_loss(model, x, x_adv, y)[0]
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 0.5)
        opt.step()
        sched.step()
        return loss.item()

    return params, train_step


def training_step(argv):
    """One training step of the (single) --variant of argv (used by bench/flops.py)."""
    a = parser().parse_args(argv)
    if a.variant == "both":
        raise SystemExit("error: training_step needs --variant cnnf or --variant cnn")
    return prepare(a.variant, a.batch, getattr(torch, a.dtype))[1]


def main():
    a = parser().parse_args()
    torch.set_num_threads(a.threads)
    if a.show_config:
        print(torch.__config__.show(), flush=True)
    dtype = getattr(torch, a.dtype)
    variants = ["cnnf", "cnn"] if a.variant == "both" else [a.variant]
    for name in variants:
        params, train_step = prepare(name, a.batch, dtype)
        for _ in range(a.warmup):
            train_step()
        times = []
        for _ in range(a.iters):
            t0 = time.perf_counter()
            loss = train_step()
            times.append(time.perf_counter() - t0)
        times.sort()
        med = statistics.median(times)
        print(f"torch {name} pgd7-step batch={a.batch} images/s={a.batch / med:.1f} median_ms={1000 * med:.1f} "
              f"min_ms={1000 * times[0]:.1f} max_ms={1000 * times[-1]:.1f} iters={a.iters} "
              f"threads={torch.get_num_threads()} dtype={a.dtype} last_loss={loss:.4f} "
              f"trainable_parameters={sum(p.numel() for p in params if p.requires_grad)}", flush=True)


if __name__ == "__main__":
    main()
