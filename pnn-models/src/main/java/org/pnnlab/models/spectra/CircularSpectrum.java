package org.pnnlab.models.spectra;

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
        boolean rows = out <= in; // G = K̂K̂ᴴ (out × out) or K̂ᴴK̂ (in × in)
        long c = Math.min(out, in);
        INDArray gr;
        INDArray gi;
        if (rows) {
            gr = Nd4j.matmul(re, re, false, true, false).addi(Nd4j.matmul(im, im, false, true, false));
            gi = Nd4j.matmul(im, re, false, true, false).subi(Nd4j.matmul(re, im, false, true, false));
        } else {
            gr = Nd4j.matmul(re, re, true, false, false).addi(Nd4j.matmul(im, im, true, false, false));
            gi = Nd4j.matmul(re, im, true, false, false).subi(Nd4j.matmul(im, re, true, false, false));
        }
        INDArray values;
        if (c == 1) {
            values = gr.reshape(f); // a 1 × 1 Gram matrix is its own eigenvalue
        } else {
            INDArray embedded = Nd4j.concat(1, Nd4j.concat(2, gr, gi.neg()), Nd4j.concat(2, gi, gr)); // [f, 2c, 2c]
            values = Nd4j.create(DataType.DOUBLE, f, c);
            for (long i = 0; i < f; i++) {
                INDArray eig = Eigen.symmetricGeneralizedEigenvalues(embedded.get(NDArrayIndex.point(i)).dup('f'), false);
                INDArray sorted = Nd4j.sort(eig.reshape(2 * c), true);
                // the embedding's eigenvalues come in equal pairs: keep one of each
                values.get(NDArrayIndex.point(i), NDArrayIndex.all())
                        .assign(sorted.get(NDArrayIndex.interval(0, 2, 2 * c)));
            }
        }
        INDArray sigma = Transforms.sqrt(Transforms.max(values.reshape(f * c), 0.0, false), false);
        return Nd4j.sort(sigma, false).toDoubleVector();
    }
}
