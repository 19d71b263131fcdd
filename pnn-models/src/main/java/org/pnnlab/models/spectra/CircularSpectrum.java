package org.pnnlab.models.spectra;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The exact singular values of a stride-1 convolution with circular padding on an {@code h × w} input (the FFT
 * method): such a map is block-circulant, so its singular values are the union, over the {@code h·w} frequencies
 * (u, v), of the singular values of the {@code out × in} matrices K̂(u, v) = Σ_ab K[:, :, a, b]·e^(−2πi(au/h + bv/w)).
 * Where the kernel's centre sits only multiplies each K̂(u, v) by a unit phase, which leaves them unchanged.
 *
 * <p>All frequencies at once: the real and imaginary parts are two products of a {@code [h·w, k·k]} DFT matrix with
 * the kernel as a {@code [k·k, out·in]} matrix, and the Gram matrices G = K̂K̂ᴴ (on the smaller side, c × c) of all
 * frequencies are two batched products. ND4J has no complex type and no batched eigensolver, so each Hermitian
 * G = A + iB goes to LAPACK's symmetric eigensolver (through ND4J's {@link Eigen}) as its real embedding
 * [[A, −B], [B, A]], whose eigenvalues are G's, each twice.
 */
public final class CircularSpectrum {
    private CircularSpectrum() {
    }

    /** Every singular value (descending, {@code h·w·min(out, in)} of them) of {@code kernel [out, in, k, k]}. */
    public static double[] singularValues(INDArray kernel, long h, long w) {
        Grams g = grams(kernel, h, w);
        INDArray values = eigenvalues(g, Nd4j.arange(g.frequencies()).castTo(DataType.LONG).toLongVector());
        INDArray sigma = Transforms.sqrt(Transforms.max(values.reshape(values.length()), 0.0, false), false);
        return Nd4j.sort(sigma, false).toDoubleVector();
    }

    /**
     * The {@code count} largest singular values (descending) of the same map, exactly, with the eigensolver run only
     * on the frequencies that can hold them. For a c × c Gram matrix G ⪰ 0 and p = 2^{@value #SQUARINGS},
     * λ_max(G)^p ≤ tr(G^p) ≤ c·λ_max(G)^p, so the trace of G^p (from repeated squaring, batched over all frequencies)
     * brackets every frequency's largest eigenvalue within a factor c^(1/p); a frequency whose upper bound is below
     * the {@code count}-th largest lower bound cannot hold one of the wanted values.
     */
    public static double[] largest(INDArray kernel, long h, long w, int count) {
        Grams g = grams(kernel, h, w);
        long f = g.frequencies();
        long c = g.size();
        if (f * c <= count || f <= count) return Arrays.copyOf(singularValues(kernel, h, w), (int) Math.min(count, f * c));
        double[] logUpper = logTracePowerOverP(g);
        double slack = Math.log(c) / (1L << SQUARINGS);
        double[] sortedLower = Arrays.stream(logUpper).map(v -> v - slack).sorted().toArray();
        double threshold = sortedLower[sortedLower.length - count];
        long[] candidates = java.util.stream.IntStream.range(0, (int) f)
                .filter(i -> logUpper[i] >= threshold).asLongStream().toArray();
        INDArray values = eigenvalues(g, candidates);
        INDArray sigma = Transforms.sqrt(Transforms.max(values.reshape(values.length()), 0.0, false), false);
        return Arrays.copyOf(Nd4j.sort(sigma, false).toDoubleVector(), count);
    }

    /** Squarings for the trace bound: p = 128, so the bracket is c^(1/128) (2.7 % at c = 32). */
    private static final int SQUARINGS = 7;

    /** The Gram matrices of all frequencies: real part {@code re} and imaginary part {@code im}, {@code [f, c, c]}. */
    private record Grams(INDArray re, INDArray im) {
        long frequencies() {
            return re.size(0);
        }

        long size() {
            return re.size(1);
        }
    }

    private static Grams grams(INDArray kernel, long h, long w) {
        INDArray k = kernel.castTo(DataType.DOUBLE);
        long out = k.size(0);
        long in = k.size(1);
        long kh = k.size(2);
        long kw = k.size(3);
        long f = h * w;
        // phase θ[(u, v), (a, b)] = 2π(a·u/h + b·v/w)
        INDArray u = Nd4j.arange(h).castTo(DataType.DOUBLE).reshape(h, 1, 1, 1).div(h);
        INDArray v = Nd4j.arange(w).castTo(DataType.DOUBLE).reshape(1, w, 1, 1).div(w);
        INDArray a = Nd4j.arange(kh).castTo(DataType.DOUBLE).reshape(1, 1, kh, 1);
        INDArray b = Nd4j.arange(kw).castTo(DataType.DOUBLE).reshape(1, 1, 1, kw);
        INDArray theta = u.mul(a).add(v.mul(b)).muli(2 * Math.PI).reshape('c', f, kh * kw);
        INDArray taps = k.permute(2, 3, 0, 1).dup('c').reshape('c', kh * kw, out * in);
        INDArray re = Transforms.cos(theta, true).mmul(taps).reshape('c', f, out, in);
        INDArray im = Transforms.sin(theta, true).mmul(taps).negi().reshape('c', f, out, in);
        INDArray gr;
        INDArray gi;
        if (out <= in) { // G = K̂K̂ᴴ (out × out) or K̂ᴴK̂ (in × in)
            gr = Nd4j.matmul(re, re, false, true, false).addi(Nd4j.matmul(im, im, false, true, false));
            gi = Nd4j.matmul(im, re, false, true, false).subi(Nd4j.matmul(re, im, false, true, false));
        } else {
            gr = Nd4j.matmul(re, re, true, false, false).addi(Nd4j.matmul(im, im, true, false, false));
            gi = Nd4j.matmul(re, im, true, false, false).subi(Nd4j.matmul(im, re, true, false, false));
        }
        return new Grams(gr, gi);
    }

    /**
     * (1/p)·log tr(G^p) per frequency, p = 2^{@value #SQUARINGS}: repeated squaring of the real embedding E (whose
     * trace powers are twice G's), each square scaled to trace 1 so nothing overflows; with t₀ = tr E and t_j the
     * trace of the j-th unscaled square, log tr(E^p) / p = log t₀ + Σ_j log t_j / 2^j.
     */
    private static double[] logTracePowerOverP(Grams g) {
        INDArray m = embedding(g, null);
        long f = g.frequencies();
        INDArray diagonalMask = Nd4j.eye(m.size(1)).castTo(DataType.DOUBLE).reshape(1, m.size(1), m.size(2));
        INDArray trace = m.mul(diagonalMask).sum(1, 2);
        INDArray safe = Transforms.max(trace, Double.MIN_NORMAL, true);
        INDArray log = Transforms.log(safe, true);
        m = m.div(safe.reshape(f, 1, 1));
        double weight = 1;
        for (int j = 1; j <= SQUARINGS; j++) {
            m = Nd4j.matmul(m, m);
            INDArray t = Transforms.max(m.mul(diagonalMask).sum(1, 2), Double.MIN_NORMAL, false);
            m.divi(t.reshape(f, 1, 1));
            weight /= 2;
            log.addi(Transforms.log(t, false).muli(weight));
        }
        // tr(E^p) = 2·tr(G^p)
        log.subi(Math.log(2) * weight);
        double[] out = log.toDoubleVector();
        double[] raw = trace.toDoubleVector();
        for (int i = 0; i < out.length; i++) if (raw[i] <= 0) out[i] = Double.NEGATIVE_INFINITY; // a zero matrix
        return out;
    }

    /** The real embeddings [[A, −B], [B, A]] of the chosen frequencies' Gram matrices ({@code null}: all). */
    private static INDArray embedding(Grams g, long @Nullable [] frequencies) {
        INDArray gr = frequencies == null ? g.re() : g.re().get(NDArrayIndex.indices(frequencies));
        INDArray gi = frequencies == null ? g.im() : g.im().get(NDArrayIndex.indices(frequencies));
        if (gr.rank() == 2) { // one index picked: keep the batch axis
            gr = gr.reshape(1, gr.size(0), gr.size(1));
            gi = gi.reshape(1, gi.size(0), gi.size(1));
        }
        return Nd4j.concat(1, Nd4j.concat(2, gr, gi.neg()), Nd4j.concat(2, gi, gr));
    }

    /** The eigenvalues {@code [n, c]} of the chosen frequencies' Gram matrices. */
    private static INDArray eigenvalues(Grams g, long[] frequencies) {
        long c = g.size();
        if (c == 1) { // a 1 × 1 Gram matrix is its own eigenvalue
            return g.re().reshape(g.frequencies()).get(NDArrayIndex.indices(frequencies)).reshape(frequencies.length, 1);
        }
        INDArray embedded = embedding(g, frequencies); // [n, 2c, 2c]
        INDArray values = Nd4j.create(DataType.DOUBLE, frequencies.length, c);
        for (int i = 0; i < frequencies.length; i++) {
            INDArray eig = Eigen.symmetricGeneralizedEigenvalues(embedded.get(NDArrayIndex.point(i)).dup('f'), false);
            INDArray sorted = Nd4j.sort(eig.reshape(2 * c), true);
            // the embedding's eigenvalues come in equal pairs: keep one of each
            values.get(NDArrayIndex.point(i), NDArrayIndex.all()).assign(sorted.get(NDArrayIndex.interval(0, 2, 2 * c)));
        }
        return values;
    }
}
