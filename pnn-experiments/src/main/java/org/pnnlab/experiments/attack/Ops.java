package org.pnnlab.experiments.attack;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Small array helpers shared by the attacks. */
final class Ops {
    private Ops() {
    }

    /** {@code a := min(max(a, lo), hi)} in place; returns {@code a}. */
    static INDArray clampi(INDArray a, double lo, double hi) {
        if (lo != Double.NEGATIVE_INFINITY) Transforms.max(a, lo, false);
        if (hi != Double.POSITIVE_INFINITY) Transforms.min(a, hi, false);
        return a;
    }

    /** {@code δ := clamp(x + δ, lo, hi) − x} in place (the perturbation that keeps {@code x + δ} in range). */
    static INDArray projectIntoRangei(INDArray delta, INDArray x, double lo, double hi) {
        INDArray inRange = clampi(x.add(delta), lo, hi);
        return delta.assign(inRange.subi(x));
    }

    /** An ND4J generator of its own, seeded, so that results do not depend on other users of the global one. */
    static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /**
     * A well-mixed 64-bit seed for item {@code index} of a stream seeded with {@code seed} (SplitMix64's
     * finaliser over {@code seed + (index + 1)·golden gamma}).
     */
    static long derive(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static void checkBatch(INDArray x, INDArray labelsOneHot) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("inputs must be a batch [N, ...], got shape " + Arrays.toString(x.shape()));
        }
        if (labelsOneHot.rank() != 2 || labelsOneHot.size(0) != x.size(0)) {
            throw new IllegalArgumentException("labels must be one-hot [N, classes] with N = " + x.size(0)
                    + ", got shape " + Arrays.toString(labelsOneHot.shape()));
        }
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException("inputs must be floating point, got " + x.dataType());
        }
    }

    static void checkSameShape(String what, INDArray expected, INDArray got) {
        if (!Arrays.equals(expected.shape(), got.shape())) {
            throw new IllegalArgumentException(what + " has shape " + Arrays.toString(got.shape()) + ", expected "
                    + Arrays.toString(expected.shape()));
        }
    }

    /** The positions of the non-zero entries of a vector (a per-sample flag array), ascending. */
    static int[] nonZero(INDArray flags) {
        double[] v = flags.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        int count = 0;
        for (double f : v) if (f != 0) count++;
        int[] out = new int[count];
        for (int i = 0, j = 0; i < v.length; i++) if (v[i] != 0) out[j++] = i;
        return out;
    }

    /** The rows {@code idx} of a batch {@code [N, ...]}, as a new C-ordered array {@code [idx.length, ...]}. */
    static INDArray rows(INDArray a, int[] idx) {
        long n = a.size(0);
        INDArray src = a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
        INDArray flat = src.reshape('c', n, a.length() / n);
        long[] shape = a.shape().clone();
        shape[0] = idx.length;
        return Nd4j.pullRows(flat, 1, idx).reshape('c', shape);
    }

    /** {@code a[idx[i]] := rows[i]} for a matrix {@code a} {@code [N, D]} and {@code rows} {@code [idx.length, D]}. */
    static void putRows(INDArray a, int[] idx, INDArray rows) {
        for (int i = 0; i < idx.length; i++) a.putRow(idx[i], rows.getRow(i));
    }
}
