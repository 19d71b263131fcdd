#!/usr/bin/env python3
"""PyTorch side of the lenet speed comparison (CPU, 2 threads).

Builds the perturbation-network lenet of the spec (section 2.4) for 1x28x28 input with 64 filters, in the
two forms the MNIST experiments use: 'conv' (3x3 conv + BN + ReLU in every slot) and 'perturb' (3x3 conv in
slot 1, perturbation slots with one unique uniform mask per channel, level 0.5, elsewhere), and times one
training step (forward, cross-entropy, backward, Adam with L2 1e-4) on random data, batch 64, after a
warm-up. Prints the median like 'pnn bench'. Optionally (--epoch DIR) times one full epoch on the real MNIST
IDX files in DIR plus the test-set evaluation.

Usage: /usr/bin/python3 bench/lenet_torch.py conv|perturb [--iterations 30] [--warmup 10] [--epoch DIR]
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
    """Noise masks (fixed) + ReLU + 1x1 conv + BN + ReLU, one mask per input channel."""

    def __init__(self, cin, cout, size, level=0.5):
        super().__init__()
        self.register_buffer("noise", torch.empty(1, cin, size, size).uniform_(-1, 1) * level)
        self.conv = nn.Conv2d(cin, cout, 1)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(F.relu(x + self.noise))))


class ConvSlot(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Lenet(nn.Module):
    def __init__(self, kind, nf=64):
        super().__init__()
        sizes = [28, 14, 7]
        slots = [ConvSlot(1, nf)]
        for s in sizes[1:]:
            slots.append(ConvSlot(nf, nf) if kind == "conv" else Perturb(nf, nf, s))
        self.slots = nn.ModuleList(slots)
        self.pool = nn.MaxPool2d(3, 2, 1)
        self.fc1 = nn.Linear(nf * 16, 128)
        self.bn1 = nn.BatchNorm1d(128)
        self.fc2 = nn.Linear(128, 10)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        for s in self.slots:
            x = self.pool(s(x))
        x = self.drop(x.flatten(1))
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
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--epoch", metavar="MNIST_DIR")
    a = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(1)
    net = Lenet(a.kind)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss

    net.train()
    x = torch.rand(a.batch_size, 1, 28, 28) * 2 - 1
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
    print(f"torch lenet-{a.kind} (1x28x28): median {1000 * med:.1f} ms/iteration (min {1000 * times[0]:.1f}, "
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
        print(f"torch lenet-{a.kind} one MNIST epoch: train {t1 - t0:.1f} s, test {t2 - t1:.1f} s, "
              f"test accuracy {100 * correct / len(xt):.2f}% ({correct}/{len(xt)})")


if __name__ == "__main__":
    main()
