#!/usr/bin/env python3
"""PyTorch side of the speed comparisons (CPU, 2 threads).

Builds the models of pnn's model registry that the scoreboard times, written from the specs and our own model
code, for 1x28x28 or 3x32x32 input:
  - lenet (PERTURBATION 2.4), cifarnet (2.5), 64 filters, in the forms the experiments use: 'conv' (3x3 conv
    + BN + ReLU in every slot) and 'perturb' (3x3 conv in slot 1, perturbation slots elsewhere: nmasks unique
    uniform masks per channel, level 0.5, ReLU after the noise, grouped 1x1 conv when nmasks > 1, BN, ReLU);
  - resnet18 (CONVNORM 2.2): 3x3 conv (no bias) + BN slots, BasicBlocks with 1x1 conv + BN projections, average
    pool over the last 4x4 map, linear; kind 'conv' only;
  - simple_cnn (CONVNORM 2.4): [8, 8, M, 16, 16, M, 32, 32, M] 3x3 slots + linear; kind 'conv' (conv with bias
    + BN + ReLU, as the reference) or 'convnorm' (ConvNorm of bench/convnorm_torch.py + ReLU).
Times one training step (forward, cross-entropy, backward, optimiser step: Adam, or SGD with heavy-ball
momentum, weight decay as L2 on every parameter) on random data after a warm-up, and prints the median like
'pnn bench', with the trainable parameter count. Optionally (--epoch DIR, lenet on 1x28x28 only) times one full
epoch on the real MNIST IDX files in DIR plus the test-set evaluation.

Usage: /usr/bin/python3 bench/pnn_torch.py conv|perturb|convnorm [--model lenet|cifarnet|resnet18|simple_cnn]
       [--input 1x28x28] [--nmasks 1] [--iterations 30] [--warmup 10] [--batch-size 64]
       [--optimizer adam|sgd] [--lr 1e-3] [--momentum 0.9] [--weight-decay 1e-4] [--epoch DIR]
"""
import argparse
import gzip
import os
import statistics
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convnorm_torch import ConvNorm  # noqa: E402


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


class BasicBlock(nn.Module):
    """conv3x3(stride) - BN - ReLU - conv3x3 - BN, plus the identity or a 1x1 conv(stride) + BN projection, ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class ResNet18(nn.Module):
    """CIFAR ResNet-18: stem conv3x3 + BN + ReLU (no max-pool), stages nf, 2nf, 4nf, 8nf of two BasicBlocks
    (stride 2 first in stages 2-4), average pool over the remaining map, linear."""

    def __init__(self, cin, classes=10, nf=64):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, nf, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(nf)
        blocks, width = [], nf
        for stage in range(4):
            out = nf << stage
            for b in range(2):
                blocks.append(BasicBlock(width, out, 2 if stage > 0 and b == 0 else 1))
                width = out
        self.layers = nn.Sequential(*blocks)
        self.linear = nn.Linear(width, classes)

    def forward(self, x):
        y = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.linear(F.adaptive_avg_pool2d(y, 1).flatten(1))


class SimpleCnn(nn.Module):
    """ConvNorm's simple CNN: [w, w, M, 2w, 2w, M, 4w, 4w, M] 3x3 padding-1 slots (conv + BN + ReLU, or
    ConvNorm + ReLU), 2x2 max-pools, linear on the flattened map."""

    def __init__(self, kind, cin, size, classes=10, w=8):
        super().__init__()
        layers, c = [], cin
        for i, width in enumerate((w, w, 2 * w, 2 * w, 4 * w, 4 * w)):
            if kind == "convnorm":
                layers += [ConvNorm(c, width, 3, stride=1, padding=1), nn.ReLU()]
            else:
                layers += [nn.Conv2d(c, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
            if i % 2 == 1:
                layers.append(nn.MaxPool2d(2, 2))
                size //= 2
            c = width
        self.trunk = nn.Sequential(*layers)
        self.linear = nn.Linear(c * size * size, classes)

    def forward(self, x):
        return self.linear(self.trunk(x).flatten(1))


KINDS = {"lenet": ("conv", "perturb"), "cifarnet": ("conv", "perturb"), "resnet18": ("conv",),
         "simple_cnn": ("conv", "convnorm")}


def build(model, kind, cin, size, nmasks):
    """The network of (model, kind) for cin x size x size input, 10 classes."""
    if kind not in KINDS[model]:
        raise SystemExit(f"error: model {model} has no '{kind}' form; use one of {', '.join(KINDS[model])}")
    if model == "resnet18":
        return ResNet18(cin)
    if model == "simple_cnn":
        return SimpleCnn(kind, cin, size)
    return Net(model, kind, cin, size, nmasks)


def trainable(net):
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


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


def parser():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["conv", "perturb", "convnorm"])
    ap.add_argument("--model", choices=sorted(KINDS), default="lenet")
    ap.add_argument("--input", default="1x28x28")
    ap.add_argument("--nmasks", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--optimizer", choices=["adam", "sgd"], default="adam",
                    help="adam, or sgd with heavy-ball momentum (pnn's 'momentum' optimiser)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--weight-decay", type=float, default=1e-4, help="L2 on every parameter, biases included")
    ap.add_argument("--epoch", metavar="MNIST_DIR")
    return ap


def prepare(a):
    """The network, its one-step function step(x, y) and a fixed random batch (x, y) for the arguments a."""
    torch.manual_seed(1)
    cin, size, _ = (int(v) for v in a.input.split("x"))
    net = build(a.model, a.kind, cin, size, a.nmasks)
    if a.optimizer == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay)

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss

    net.train()
    x = torch.rand(a.batch_size, cin, size, size) * 2 - 1
    y = torch.arange(a.batch_size) % 10
    return net, step, x, y


def training_step(argv):
    """One training step of the network the command-line arguments argv describe (used by bench/flops.py)."""
    _, step, x, y = prepare(parser().parse_args(argv))
    return lambda: step(x, y)


def main():
    a = parser().parse_args()
    torch.set_num_threads(2)
    net, step, x, y = prepare(a)
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
          f"of batch {a.batch_size}, threads {torch.get_num_threads()}; {trainable(net)} trainable parameters")

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
