#!/usr/bin/env bash
# Issue #14 scoreboard: PNN Lab against PyTorch on this CPU, one run, 2 threads each side, float32, batch 64.
# Rows: training steps of lenet (1x28x28) and cifarnet (3x32x32) with 3x3 conv slots and with perturbation slots
# (nmasks 1 and 8) -- pnn bench vs bench/pnn_torch.py; forward+backward of one conv3x3+BN layer and one ConvNorm
# layer (both without activation) at 64x64x32x32 and 64x128x16x16 -- pnn bench-layer vs bench/convnorm_torch.py.
# The two sides run interleaved, row by row, ROUNDS times (the side that goes first alternates), each with a
# fixed warm-up and iteration count; the table shows the median over the rounds of each side's median
# ms/iteration, and speed = torch ms / pnn ms (> 1: pnn is faster). The machine's float32 GEMM peak on 2 threads
# is measured on both sides (bench/GemmPeak.java, torch.mm; fastest of 20 1024^3 products, best of the rounds); %peak = FLOPs of the convolutions and linear layers
# (bench/flops.py) / time / that side's peak.
# Usage: bench/compare-all.sh [rounds=3] [iterations=12] [warmup=4]   (about 8 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"; IT="${2:-12}"; WU="${3:-4}"
PY=/usr/bin/python3
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE
./pnn list >/dev/null   # builds the jar first if the sources are newer
# a private copy of the jar and of the project's own jars in lib/ (the others are linked), so that a rebuild
# during the run cannot change what is measured
SNAP=$(mktemp -d); LOG=$(mktemp); trap 'rm -rf "$LOG" "$SNAP"' EXIT
JAR="$SNAP/pnn-experiments.jar"; mkdir "$SNAP/lib"
cp pnn-experiments/target/pnn-experiments.jar "$JAR"
for f in pnn-experiments/target/lib/*.jar; do
  case "$(basename "$f")" in pnn-*) cp "$f" "$SNAP/lib/" ;; *) ln -s "$PWD/$f" "$SNAP/lib/" ;; esac
done
pnn() { MALLOC_ARENA_MAX=2 java -jar "$JAR" "$@"; }   # what ./pnn runs
ms() { sed -n 's/.*median \([0-9.]*\) ms\/iteration.*/\1/p' | tail -1; }

# name | pnn bench arguments | bench/pnn_torch.py arguments
MODELS=(
  "lenet conv|mnist-lenet-conv|conv"
  "lenet perturb nmasks 1|mnist-lenet-perturb|perturb --nmasks 1"
  "lenet perturb nmasks 8|mnist-lenet-perturb --layer-opt nmasks=8|perturb --nmasks 8"
  "cifarnet conv|mnist-lenet-conv --model cifarnet --input 3x32x32|conv --model cifarnet --input 3x32x32"
  "cifarnet perturb nmasks 1|mnist-lenet-perturb --model cifarnet --input 3x32x32|perturb --model cifarnet --input 3x32x32 --nmasks 1"
  "cifarnet perturb nmasks 8|mnist-lenet-perturb --model cifarnet --input 3x32x32 --layer-opt nmasks=8|perturb --model cifarnet --input 3x32x32 --nmasks 8"
)
pnn_model() { echo "$1|pnn|$(pnn bench $2 --warmup "$WU" --iterations "$IT" 2>/dev/null | ms)" >>"$LOG"; }
torch_model() { echo "$1|torch|$($PY bench/pnn_torch.py $2 --warmup "$WU" --iterations "$IT" 2>/dev/null | ms)" >>"$LOG"; }
# layer JSON lines -> "layer NxCxHxW|side|ms"
layer_rows() { $PY -c '
import json, sys
names = {"conv": "conv+BN", "conv_bn": "conv+BN", "convnorm": "ConvNorm"}
for l in sys.stdin:
    if l.startswith("{"):
        d = json.loads(l)
        print(names[d["layer"]] + " " + "x".join(map(str, d["shape"])) + "|" + sys.argv[1] + "|" + str(d["median_ms"]))' "$1" >>"$LOG"; }
pnn_layers() { pnn bench-layer --layer conv --layer convnorm --layer-opt act=identity --shape 64,64,32,32 \
  --shape 64,128,16,16 --warmup "$WU" --iterations "$IT" 2>/dev/null | layer_rows pnn; }
torch_layers() { $PY bench/convnorm_torch.py --threads 2 --layer both --shape 64,64,32,32 --shape 64,128,16,16 \
  --warmup "$WU" --iters "$IT" 2>/dev/null | layer_rows torch; }

peak_pnn() { java -cp "$JAR:$SNAP/lib/*" bench/GemmPeak.java 1024 20 2>/dev/null | sed -n 's/.*"gflops": \([0-9.]*\).*/\1/p'; }
peak_torch() { $PY -c '
import time, torch
torch.set_num_threads(2); n = 1024
a, b, c = torch.rand(n, n), torch.rand(n, n), torch.empty(n, n)
for _ in range(5): torch.mm(a, b, out=c)
t = []
for _ in range(20):
    t0 = time.perf_counter(); torch.mm(a, b, out=c); t.append(time.perf_counter() - t0)
print(f"{2 * n ** 3 / min(t) / 1e9:.1f}")'; }
maxf() { awk -v a="$1" -v b="$2" 'BEGIN{print (a + 0 > b + 0) ? a : b}'; }
PEAK_PNN=0; PEAK_TORCH=0
start=$(date +%s)
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+dirty') on $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); rounds $ROUNDS, warm-up $WU, iterations $IT"
for r in $(seq 1 "$ROUNDS"); do
  for m in "${MODELS[@]}"; do
    IFS='|' read -r name p t <<<"$m"
    if (( r % 2 )); then pnn_model "$name" "$p"; torch_model "$name" "$t"
    else torch_model "$name" "$t"; pnn_model "$name" "$p"; fi
  done
  if (( r % 2 )); then pnn_layers; torch_layers; else torch_layers; pnn_layers; fi
  PEAK_PNN=$(maxf "$PEAK_PNN" "$(peak_pnn)"); PEAK_TORCH=$(maxf "$PEAK_TORCH" "$(peak_torch)")   # the best of the rounds
  echo "# round $r done at +$(( $(date +%s) - start )) s" >&2
done
$PY bench/flops.py >"$LOG.flops"
$PY - "$LOG" "$LOG.flops" "$PEAK_PNN" "$PEAK_TORCH" <<'PYEOF'
import statistics, sys
log, flops_file, peak_pnn, peak_torch = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
keys = {"lenet conv": "lenet-conv-1", "lenet perturb nmasks 1": "lenet-perturb-1", "lenet perturb nmasks 8": "lenet-perturb-8",
        "cifarnet conv": "cifarnet-conv-1", "cifarnet perturb nmasks 1": "cifarnet-perturb-1",
        "cifarnet perturb nmasks 8": "cifarnet-perturb-8", "conv+BN 64x64x32x32": "convbn-64,64,32,32",
        "conv+BN 64x128x16x16": "convbn-64,128,16,16"}
gflop = dict((l.split()[0], float(l.split()[1])) for l in open(flops_file))
rows, order = {}, []
for line in open(log):
    name, side, v = line.strip().split("|")
    if name not in rows:
        rows[name] = {"pnn": [], "torch": []}
        order.append(name)
    if v:
        rows[name][side].append(float(v))
print(f"GEMM float32 peak, 2 threads, 1024^3: pnn (ND4J) {peak_pnn:.1f} GFLOP/s, torch {peak_torch:.1f} GFLOP/s")
print(f"{'row':28s} {'pnn ms':>9s} {'torch ms':>9s} {'speed':>6s} {'pnn img/s':>9s} {'torch img/s':>11s} {'pnn %pk':>7s} {'torch %pk':>9s}  per-round speed")
for name in order:
    p, t = rows[name]["pnn"], rows[name]["torch"]
    if not p or not t:
        print(f"{name:28s} missing: pnn {p} torch {t}")
        continue
    pm, tm = statistics.median(p), statistics.median(t)
    f = gflop.get(keys.get(name, ""))
    pk = lambda ms, peak: f"{100 * f / (ms / 1000) / peak:.0f}%" if f else "-"
    per = " ".join(f"{b / a:.2f}" for a, b in zip(p, t))
    print(f"{name:28s} {pm:9.1f} {tm:9.1f} {tm / pm:6.2f} {64000 / pm:9.0f} {64000 / tm:11.0f} {pk(pm, peak_pnn):>7s} {pk(tm, peak_torch):>9s}  {per}")
PYEOF
rm -f "$LOG.flops"
echo "# total $(( $(date +%s) - start )) s"
