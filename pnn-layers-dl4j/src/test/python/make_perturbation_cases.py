#!/usr/bin/env python3
"""Writes perturbation-layer test cases in the golden-case format (float64 .npy + case.json) from an
independent PyTorch implementation of spec/PERTURBATION.md sections 1.1-1.3 and 1.6 (written for this project,
not the reference code). The cases cover what the shared golden set leaves thin: training-mode batch norm after
the perturbation (batch statistics, running-statistic update) combined with mix_maps, lrelu, fan-out 2 and with
trainable masks, on inputs whose channel means are large against their spread (where an uncentred batch-norm
backward loses digits).

Usage: /usr/bin/python3 make_perturbation_cases.py OUT_DIR    (writes OUT_DIR/case-*/)
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

ACTS = {"relu": F.relu, "lrelu": lambda t: F.leaky_relu(t, 0.01), "tanh": torch.tanh, "elu": F.elu, "selu": F.selu,
        "sigmoid": torch.sigmoid}


def bn_train(v, gamma, beta, rmean, rvar):
    """Training-mode batch norm (biased variance to normalise, unbiased into the running variance)."""
    out = F.batch_norm(v, rmean, rvar, gamma, beta, training=True, momentum=0.1, eps=1e-5)
    return out


def make(out_dir, name, description, seed, n, cin, cout, size, nmasks, level, act, unique, mix, train_masks,
         offset, mode="train"):
    g_ = torch.Generator().manual_seed(seed)
    rnd = lambda *s: torch.randn(*s, generator=g_)
    uni = lambda lo, hi, *s: lo + (hi - lo) * torch.rand(*s, generator=g_)
    cn = cin if unique else 1
    groups = cin if nmasks != 1 else 1
    # the input sits far from zero: channel means of the pre-activation are large against their spread
    x = (offset + rnd(n, cin, size, size)).requires_grad_(True)
    noise = uni(-1, 1, 1, cn, nmasks, size, size).requires_grad_(train_masks)
    w = (rnd(cout, cin * nmasks // groups, 1, 1) * np.sqrt(2.0 / cout)).requires_grad_(True)
    b = uni(-1, 1, cout).requires_grad_(True)
    gamma = uni(0.5, 1.5, cout).requires_grad_(True)
    beta = uni(-0.5, 0.5, cout).requires_grad_(True)
    rmean, rvar = uni(-1, 1, cout), uni(0.5, 2, cout)
    params = {"noise": noise, "layers.0.weight": w, "layers.0.bias": b, "layers.1.weight": gamma,
              "layers.1.bias": beta}
    files = {"noise": "noise.npy", "layers.0.weight": "conv_weight.npy", "layers.0.bias": "conv_bias.npy",
             "layers.1.weight": "bn_weight.npy", "layers.1.bias": "bn_bias.npy",
             "layers.1.running_mean": "bn_running_mean.npy", "layers.1.running_var": "bn_running_var.npy"}
    before = {"bn_running_mean.npy": rmean.clone(), "bn_running_var.npy": rvar.clone()}
    if mix:
        mw = (rnd(cout, cout, 1, 1) * np.sqrt(2.0 / cout)).requires_grad_(True)
        mb = uni(-1, 1, cout).requires_grad_(True)
        mgamma = uni(0.5, 1.5, cout).requires_grad_(True)
        mbeta = uni(-0.5, 0.5, cout).requires_grad_(True)
        mrmean, mrvar = uni(-1, 1, cout), uni(0.5, 2, cout)
        params.update({"mix_layers.0.weight": mw, "mix_layers.0.bias": mb, "mix_layers.1.weight": mgamma,
                       "mix_layers.1.bias": mbeta})
        files.update({"mix_layers.0.weight": "mix_conv_weight.npy", "mix_layers.0.bias": "mix_conv_bias.npy",
                      "mix_layers.1.weight": "mix_bn_weight.npy", "mix_layers.1.bias": "mix_bn_bias.npy",
                      "mix_layers.1.running_mean": "mix_bn_running_mean.npy",
                      "mix_layers.1.running_var": "mix_bn_running_var.npy"})
        before.update({"mix_bn_running_mean.npy": mrmean.clone(), "mix_bn_running_var.npy": mrvar.clone()})
    f = ACTS[act]
    training = mode == "train"
    # spec 1.3: perturb, act, flatten (c*M + m), (grouped) 1x1 conv, BN, act, optional mix conv + BN + act
    z = x.unsqueeze(2) + level * noise
    z = f(z).reshape(n, cin * nmasks, size, size)
    v = F.conv2d(z, w, b, groups=groups)
    v = f(F.batch_norm(v, rmean, rvar, gamma, beta, training=training, momentum=0.1, eps=1e-5))
    if mix:
        v = F.conv2d(v, mw, mb)
        v = f(F.batch_norm(v, mrmean, mrvar, mgamma, mbeta, training=training, momentum=0.1, eps=1e-5))
    y = v
    gup = rnd(*y.shape)
    (y * gup).sum().backward()

    d = os.path.join(out_dir, "case-" + name)
    os.makedirs(d, exist_ok=True)
    arrays = {"x.npy": x.detach(), "y.npy": y.detach(), "g.npy": gup, "dx.npy": x.grad}
    for key, t in params.items():
        arrays[files[key]] = t.detach()
    arrays.update(before)
    grads = {}
    for key, t in params.items():
        if t.grad is not None:
            grads[key] = "grad_" + files[key]
            arrays["grad_" + files[key]] = t.grad
    if training:
        arrays["bn_running_mean_after.npy"] = rmean
        arrays["bn_running_var_after.npy"] = rvar
    for fn, t in arrays.items():
        np.save(os.path.join(d, fn), t.numpy().astype(np.float64))
    case = {
        "case": name, "description": description, "kind": "perturbation-layer",
        "made_by": "pnn-layers-dl4j/src/test/python/make_perturbation_cases.py (PyTorch, float64, seed %d)" % seed,
        "constructor": {"in_channels": cin, "out_channels": cout, "nmasks": nmasks, "level": level,
                        "filter_size": 0, "use_act": True, "act": act, "unique_masks": unique, "mix_maps": mix,
                        "train_masks": train_masks, "noise_type": "uniform", "input_size": size, "stride": 1,
                        "debug": False},
        "mode": mode, "batchnorm": {"eps": 1e-5, "momentum": 0.1}, "dtype": "float64",
        "loss": "L = sum(y * g)",
        "files": {fn: {"shape": list(t.shape)} for fn, t in sorted(arrays.items())},
        "reference_param_to_file": files, "reference_param_to_grad_file": grads,
    }
    with open(os.path.join(d, "case.json"), "w") as fh:
        json.dump(case, fh, indent=1)


def main():
    out = sys.argv[1]
    make(out, "train-mixmaps-lrelu-fanout2", "training-mode BN, mix_maps, lrelu, fan-out 2, unique masks, "
         "inputs offset by 40", seed=11, n=3, cin=4, cout=8, size=6, nmasks=2, level=0.5, act="lrelu",
         unique=True, mix=True, train_masks=False, offset=40.0)
    make(out, "train-masks-shared-nmasks1", "training-mode BN, trainable shared masks, nmasks 1 (dense 1x1), "
         "inputs offset by 100", seed=12, n=4, cin=3, cout=5, size=5, nmasks=1, level=0.5, act="relu",
         unique=False, mix=False, train_masks=True, offset=100.0)
    make(out, "train-masks-unique-fanout3-tanh", "training-mode BN, trainable unique masks, fan-out 3, tanh, "
         "mix_maps, inputs offset by 5", seed=13, n=2, cin=2, cout=6, size=4, nmasks=3, level=1.0, act="tanh",
         unique=True, mix=True, train_masks=True, offset=5.0)


if __name__ == "__main__":
    main()
