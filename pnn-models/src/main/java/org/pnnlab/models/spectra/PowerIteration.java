package org.pnnlab.models.spectra;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The largest singular values of a linear map given only as its forward map and adjoint (a layer's own convolution
 * and its transpose), by block power (subspace) iteration on AᵀA with a Rayleigh–Ritz step: the block
 * V (orthonormal rows) gives Y = AV, whose singular values approach the largest ones of A from below; the next
 * block is AᵀY orthonormalised. The block holds two more vectors than asked for, which speeds convergence where the
 * wanted values are close to the next ones.
 */
public final class PowerIteration {
    /**
     * A linear map on batches: {@code forward} takes {@code [B, ...inputShape]}, {@code adjoint} maps the outputs back.
     */
    public record LinearMap(long[] inputShape, UnaryOperator<INDArray> forward, UnaryOperator<INDArray> adjoint) {
        public LinearMap {
            inputShape = inputShape.clone();
        }
    }

    /**
     * @param count how many of the largest values
     * @param maxIterations the most iterations
     * @param tolerance stop when every one of the wanted values changed by less than this, relatively, in an
     *     iteration
     * @param seed of the random start
     * @param dataType of the iteration (the map's)
     * @return the values, descending
     */
    public static double[] largest(LinearMap map, int count, int maxIterations, double tolerance, long seed,
                                   DataType dataType) {
        long dim = 1;
        for (long s : map.inputShape()) dim *= s;
        int block = (int) Math.min(dim, count + 2L);
        long[] shape = new long[map.inputShape().length + 1];
        shape[0] = block;
        System.arraycopy(map.inputShape(), 0, shape, 1, map.inputShape().length);
        INDArray v = Nd4j.randn(Nd4j.createUninitialized(dataType, shape), seed);
        orthonormalise(v.reshape('c', block, dim));
        double[] previous = null;
        double[] ritz = new double[0];
        for (int it = 0; it < maxIterations; it++) {
            INDArray y = map.forward().apply(v);
            ritz = singularValuesOfRows(y.reshape('c', block, y.length() / block));
            if (previous != null && converged(previous, ritz, Math.min(count, block), tolerance)) break;
            previous = ritz;
            v = map.adjoint().apply(y).dup('c');
            orthonormalise(v.reshape('c', block, dim));
        }
        return Arrays.copyOf(ritz, Math.min(count, ritz.length));
    }

    private static boolean converged(double[] before, double[] now, int count, double tolerance) {
        for (int i = 0; i < count; i++) {
            if (Math.abs(now[i] - before[i]) > tolerance * Math.max(now[0], Double.MIN_NORMAL)) return false;
        }
        return true;
    }

    /** Modified Gram–Schmidt over the rows of {@code m [B, d]} (B small), in place. */
    static void orthonormalise(INDArray m) {
        long rows = m.size(0);
        for (long i = 0; i < rows; i++) {
            INDArray r = m.getRow(i);
            for (long j = 0; j < i; j++) {
                INDArray q = m.getRow(j);
                r.subi(q.mul(r.mul(q).sumNumber().doubleValue()));
            }
            double norm = r.norm2Number().doubleValue();
            if (norm > 0) r.divi(norm);
        }
    }

    /** The singular values (descending) of a short, wide matrix {@code y [B, m]}: √eig(YYᵀ). */
    static double[] singularValuesOfRows(INDArray y) {
        INDArray yd = y.castTo(DataType.DOUBLE);
        INDArray gram = yd.mmul(yd.transpose()).dup('f');
        INDArray eig = Eigen.symmetricGeneralizedEigenvalues(gram, false);
        INDArray s = Transforms.sqrt(Transforms.max(eig.reshape(eig.length()), 0.0, false), false);
        return Nd4j.sort(s, false).toDoubleVector();
    }

    private PowerIteration() {
    }
}
