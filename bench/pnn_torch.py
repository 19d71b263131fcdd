#!/usr/bin/env python3
"""PyTorch side of the speed comparisons (CPU, 2 threads).

Builds the perturbation-network models of the spec (lenet 2.4, cifarnet 2.5; 64 filters) for 1x28x28 or
3x32x32 input, in the forms the experiments use: 'conv' (3x3 conv + BN + ReLU in every slot) and 'perturb'
(3x3 conv in slot 1, perturbation slots elsewhere: nmasks unique uniform masks per channel, level 0.5,
ReLU after the noise, grouped 1x1 conv when nmasks > 1, BN, ReLU), and times one training step (forward,
cross-entropy, backward, Adam with L2 1e-4) on random data after a warm-up. Prints the median like
'pnn bench'. Optionally (--epoch DIR, lenet on 1x28x28 only) times one full epoch on the real MNIST IDX
files in DIR plus the test-set evaluation.

Usage: /usr/bin/python3 bench/pnn_torch.py conv|perturb [--model lenet|cifarnet] [--input 1x28x28]
       [--nmasks 1] [--iterations 30] [--warmup 10] [--batch-size 64] [--epoch DIR]
"""
import argparse
import gzip
import os
import statistics
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Perturb(nn.Module):
    """Fixed noise masks (nmasks per input channel) + ReLU + (grouped) 1x1 conv + BN + ReLU."""

    def __init__(self, cin, cout, size, nmasks=1, level=0.5):
        super().__init__()
        self.nmasks = nmasks
        self.register_buffer("noise", torch.empty(1, cin, nmasks, size, size).uniform_(-1, 1) * level)
        self.conv = nn.Conv2d(cin * nmasks, cout, 1, groups=cin if nmasks > 1 else 1)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        n, c, h, w = x.shape
        z = F.relu(x.unsqueeze(2) + self.noise).reshape(n, c * self.nmasks, h, w)
        return F.relu(self.bn(self.conv(z)))


class ConvSlot(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Net(nn.Module):
    """lenet: slot, pool, slot, pool, slot, pool; cifarnet: two slots per stage. Then the classifier."""

    def __init__(self, model, kind, cin, size, nmasks, nf=64):
        super().__init__()
        per_stage = 1 if model == "lenet" else 2
        linear = 128 if model == "lenet" else 256
        layers, s, first = [], size, True
        for stage in range(3):
            for _ in range(per_stage):
                if first:
                    layers.append(ConvSlot(cin, nf))
                    first = False
                else:
                    layers.append(ConvSlot(nf, nf) if kind == "conv" else Perturb(nf, nf, s, nmasks))
            layers.append(nn.MaxPool2d(3, 2, 1))
            s = (s + 1) // 2
        self.trunk = nn.Sequential(*layers)
        self.fc1 = nn.Linear(nf * 16, linear)
        self.bn1 = nn.BatchNorm1d(linear)
        self.fc2 = nn.Linear(linear, 10)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        x = self.drop(self.trunk(x).flatten(1))
        x = self.drop(F.relu(self.bn1(self.fc1(x))))
        return self.fc2(x)


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 0x803:
        return torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8).reshape(n, 1, 28, 28)
    return torch.frombuffer(bytearray(data[8:]), dtype=torch.uint8).long()


def find(d, name):
    for cand in (name, name + ".gz"):
        if os.path.exists(os.path.join(d, cand)):
            return os.path.join(d, cand)
    raise SystemExit(f"{name} not found in {d}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["conv", "perturb"])
    ap.add_argument("--model", choices=["lenet", "cifarnet"], default="lenet")
    ap.add_argument("--input", default="1x28x28")
    ap.add_argument("--nmasks", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--epoch", metavar="MNIST_DIR")
    a = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(1)
    cin, size, _ = (int(v) for v in a.input.split("x"))
    net = Net(a.model, a.kind, cin, size, a.nmasks)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss

    net.train()
    x = torch.rand(a.batch_size, cin, size, size) * 2 - 1
    y = torch.arange(a.batch_size) % 10
    for _ in range(a.warmup):
        step(x, y)
    times = []
    for _ in range(a.iterations):
        t0 = time.perf_counter()
        step(x, y)
        times.append(time.perf_counter() - t0)
    times.sort()
    med = statistics.median(times)
    print(f"torch {a.model}-{a.kind} nmasks {a.nmasks} ({a.input}): median {1000 * med:.1f} ms/iteration (min {1000 * times[0]:.1f}, "
          f"max {1000 * times[-1]:.1f}) = {a.batch_size / med:.0f} images/s over {a.iterations} iterations "
          f"of batch {a.batch_size}, threads {torch.get_num_threads()}")

    if a.epoch:
        xs = (read_idx(find(a.epoch, "train-images-idx3-ubyte")).float() / 255 - 0.1307) / 0.3081
        ys = read_idx(find(a.epoch, "train-labels-idx1-ubyte"))
        xt = (read_idx(find(a.epoch, "t10k-images-idx3-ubyte")).float() / 255 - 0.1307) / 0.3081
        yt = read_idx(find(a.epoch, "t10k-labels-idx1-ubyte"))
        t0 = time.perf_counter()
        perm = torch.randperm(len(xs))
        for i in range(0, len(xs), a.batch_size):
            idx = perm[i:i + a.batch_size]
            step(xs[idx], ys[idx])
        t1 = time.perf_counter()
        net.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(xt), a.batch_size):
                correct += (net(xt[i:i + a.batch_size]).argmax(1) == yt[i:i + a.batch_size]).sum().item()
        t2 = time.perf_counter()
        print(f"torch {a.model}-{a.kind} one MNIST epoch: train {t1 - t0:.1f} s, test {t2 - t1:.1f} s, "
              f"test accuracy {100 * correct / len(xt):.2f}% ({correct}/{len(xt)})")


if __name__ == "__main__":
    main()
