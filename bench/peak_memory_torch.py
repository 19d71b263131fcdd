#!/usr/bin/env python3
"""PyTorch side of bench/peak_memory.sh: trains the lenet of bench/pnn_torch.py ('conv': 3x3 conv + BN + ReLU in
every slot, 64 filters) on the MNIST IDX files for a number of epochs, as 'pnn run mnist-lenet-conv' does: Adam
lr 1e-3 with L2 1e-4, batch 64, a fresh shuffle each epoch, inputs normalised by 0.1307/0.3081, and the whole
test set evaluated after each epoch. The files are read with numpy. Run it under /usr/bin/time -v for its peak
resident size.

Usage: /usr/bin/python3 bench/peak_memory_torch.py MNIST_DIR [--epochs 3] [--batch-size 64] [--train-limit N]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pnn_torch import Net  # noqa: E402  (the same model as the speed comparisons)


def read_idx(path):
    """An IDX file as a numpy array: images [n, 1, 28, 28] uint8, labels [n] int64."""
    raw = np.fromfile(path, dtype=np.uint8)
    magic = int.from_bytes(raw[0:4].tobytes(), "big")
    n = int.from_bytes(raw[4:8].tobytes(), "big")
    if magic == 0x803:
        rows = int.from_bytes(raw[8:12].tobytes(), "big")
        cols = int.from_bytes(raw[12:16].tobytes(), "big")
        return raw[16:].reshape(n, 1, rows, cols)
    if magic == 0x801:
        return raw[8:].astype(np.int64)
    raise SystemExit(f"{path}: not an IDX image or label file (magic {magic:#x})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mnist_dir")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--train-limit", type=int, default=0, help="train on the first N images only (0 = all)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(1)

    def images(name):
        return torch.from_numpy(((read_idx(os.path.join(a.mnist_dir, name)).astype(np.float32) / 255) - 0.1307) / 0.3081)

    xs, ys = images("train-images-idx3-ubyte"), torch.from_numpy(read_idx(os.path.join(a.mnist_dir, "train-labels-idx1-ubyte")))
    xt, yt = images("t10k-images-idx3-ubyte"), torch.from_numpy(read_idx(os.path.join(a.mnist_dir, "t10k-labels-idx1-ubyte")))
    if a.train_limit > 0:
        xs, ys = xs[:a.train_limit], ys[:a.train_limit]
    net = Net("lenet", "conv", 1, 28, 1)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        net.train()
        perm = torch.randperm(len(xs))
        for i in range(0, len(xs), a.batch_size):
            idx = perm[i:i + a.batch_size]
            opt.zero_grad()
            F.cross_entropy(net(xs[idx]), ys[idx]).backward()
            opt.step()
        net.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(xt), a.batch_size):
                correct += (net(xt[i:i + a.batch_size]).argmax(1) == yt[i:i + a.batch_size]).sum().item()
        print(f"torch lenet-conv epoch {epoch}: {time.perf_counter() - t0:.1f} s, test accuracy "
              f"{100 * correct / len(xt):.2f}% ({correct}/{len(xt)})", flush=True)


if __name__ == "__main__":
    main()
