#!/usr/bin/env bash
# One PGD-7 adversarial training step of the Fashion-MNIST CNN-F (and of the same network without feedback) in
# PNN Lab (pnn bench fmnist-cnnf-adv / fmnist-cnn-adv) and in PyTorch (bench/cnnf_torch.py), same batch,
# 2 threads each, one after the other. Usage: bench/cnnf_compare.sh [batch] [iterations]
# Set TORCH_BLAS_DIR to a folder whose libblas.so.3 is an optimised BLAS (e.g. OpenBLAS) to give PyTorch one;
# Debian's python3-torch otherwise uses whatever libblas.so.3 the system selects.
set -euo pipefail
cd "$(dirname "$0")/.."
B="${1:-128}"
IT="${2:-5}"
PY=/usr/bin/python3
printf '%-8s %12s %12s %8s\n' "network" "pnn img/s" "torch img/s" "ratio"
for v in cnnf cnn; do
  p=$(./pnn bench "fmnist-$v-adv" --batch-size "$B" --warmup 2 --iterations "$IT" 2>/dev/null \
      | sed -n 's/.*= \([0-9.]*\) images\/s.*/\1/p' | tail -1)
  t=$(env ${TORCH_BLAS_DIR:+LD_LIBRARY_PATH=$TORCH_BLAS_DIR} OPENBLAS_NUM_THREADS=2 \
      $PY bench/cnnf_torch.py --variant "$v" --batch "$B" --warmup 2 --iters "$IT" 2>/dev/null \
      | sed -n 's/.*images\/s=\([0-9.]*\).*/\1/p' | tail -1)
  printf '%-8s %12s %12s %8s\n' "$v" "$p" "$t" "$(awk -v a="$p" -v b="$t" 'BEGIN{printf "%.2f", a/b}')"
done
