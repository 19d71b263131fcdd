#!/usr/bin/env bash
# DL4J (pnn bench) and PyTorch (bench/pnn_torch.py) on the same model, layer options and batch, one after
# the other, both with 2 threads. Usage: bench/compare.sh [iterations]
# Prints images/s of each side and the ratio pnn/torch for lenet (1x28x28) and cifarnet (3x32x32), with
# 3x3 convolutions and with perturbation layers (nmasks 1 and 8).
set -euo pipefail
cd "$(dirname "$0")/.."
IT="${1:-30}"
PY=/usr/bin/python3
rate() { sed -n 's/.*= \([0-9]*\) images\/s.*/\1/p' | tail -1; }
printf '%-34s %10s %10s %8s\n' "configuration" "pnn img/s" "torch img/s" "ratio"
row() { # name, pnn args, torch args
  local p t
  p=$(./pnn bench $2 --iterations "$IT" 2>/dev/null | rate)
  t=$($PY bench/pnn_torch.py $3 --iterations "$IT" 2>/dev/null | rate)
  printf '%-34s %10s %10s %8s\n' "$1" "$p" "$t" "$(awk -v a="$p" -v b="$t" 'BEGIN{printf "%.2f", a/b}')"
}
row "lenet 1x28x28 conv"            "mnist-lenet-conv"                                        "conv"
row "lenet 1x28x28 perturb nmasks 1" "mnist-lenet-perturb"                                     "perturb --nmasks 1"
row "lenet 1x28x28 perturb nmasks 8" "mnist-lenet-perturb --layer-opt nmasks=8"                "perturb --nmasks 8"
row "cifarnet 3x32x32 conv"          "mnist-lenet-conv --model cifarnet --input 3x32x32"       "conv --model cifarnet --input 3x32x32"
row "cifarnet 3x32x32 perturb nmasks 1" "mnist-lenet-perturb --model cifarnet --input 3x32x32" "perturb --model cifarnet --input 3x32x32 --nmasks 1"
row "cifarnet 3x32x32 perturb nmasks 8" "mnist-lenet-perturb --model cifarnet --input 3x32x32 --layer-opt nmasks=8" "perturb --model cifarnet --input 3x32x32 --nmasks 8"
