#!/usr/bin/env python3
"""Floating-point operations of one timed iteration of each scoreboard row, counted on the PyTorch side.

Reads rows 'NAME|SCRIPT ARGS...' on stdin (SCRIPT is a bench/ script with a training_step(argv) function:
pnn_torch.py, cnnf_torch.py, convnorm_torch.py; ARGS are the arguments the row times it with), runs one
iteration of each (after one untimed one, so lazily built state is in place) and counts, per ATen operator
as it is dispatched, the multiply-adds of the convolutions and matrix products, times 2:
  - convolution: output elements x (input channels / groups) x kernel taps (a transposed convolution: input
    elements x (output channels / groups) x taps);
  - convolution_backward: the same product once for each gradient it computes (input, weight; its
    output_mask), so a first layer, whose input needs no gradient, counts forward + weight gradient;
  - mm, addmm: m x k x n; bmm: batch x m x k x n.
Everything happens once per iteration as it is executed: the 7 PGD steps of an adversarial step, the feedback
passes of CNN-F, ConvNorm's full (padding k-1) convolution. Fourier transforms, normalisation, pooling,
element-wise work and the optimiser are not counted. Prints 'NAME<TAB>GFLOP' per row.

Usage: printf 'resnet18 conv|pnn_torch.py conv --model resnet18 --input 3x32x32 --batch-size 32\\n' |
       /usr/bin/python3 bench/flops.py
"""
import importlib
import math
import os
import shlex
import sys

import torch
from torch.utils._python_dispatch import TorchDispatchMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

aten = torch.ops.aten


def conv_macs(out_or_grad, inp, weight, transposed):
    taps = math.prod(weight.shape[2:])
    return (inp.numel() if transposed else out_or_grad.numel()) * weight.shape[1] * taps


class MacCounter(TorchDispatchMode):
    """Counts the multiply-adds of the convolutions and matrix products dispatched while it is active."""

    def __init__(self):
        super().__init__()
        self.macs = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        packet = func.overloadpacket
        if packet is aten.convolution:
            self.macs += conv_macs(out, args[0], args[1], args[6])
        elif packet is aten.convolution_backward:
            grad_out, inp, weight, transposed, mask = args[0], args[1], args[2], args[7], args[10]
            self.macs += conv_macs(grad_out, inp, weight, transposed) * (int(mask[0]) + int(mask[1]))
        elif packet in (aten.mm, aten.addmm):
            a, b = (args[0], args[1]) if packet is aten.mm else (args[1], args[2])
            self.macs += a.shape[0] * a.shape[1] * b.shape[1]
        elif packet is aten.bmm:
            self.macs += args[0].shape[0] * args[0].shape[1] * args[0].shape[2] * args[1].shape[2]
        return out


def row_gflop(script_and_args):
    words = shlex.split(script_and_args)
    module = importlib.import_module(os.path.splitext(os.path.basename(words[0]))[0])
    step = module.training_step(words[1:])
    step()
    counter = MacCounter()
    with counter:
        step()
    return 2 * counter.macs / 1e9


def main():
    torch.set_num_threads(2)
    for line in sys.stdin:
        if line.strip():
            name, command = line.rstrip("\n").split("|", 1)
            print(f"{name}\t{row_gflop(command):.4f}", flush=True)


if __name__ == "__main__":
    main()
