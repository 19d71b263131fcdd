#!/usr/bin/env bash
# ConvNorm layer forward+backward (train mode) vs plain conv3x3 + BatchNorm, in PyTorch (bench/convnorm_torch.py)
# and in PNN Lab (./pnn bench-layer, if the CLI has it), same shapes, 2 threads each, one after the other.
# Usage: bench/convnorm_compare.sh [iterations]   (iterations apply to the torch side; JAVA_CMD runs as given)
# Set TORCH_BLAS_DIR to a folder whose libblas.so.3 is an optimised BLAS (e.g. OpenBLAS) to give PyTorch one.
set -euo pipefail
cd "$(dirname "$0")/.."
IT="${1:-20}"
PY=/usr/bin/python3
SHAPES=(--shape 64,64,32,32 --shape 64,128,16,16)
# >>> Java side: command for PNN Lab's layer benchmark (override with JAVA_CMD=...) <<<
JAVA_CMD="${JAVA_CMD:-./pnn bench-layer --layer conv --layer convnorm --shape 64,64,32,32 --shape 64,128,16,16}"

echo "== torch (bench/convnorm_torch.py, 2 threads)"
env ${TORCH_BLAS_DIR:+LD_LIBRARY_PATH=$TORCH_BLAS_DIR} OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 \
  $PY bench/convnorm_torch.py --threads 2 "${SHAPES[@]}" --iters "$IT" --warmup 5

echo "== pnn ($JAVA_CMD)"
$JAVA_CMD || echo "(pnn side failed with exit $?: bench-layer not available yet?)"
