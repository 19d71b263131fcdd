#!/usr/bin/env bash
# Issue #14 scoreboard: PNN Lab against PyTorch on this CPU, one run, 2 threads each side, float32.
# Rows (ROWS below): training steps of lenet and cifarnet (conv slots, perturbation slots with nmasks 1 and 8;
# Adam, batch 64), ResNet-18 on 3x32x32 (conv + BN; SGD momentum as cifar10-convnorm, batch 32), ConvNorm's
# simple CNN on 3x32x32 (conv + BN and ConvNorm slots; SGD momentum as fmnist-convnorm, batch 128), the CNN-F
# PGD-7 adversarial step and the same network without feedback (batch 128) -- pnn bench vs bench/pnn_torch.py
# and bench/cnnf_torch.py; forward + backward of one conv3x3+BN layer and one ConvNorm layer (no activation) at
# 64x64x32x32 and 64x128x16x16 -- pnn bench-layer vs bench/convnorm_torch.py.
# Both sides of a row run one after the other (the side that goes first alternates by round), ROUNDS times,
# each with the row's fixed warm-up and iteration counts (the same on both sides). Every model row checks that
# both networks have the same trainable parameter count and stops with an error if they differ.
# Table: the median over the rounds of each side's median ms/iteration; speed = torch ms / pnn ms (> 1: pnn is
# faster); img/s = batch / ms; %peak = FLOPs of one iteration (bench/flops.py: convolutions and matrix
# products, forward and backward, counted once) / time / the machine's float32 GEMM peak on 2 threads -- the
# best rate of any route, best of the rounds: ND4J's BLAS (bench/GemmPeak.java), torch.mm (torch's BLAS) and
# oneDNN through torch (bench/gemm_peak.py), square 2048 and 4096 products.
# Usage: bench/compare-all.sh [--quick] [rounds=3] [iterations] [warmup]
#   iterations / warmup, when given, replace every row's own counts; --quick: one row of each kind, 1 round.
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
if [ "${1:-}" = --quick ]; then QUICK=1; shift; fi
case "${1:-}${2:-}${3:-}" in *[!0-9]*) echo "usage: bench/compare-all.sh [--quick] [rounds] [iterations] [warmup] (whole numbers)" >&2; exit 2 ;; esac
ROUNDS="${1:-$(( QUICK ? 1 : 3 ))}"; IT_ALL="${2:-}"; WU_ALL="${3:-}"
PY=/usr/bin/python3
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
. etc/native-env.sh   # the same native settings as ./pnn, for both sides (PyTorch's OpenBLAS included)
./pnn list >/dev/null   # builds the jar first if the sources are newer
# a private copy of the jar and of the project's own jars in lib/ (the others are linked), so that a rebuild
# during the run cannot change what is measured
SNAP=$(mktemp -d); LOG=$(mktemp); trap 'rm -rf "$LOG" "$LOG".* "$SNAP"' EXIT
JAR="$SNAP/pnn-experiments.jar"; mkdir "$SNAP/lib"
cp pnn-experiments/target/pnn-experiments.jar "$JAR"
for f in pnn-experiments/target/lib/*.jar; do
  case "$(basename "$f")" in pnn-*) cp "$f" "$SNAP/lib/" ;; *) ln -s "$PWD/$f" "$SNAP/lib/" ;; esac
done
pnn() { MALLOC_ARENA_MAX=2 java -jar "$JAR" "$@"; }   # what ./pnn runs

# name | batch | warm-up | iterations | quick | pnn arguments | bench/ script and arguments
# Warm-up: ND4J's JIT-compiled Java code reaches its steady speed after about 20 training steps of a small
# network; a CNN-F step runs 8 forward and backward passes, a ResNet-18 step 20 convolution slots, so fewer
# steps warm them up as far.
SGD_R18="--optimizer sgd --lr 0.1 --momentum 0.9 --weight-decay 1e-4"
SGD_SCNN="--optimizer sgd --lr 0.05 --momentum 0.9 --weight-decay 1e-4"
ROWS=(
  "lenet conv|64|20|8|1|bench mnist-lenet-conv --batch-size 64|pnn_torch.py conv --batch-size 64"
  "lenet perturb nmasks 1|64|20|8|0|bench mnist-lenet-perturb --batch-size 64|pnn_torch.py perturb --nmasks 1 --batch-size 64"
  "lenet perturb nmasks 8|64|20|8|0|bench mnist-lenet-perturb --layer-opt nmasks=8 --batch-size 64|pnn_torch.py perturb --nmasks 8 --batch-size 64"
  "cifarnet conv|64|20|8|0|bench mnist-lenet-conv --model cifarnet --input 3x32x32 --batch-size 64|pnn_torch.py conv --model cifarnet --input 3x32x32 --batch-size 64"
  "cifarnet perturb nmasks 1|64|20|8|1|bench mnist-lenet-perturb --model cifarnet --input 3x32x32 --batch-size 64|pnn_torch.py perturb --model cifarnet --input 3x32x32 --nmasks 1 --batch-size 64"
  "cifarnet perturb nmasks 8|64|10|5|0|bench mnist-lenet-perturb --model cifarnet --input 3x32x32 --layer-opt nmasks=8 --batch-size 64|pnn_torch.py perturb --model cifarnet --input 3x32x32 --nmasks 8 --batch-size 64"
  "resnet18 conv+BN b32|32|10|5|1|bench cifar10-convnorm --input 3x32x32 --batch-size 32|pnn_torch.py conv --model resnet18 --input 3x32x32 --batch-size 32 $SGD_R18"
  "simple_cnn conv+BN b128|128|20|8|1|bench fmnist-convnorm --input 3x32x32 --layer-opt bias=true --batch-size 128|pnn_torch.py conv --model simple_cnn --input 3x32x32 --batch-size 128 $SGD_SCNN"
  "simple_cnn ConvNorm b128|128|20|8|0|bench fmnist-convnorm --layer convnorm --input 3x32x32 --batch-size 128|pnn_torch.py convnorm --model simple_cnn --input 3x32x32 --batch-size 128 $SGD_SCNN"
  "CNN-F PGD-7 step b128|128|3|3|1|bench fmnist-cnnf-adv --batch-size 128|cnnf_torch.py --variant cnnf --batch-size 128"
  "CNN PGD-7 step b128|128|3|3|0|bench fmnist-cnn-adv --batch-size 128|cnnf_torch.py --variant cnn --batch-size 128"
  "conv+BN 64x64x32x32|64|20|8|1|bench-layer --layer conv --layer-opt act=identity --shape 64,64,32,32|convnorm_torch.py --layer conv_bn --shape 64,64,32,32"
  "ConvNorm 64x64x32x32|64|20|8|1|bench-layer --layer convnorm --layer-opt act=identity --shape 64,64,32,32|convnorm_torch.py --layer convnorm --shape 64,64,32,32"
  "conv+BN 64x128x16x16|64|20|8|0|bench-layer --layer conv --layer-opt act=identity --shape 64,128,16,16|convnorm_torch.py --layer conv_bn --shape 64,128,16,16"
  "ConvNorm 64x128x16x16|64|20|8|0|bench-layer --layer convnorm --layer-opt act=identity --shape 64,128,16,16|convnorm_torch.py --layer convnorm --shape 64,128,16,16"
)
if (( QUICK )); then
  sel=(); for r in "${ROWS[@]}"; do IFS='|' read -r _ _ _ _ q _ _ <<<"$r"; (( q )) && sel+=("$r"); done; ROWS=("${sel[@]}")
fi

# one side of a row -> "name|side|ms|trainable parameters" in the log (ms empty when the side failed)
ms() { sed -n -e 's/.*median \([0-9.]*\) ms\/iteration.*/\1/p' -e 's/.*median_ms=\([0-9.]*\).*/\1/p' \
  -e 's/.*"median_ms": \([0-9.]*\).*/\1/p' <<<"$1" | tail -1; }
params() { sed -n -e 's/.* \([0-9]*\) trainable parameters.*/\1/p' -e 's/.*trainable_parameters=\([0-9]*\).*/\1/p' <<<"$1" | tail -1; }
side() {   # side name wu it args...
  local s="$1" name="$2" wu="$3" it="$4" out; shift 4
  if [ "$s" = pnn ]; then out=$(pnn "$@" --warmup "$wu" --iterations "$it" 2>&1 || true)
  else out=$($PY "bench/$1" "${@:2}" --warmup "$wu" --iterations "$it" 2>&1 || true); fi
  local m; m=$(ms "$out")
  [ -n "$m" ] || echo "# $name: $s side failed: $(tail -2 <<<"$out" | tr '\n' ' ')" >&2
  echo "$name|$s|$m|$(params "$out")" >>"$LOG"
}
check_params() {   # the two sides of a model row must build networks of the same size
  local name="$1" p t
  p=$(grep -F "$name|pnn|" "$LOG" | tail -1 | cut -d'|' -f4); t=$(grep -F "$name|torch|" "$LOG" | tail -1 | cut -d'|' -f4)
  if [ "$p" != "$t" ]; then
    echo "error: row '$name': pnn has ${p:-?} trainable parameters, PyTorch ${t:-?}; the two networks differ --" \
      "fix bench/ so that both build the same network" >&2
    exit 1
  fi
}

peak_pnn() { java -cp "$JAR:$SNAP/lib/*" bench/GemmPeak.java 5 2048 2>/dev/null; }
peak_torch() { $PY bench/gemm_peak.py --threads 2 --reps 5 2>/dev/null; }
start=$(date +%s)
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+dirty') on $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); rounds $ROUNDS, warm-up ${WU_ALL:-per row}, iterations ${IT_ALL:-per row}"
for r in $(seq 1 "$ROUNDS"); do
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name batch wu it _ p t <<<"$row"
    wu="${WU_ALL:-$wu}"; it="${IT_ALL:-$it}"
    # shellcheck disable=SC2086
    if (( r % 2 )); then side pnn "$name" "$wu" "$it" $p; side torch "$name" "$wu" "$it" $t
    else side torch "$name" "$wu" "$it" $t; side pnn "$name" "$wu" "$it" $p; fi
    [[ "$p" == bench-layer* ]] || check_params "$name"
  done
  peak_pnn >>"$LOG.peak"; peak_torch >>"$LOG.peak"
  echo "# round $r done at +$(( $(date +%s) - start )) s" >&2
done
for row in "${ROWS[@]}"; do IFS='|' read -r name _ _ _ _ _ t <<<"$row"; echo "$name|$t"; done \
  | (cd bench && $PY flops.py) >"$LOG.flops"
$PY - "$LOG" "$LOG.flops" "$LOG.peak" "${ROWS[@]}" <<'PYEOF'
import json, statistics, sys
log, flops_file, peak_file, rows = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
order = [r.split("|")[0] for r in rows]
batch = {r.split("|")[0]: int(r.split("|")[1]) for r in rows}
gflop = dict((l.split("\t")[0], float(l.split("\t")[1])) for l in open(flops_file) if "\t" in l)
best, core = {}, "?"
for l in open(peak_file):
    if l.startswith("{"):
        d = json.loads(l)
        key = d["impl"] + (" " + d["route"] if "route" in d else "") + (f" {d['n']}" if d.get("n") not in (None, "best") else "")
        if d.get("n") != "best" and d.get("route") != "best":
            best[key] = max(best.get(key, 0.0), d["gflops"])
        if "openblas_core" in d:
            core = d["openblas_core"]
peak = max(best.values(), default=float("nan"))
times = {n: {"pnn": [], "torch": []} for n in order}
for line in open(log):
    name, side, v, _ = line.rstrip("\n").split("|")
    if v:
        times[name][side].append(float(v))
names = {"pnn": "ND4J gemm", "torch torch.mm": "torch.mm", "torch oneDNN": "oneDNN"}
print("GEMM float32, 2 threads, best of the rounds (GFLOP/s): " + ", ".join(
    f"{names.get(k.rsplit(' ', 1)[0], k)} {k.rsplit(' ', 1)[1]}^2: {v:.1f}" for k, v in best.items())
    + f"; machine peak = {peak:.1f} (torch's OpenBLAS kernel: {core})")
print(f"{'row':26s} {'pnn ms':>9s} {'torch ms':>9s} {'speed':>6s} {'pnn img/s':>9s} {'torch img/s':>11s} "
      f"{'GFLOP':>7s} {'pnn %pk':>7s} {'torch %pk':>9s}  per-round speed")
for name in order:
    p, t = times[name]["pnn"], times[name]["torch"]
    if not p or not t:
        print(f"{name:26s} missing: pnn {p} torch {t}")
        continue
    pm, tm, b, f = statistics.median(p), statistics.median(t), batch[name], gflop.get(name)
    pk = lambda ms: f"{100 * f / (ms / 1000) / peak:.0f}%" if f else "-"
    per = " ".join(f"{y / x:.2f}" for x, y in zip(p, t))
    print(f"{name:26s} {pm:9.1f} {tm:9.1f} {tm / pm:6.2f} {1000 * b / pm:9.0f} {1000 * b / tm:11.0f} "
          f"{f if f else 0:7.2f} {pk(pm):>7s} {pk(tm):>9s}  {per}")
PYEOF
echo "# total $(( $(date +%s) - start )) s"
