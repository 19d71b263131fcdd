# Environment for the native libraries (OpenBLAS, OpenMP, glibc malloc), sourced by ./pnn and by
# bench/compare-all.sh (which gives the PyTorch side the same BLAS settings). Each value is kept when already set.

# ND4J's OpenMP threads spin while they wait by default; on a 2-core machine with any other busy process
# that makes a training step ~10x slower (measured: 1.49 s instead of 0.13 s). Passive waiting costs
# nothing measurable on an idle machine.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# ND4J frees native buffers when the garbage collector collects their arrays; pnn collects when the resident
# size passes a quarter of the memory. With glibc's default of one malloc arena per thread the freed memory was
# scattered over many arenas and the resident size kept growing (an attack on a small network reached 18 GB and
# was killed); with two arenas it is reused and stays near the limit. (A fixed MALLOC_MMAP_THRESHOLD_ also bounds
# it, but the page faults of fresh mappings made adversarial training 40% slower.)
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# OpenBLAS (ND4J's 0.3.19 and Debian's, which torch uses) does not know recent Intel models and falls back to its
# generic SSE3 kernel ("Prescott"): float32 GEMM at about half of what the AVX-512 kernel does on the same CPU
# (2 threads, 2048^2: 27.5 vs 55.7 GFLOP/s measured under load). On a CPU with the AVX-512 subsets that kernel
# needs, name it.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -q -w avx512bw /proc/cpuinfo 2>/dev/null \
   && grep -q -w avx512vl /proc/cpuinfo 2>/dev/null && grep -q -w avx512dq /proc/cpuinfo 2>/dev/null; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
