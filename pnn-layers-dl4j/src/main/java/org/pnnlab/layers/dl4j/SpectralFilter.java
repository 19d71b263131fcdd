package org.pnnlab.layers.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel multiplication in the 2-D discrete Fourier domain of real maps, {@code z = IDFT2(DFT2(y) ⊙ V)},
 * done with dense DFT matrices and four matrix products instead of an FFT.
 *
 * <p>Why matrices: the grids are small and of any size (34, 18, 10, 6, 9… — a ConvNorm layer's grid is its
 * input plus k−1), the products run in the BLAS at full speed, there is no per-element Java code and no
 * extra library, and the same code serves float32 and float64. For a {@code n×m} grid one application costs
 * about {@code 4·n·m·(n + m)} multiply-adds per map.
 *
 * <p>Layout. The DFT along the width gives the half spectrum, {@code m/2 + 1} bins, as real and imaginary
 * halves side by side ({@code [B·rows, 2·bins]}); the transform along the height is then one real product
 * with a {@code 2n × 2rows} block matrix acting on real and imaginary parts stacked along the rows. The
 * inverse mirrors this and ends with the usual complex-to-real weights (bins strictly between 0 and m/2
 * count twice; the imaginary parts of the self-conjugate bins drop out).
 *
 * <p>Sparse inputs and outputs. The input and output positions are lists of grid rows and columns, so a
 * crop-and-subsample of the output (ConvNorm's stride) costs nothing extra, and the transposed operator —
 * a sparse input scattered on the grid — is the same routine with the lists swapped. Because V is real and
 * even on the full spectrum, the operator is self-adjoint on the grid; the backward pass of a layer that
 * applies it is therefore this class applied to the gradient with input and output positions exchanged.
 */
public final class SpectralFilter {
    private final int gridH;
    private final int gridW;
    private final int bins;
    private final DataType type;

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

    /** Forward DFT along the width at the given columns: {@code [cols, 2·bins]} = (cos | −sin). */
    public INDArray widthForward(int[] cols) {
        double[][] m = new double[cols.length][2 * bins];
        for (int b = 0; b < cols.length; b++) {
            for (int q = 0; q < bins; q++) {
                double t = angle(cols[b], q, gridW);
                m[b][q] = Math.cos(t);
                m[b][bins + q] = -Math.sin(t);
            }
        }
        return Nd4j.createFromArray(m).castTo(type);
    }

    /** Forward DFT along the height from the given rows to every frequency: {@code [2·gridH, 2·rows]}. */
    public INDArray heightForward(int[] rows) {
        int r = rows.length;
        double[][] m = new double[2 * gridH][2 * r];
        for (int u = 0; u < gridH; u++) {
            for (int a = 0; a < r; a++) {
                double t = angle(rows[a], u, gridH);
                double c = Math.cos(t);
                double s = Math.sin(t);
                m[u][a] = c;              // re <- re
                m[u][r + a] = s;          // re <- im
                m[gridH + u][a] = -s;     // im <- re
                m[gridH + u][r + a] = c;  // im <- im
            }
        }
        return Nd4j.createFromArray(m).castTo(type);
    }

    /** Inverse DFT along the height (scaled by 1/gridH) to the given rows: {@code [2·rows, 2·gridH]}. */
    public INDArray heightInverse(int[] rows) {
        int r = rows.length;
        double[][] m = new double[2 * r][2 * gridH];
        for (int a = 0; a < r; a++) {
            for (int u = 0; u < gridH; u++) {
                double t = angle(rows[a], u, gridH);
                double c = Math.cos(t) / gridH;
                double s = Math.sin(t) / gridH;
                m[a][u] = c;
                m[a][gridH + u] = -s;
                m[r + a][u] = s;
                m[r + a][gridH + u] = c;
            }
        }
        return Nd4j.createFromArray(m).castTo(type);
    }

    /** Complex-to-real inverse DFT along the width (scaled by 1/gridW) to the given columns: {@code [2·bins, cols]}. */
    public INDArray widthInverse(int[] cols) {
        double[][] m = new double[2 * bins][cols.length];
        for (int q = 0; q < bins; q++) {
            double weight = (q == 0 || 2 * q == gridW) ? 1 : 2;
            for (int b = 0; b < cols.length; b++) {
                double t = angle(cols[b], q, gridW);
                m[q][b] = weight * Math.cos(t) / gridW;
                m[bins + q][b] = -weight * Math.sin(t) / gridW;
            }
        }
        return Nd4j.createFromArray(m).castTo(type);
    }

    /**
     * The half spectrum of maps given at some grid positions: {@code x [B, rows, cols]} (c order) becomes
     * {@code [2, gridH, B, bins]} (real part, imaginary part), c order.
     */
    public INDArray forward(INDArray x, INDArray widthFwd, INDArray heightFwd) {
        long b = x.size(0);
        long rows = x.size(1);
        INDArray a = x.reshape('c', b * rows, x.size(2)).mmul(widthFwd);                    // [B·rows, 2·bins]
        INDArray t = a.reshape('c', b, rows, 2, bins).permute(2, 1, 0, 3).dup('c')          // [2, rows, B, bins]
                .reshape('c', 2 * rows, b * bins);
        return heightForward(heightFwd, t).reshape('c', 2, gridH, b, bins);
    }

    private static INDArray heightForward(INDArray heightFwd, INDArray t) {
        return heightFwd.mmul(t);
    }

    /** The maps at the given output positions from a half spectrum {@code [2, gridH, B, bins]}: {@code [B, rows, cols]}. */
    public INDArray inverse(INDArray spectrum, INDArray heightInv, INDArray widthInv) {
        long b = spectrum.size(2);
        long rows = heightInv.size(0) / 2;
        INDArray z = heightInv.mmul(spectrum.reshape('c', 2 * gridH, b * bins));            // [2·rows, B·bins]
        INDArray t = z.reshape('c', 2, rows, b, bins).permute(2, 1, 0, 3).dup('c')          // [B, rows, 2, bins]
                .reshape('c', b * rows, 2 * bins);
        return t.mmul(widthInv).reshape('c', b, rows, widthInv.size(1));
    }

    /**
     * Multiplies a spectrum {@code [2, gridH, N, C, bins]} (viewed from {@code [2, gridH, N·C, bins]}) in place by
     * a per-channel real normaliser {@code v [C, gridH, bins]}.
     */
    public INDArray multiply(INDArray spectrum, INDArray v, long n) {
        long c = v.size(0);
        INDArray s = spectrum.reshape('c', 2, gridH, n, c, bins);
        INDArray vb = v.permute(1, 0, 2).dup('c').reshape('c', 1, gridH, 1, c, bins);
        Nd4j.exec(DynamicCustomOp.builder("multiply").addInputs(s, vb).addOutputs(s).build());
        return spectrum;
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
        INDArray spec = forward(w.reshape('c', o * i, kh, kw), widthForward(range(kw)), heightForward(range(kh)));
        spec.muli(spec);                                                                    // [2, H, O·I, bins]
        INDArray p = spec.reshape('c', 2, gridH, o, i, bins).sum(0, 3);                     // [H, O, bins]
        return p.permute(1, 0, 2).dup('c');
    }
}
