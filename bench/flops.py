#!/usr/bin/env python3
"""Floating-point operations of one training step of the bench models (bench/pnn_torch.py's Net) and of one
conv3x3 + BN layer, counted as 3x the multiply-adds x 2 of the forward convolutions and linear layers (forward,
input gradient, weight gradient; elementwise work, pooling and BN not counted). Prints 'NAME GFLOP' lines.
Usage: /usr/bin/python3 bench/flops.py
"""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pnn_torch import Net  # noqa: E402


def step_flops(net, shape):
    macs = []

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            macs.append(out.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1])
        elif isinstance(m, nn.Linear):
            macs.append(out.numel() * m.in_features)

    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        net(torch.zeros(*shape))
    for h in hs:
        h.remove()
    return 3 * 2 * sum(macs)


for model, cin, size in (("lenet", 1, 28), ("cifarnet", 3, 32)):
    for kind, nm in (("conv", 1), ("perturb", 1), ("perturb", 8)):
        print(f"{model}-{kind}-{nm} {step_flops(Net(model, kind, cin, size, nm), (64, cin, size, size)) / 1e9:.4f}")
for n, c, h, w in ((64, 64, 32, 32), (64, 128, 16, 16)):
    print(f"convbn-{n},{c},{h},{w} {3 * 2 * n * c * c * 9 * h * w / 1e9:.4f}")
