#!/usr/bin/env bash
# Peak resident memory of a lenet training run, DL4J beside PyTorch: 'pnn run mnist-lenet-conv' (3x3 conv + BN +
# ReLU slots, Adam 1e-3, batch 64) and bench/peak_memory_torch.py (the same model, optimiser, batch size and
# per-epoch test evaluation) each run under /usr/bin/time -v, one after the other, and the two maximum resident
# set sizes are printed. The attacks after training are switched off (--evaluate none): this measures training.
#
# Usage: bench/peak_memory.sh [--epochs N] [--train-limit N]   (defaults: 3 epochs, all 60000 training images)
# MNIST is read from $PNN_DATA/mnist or ~/.pnn/data/mnist ('./pnn run' downloads it there when it is missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
EPOCHS=3
LIMIT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) EPOCHS="$2"; shift 2 ;;
    --train-limit) LIMIT="$2"; shift 2 ;;
    *) echo "error: unknown option '$1'; usage: bench/peak_memory.sh [--epochs N] [--train-limit N]" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing; install it: apt-get install time" >&2; exit 2; }
DATA="${PNN_DATA:-$HOME/.pnn/data}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

max_rss() { sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1"; }

"$ROOT/pnn" list >/dev/null # builds the project first if needed, so that the build is not measured
echo "DL4J: pnn run mnist-lenet-conv --epochs $EPOCHS --train-limit $LIMIT" >&2
/usr/bin/time -v -o "$OUT/dl4j.time" "$ROOT/pnn" run mnist-lenet-conv --epochs "$EPOCHS" --train-limit "$LIMIT" \
  --evaluate none --data-dir "$DATA" --runs-dir "$OUT/runs" >&2
[ -f "$DATA/mnist/train-images-idx3-ubyte" ] || { echo "error: no MNIST IDX files in $DATA/mnist" >&2; exit 2; }
echo "PyTorch: bench/peak_memory_torch.py --epochs $EPOCHS --train-limit $LIMIT" >&2
/usr/bin/time -v -o "$OUT/torch.time" "$PY" "$ROOT/bench/peak_memory_torch.py" "$DATA/mnist" --epochs "$EPOCHS" \
  --train-limit "$LIMIT" >&2

DL4J_KB=$(max_rss "$OUT/dl4j.time")
TORCH_KB=$(max_rss "$OUT/torch.time")
printf 'peak RSS, lenet conv, %s epoch(s), train limit %s (0 = all):\n' "$EPOCHS" "$LIMIT"
printf '  DL4J (pnn run)  %8.1f MiB\n' "$(echo "$DL4J_KB / 1024" | bc -l)"
printf '  PyTorch         %8.1f MiB\n' "$(echo "$TORCH_KB / 1024" | bc -l)"
printf '  ratio DL4J/PyTorch %.2f\n' "$(echo "$DL4J_KB / $TORCH_KB" | bc -l)"
