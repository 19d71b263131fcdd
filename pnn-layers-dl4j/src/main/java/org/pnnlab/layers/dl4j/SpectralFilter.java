package org.pnnlab.layers.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel multiplication in the 2-D discrete Fourier domain of real maps, {@code z = IDFT2(DFT2(y) ⊙ V)},
 * done with dense DFT matrices and matrix products (BLAS) instead of an FFT.
 *
 * <p>Why matrices: the grids are small and of any size (34, 18, 10, 6, 9… — a ConvNorm layer's grid is its input
 * plus k−1), the products run at the BLAS's full speed, no per-element Java code and no extra library are needed,
 * and the same code serves float32 and float64. For an {@code n×m} grid one application costs about
 * {@code 4·n·m·(n + m)} multiply-adds per map.
 *
 * <p>Layout: every stage contracts the last axis of a 2-D view, using the BLAS's transpose flags, so no array is
 * ever permuted. For maps {@code x [B, rows, cols]}:
 * <ol>
 *   <li>width DFT (half spectrum, {@code bins = m/2 + 1}): {@code Ar = Cwᵀ·xᵀ}, {@code Ai = Swᵀ·xᵀ}, each
 *       {@code [bins, B·rows]}, i.e. {@code [bins, B, rows]};</li>
 *   <li>height DFT (complex): {@code Yr = Ar·Hc + Ai·Hs}, {@code Yi = Ai·Hc − Ar·Hs}, {@code [bins, B, n]};</li>
 *   <li>multiplication by V (real, per channel, broadcast over the batch);</li>
 *   <li>height inverse to the output rows and width complex-to-real inverse to the output columns, the last
 *       product written straight into {@code [B, rows', cols']} (bins strictly between 0 and m/2 count twice;
 *       the imaginary parts of the self-conjugate bins drop out).</li>
 * </ol>
 *
 * <p>Sparse inputs and outputs: the input and output positions are lists of grid rows and columns, so a crop and
 * subsampling of the output (ConvNorm's stride) costs nothing extra, and the transposed operator — a sparse input
 * scattered on the grid — is the same routine with the lists swapped. V is real and even on the full spectrum, so
 * the operator is self-adjoint on the grid: the backward pass of a layer that applies it is this class applied to
 * the gradient with input and output positions exchanged.
 */
public final class SpectralFilter {
    private final int gridH;
    private final int gridW;
    private final int bins;
    private final DataType type;
    private final java.util.Map<String, INDArray> scratch = new java.util.HashMap<>();

    /** A filter on an {@code gridH × gridW} grid for arrays of the given type. */
    public SpectralFilter(int gridH, int gridW, DataType type) {
        this.gridH = gridH;
        this.gridW = gridW;
        this.bins = gridW / 2 + 1;
        this.type = type;
    }

    public int gridH() {
        return gridH;
    }

    public int gridW() {
        return gridW;
    }

    /** Frequencies kept along the width: {@code gridW / 2 + 1}. */
    public int bins() {
        return bins;
    }

    /** Positions 0 … n−1. */
    public static int[] range(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    /** Positions {@code from, from + step, …} below {@code end}. */
    public static int[] strided(int from, int end, int step) {
        int n = Math.max(0, (end - from + step - 1) / step);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = from + i * step;
        return p;
    }

    private static double angle(long pos, long freq, int size) {
        return 2 * Math.PI * ((pos * freq) % size) / size;
    }

    /** The DFT matrices from input positions to output positions. */
    public record Plan(int inRows, int inCols, int outRows, int outCols, INDArray cw, INDArray sw, INDArray hc,
                       INDArray hs, INDArray gc, INDArray gs, INDArray ir, INDArray ii) {
    }

    /** Matrices for maps given at {@code inRows × inCols} of the grid, filtered values wanted at {@code outRows × outCols}. */
    public Plan plan(int[] inRows, int[] inCols, int[] outRows, int[] outCols) {
        double[][] cw = new double[inCols.length][bins];
        double[][] sw = new double[inCols.length][bins];
        for (int b = 0; b < inCols.length; b++) {
            for (int q = 0; q < bins; q++) {
                double t = angle(inCols[b], q, gridW);
                cw[b][q] = Math.cos(t);
                sw[b][q] = -Math.sin(t);
            }
        }
        double[][] hc = new double[inRows.length][gridH];
        double[][] hs = new double[inRows.length][gridH];
        for (int a = 0; a < inRows.length; a++) {
            for (int u = 0; u < gridH; u++) {
                double t = angle(inRows[a], u, gridH);
                hc[a][u] = Math.cos(t);
                hs[a][u] = Math.sin(t);
            }
        }
        double[][] gc = new double[gridH][outRows.length];
        double[][] gs = new double[gridH][outRows.length];
        for (int u = 0; u < gridH; u++) {
            for (int a = 0; a < outRows.length; a++) {
                double t = angle(outRows[a], u, gridH);
                gc[u][a] = Math.cos(t) / gridH;
                gs[u][a] = Math.sin(t) / gridH;
            }
        }
        double[][] ir = new double[bins][outCols.length];
        double[][] ii = new double[bins][outCols.length];
        for (int q = 0; q < bins; q++) {
            double weight = (q == 0 || 2 * q == gridW) ? 1 : 2;
            for (int j = 0; j < outCols.length; j++) {
                double t = angle(outCols[j], q, gridW);
                ir[q][j] = weight * Math.cos(t) / gridW;
                ii[q][j] = -weight * Math.sin(t) / gridW;
            }
        }
        return new Plan(inRows.length, inCols.length, outRows.length, outCols.length, matrix(cw), matrix(sw),
                matrix(hc), matrix(hs), matrix(gc), matrix(gs), matrix(ir), matrix(ii));
    }

    private INDArray matrix(double[][] m) {
        return Nd4j.createFromArray(m).castTo(type).dup('c');
    }

    /**
     * A working array kept between calls (by name and shape), outside any workspace: ND4J frees arrays only when
     * the garbage collector runs, so fresh ones cost a page fault per 4 KiB on every call (about 5 ms per 10 MB
     * here, more than the products themselves). Not thread-safe, like the layers that use it.
     */
    INDArray scratch(String name, long... shape) {
        String key = name + java.util.Arrays.toString(shape);
        INDArray a = scratch.get(key);
        if (a == null) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                a = Nd4j.createUninitialized(type, shape);
            }
            if (scratch.size() > 64) scratch.clear(); // many batch sizes: start over rather than grow without bound
            scratch.put(key, a);
        }
        return a;
    }

    /** {@code c = α·op(a)·op(b) + β·c}. */
    private static void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
        Nd4j.gemm(a, b, c, ta, tb, alpha, beta);
    }

    /**
     * The half spectrum of maps {@code x [B, inRows, inCols]} (c order): real and imaginary parts, each
     * {@code [bins, B, gridH]} (c order).
     */
    public INDArray[] forward(Plan p, INDArray x) {
        long b = x.size(0);
        INDArray x2 = x.reshape('c', b * p.inRows(), p.inCols());
        INDArray ar = scratch("ar", bins, b * p.inRows());
        INDArray ai = scratch("ai", bins, b * p.inRows());
        gemm(p.cw(), x2, ar, true, true, 1, 0);
        gemm(p.sw(), x2, ai, true, true, 1, 0);
        INDArray ar2 = ar.reshape('c', bins * b, p.inRows());
        INDArray ai2 = ai.reshape('c', bins * b, p.inRows());
        INDArray yr = scratch("yr", bins * b, gridH);
        INDArray yi = scratch("yi", bins * b, gridH);
        gemm(ar2, p.hc(), yr, false, false, 1, 0);
        gemm(ai2, p.hs(), yr, false, false, 1, 1);
        gemm(ai2, p.hc(), yi, false, false, 1, 0);
        gemm(ar2, p.hs(), yi, false, false, -1, 1);
        return new INDArray[] {yr.reshape('c', bins, b, gridH), yi.reshape('c', bins, b, gridH)};
    }

    /**
     * The maps at the plan's output positions from a half spectrum (as {@link #forward} gives it), written into
     * {@code out [B, rows, cols]} (c order).
     */
    public INDArray inverse(Plan p, INDArray[] spectrum, INDArray out) {
        long b = spectrum[0].size(1);
        INDArray yr = spectrum[0].reshape('c', bins * b, gridH);
        INDArray yi = spectrum[1].reshape('c', bins * b, gridH);
        INDArray zr = scratch("zr", bins * b, p.outRows());
        INDArray zi = scratch("zi", bins * b, p.outRows());
        gemm(yr, p.gc(), zr, false, false, 1, 0);
        gemm(yi, p.gs(), zr, false, false, -1, 1);
        gemm(yi, p.gc(), zi, false, false, 1, 0);
        gemm(yr, p.gs(), zi, false, false, 1, 1);
        INDArray o2 = out.reshape('c', b * p.outRows(), p.outCols());
        gemm(zr.reshape('c', bins, b * p.outRows()), p.ir(), o2, true, false, 1, 0);
        gemm(zi.reshape('c', bins, b * p.outRows()), p.ii(), o2, true, false, 1, 1);
        return out;
    }

    /** A normaliser {@code v [C, gridH, bins]} in the layout the multiplication broadcasts: {@code [bins, 1, C, gridH]}. */
    public INDArray spectralLayout(INDArray v) {
        return v.permute(2, 0, 1).dup('c').reshape('c', bins, 1, v.size(0), gridH);
    }

    /** Multiplies a spectrum of {@code n·C} maps in place by a normaliser in {@link #spectralLayout}. */
    public void multiply(INDArray[] spectrum, INDArray vLayout, long n) {
        long c = vLayout.size(2);
        for (INDArray s : spectrum) {
            INDArray s4 = s.reshape('c', bins, n, c, gridH);
            Nd4j.exec(DynamicCustomOp.builder("multiply").addInputs(s4, vLayout).addOutputs(s4).build());
        }
    }

    /** Filters maps {@code x [n·C, inRows, inCols]} by {@code v [C, gridH, bins]}; returns {@code [n·C, outRows, outCols]}. */
    public INDArray apply(Plan p, INDArray x, INDArray v, long n) {
        return apply(p, x, v, n, Nd4j.createUninitialized(type, x.size(0), p.outRows(), p.outCols()));
    }

    /** As {@link #apply(Plan, INDArray, INDArray, long)}, into {@code out [n·C, outRows, outCols]} (c order). */
    public INDArray apply(Plan p, INDArray x, INDArray v, long n, INDArray out) {
        INDArray[] spec = forward(p, x);
        multiply(spec, spectralLayout(v), n);
        return inverse(p, spec, out);
    }

    /**
     * Σ over input channels of |DFT2|² of kernels zero-padded to the grid: {@code w [O, I, k, k]} gives
     * {@code [O, gridH, bins]}. The taps sit at grid positions 0 … k−1; only the magnitude is used, so where
     * they sit does not matter.
     */
    public INDArray kernelPower(INDArray w) {
        long o = w.size(0);
        long i = w.size(1);
        int kh = (int) w.size(2);
        int kw = (int) w.size(3);
        Plan p = plan(range(kh), range(kw), new int[] {0}, new int[] {0}); // only the forward half is used
        INDArray[] spec = forward(p, w.reshape('c', o * i, kh, kw).dup('c').castTo(type));
        INDArray power = spec[0].mul(spec[0]).addi(spec[1].mul(spec[1]));            // [bins, O·I, H]
        return power.reshape('c', bins, o, i, gridH).sum(2).permute(1, 2, 0).dup('c'); // [O, H, bins]
    }
}
