package org.pnnlab.experiments.attack;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A linear softmax classifier written out by hand for tests: logits = flatten(x)·W + b, and the input gradient
 * of the summed cross-entropy is (softmax − y)·Wᵀ, reshaped like x. Also counts its calls.
 */
final class LinearSoftmaxTarget implements AttackTarget {
    final double[][] w; // [d][k]
    final double[] b;
    int logitCalls;
    int gradientCalls;

    LinearSoftmaxTarget(double[][] w, double[] b) {
        this.w = w;
        this.b = b;
    }

    /** Deterministic pseudo-random weights of scale {@code scale}. */
    static LinearSoftmaxTarget random(int d, int k, long seed, double scale) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[][] w = new double[d][k];
        double[] b = new double[k];
        for (int i = 0; i < d; i++) for (int j = 0; j < k; j++) w[i][j] = scale * (2 * r.nextDouble() - 1);
        for (int j = 0; j < k; j++) b[j] = 0.1 * (2 * r.nextDouble() - 1);
        return new LinearSoftmaxTarget(w, b);
    }

    INDArray weights(DataType t) {
        return Nd4j.createFromArray(w).castTo(t);
    }

    @Override
    public INDArray logits(INDArray x) {
        logitCalls++;
        long n = x.size(0);
        INDArray flat = x.dup('c').reshape('c', n, x.length() / n);
        return flat.mmul(weights(x.dataType())).addiRowVector(Nd4j.createFromArray(b).castTo(x.dataType()));
    }

    @Override
    public INDArray lossGradient(INDArray x, INDArray labelsOneHot) {
        gradientCalls++;
        long n = x.size(0);
        INDArray flat = x.dup('c').reshape('c', n, x.length() / n);
        INDArray logits = flat.mmul(weights(x.dataType())).addiRowVector(Nd4j.createFromArray(b).castTo(x.dataType()));
        INDArray g = CrossEntropy.sumGradient(logits, labelsOneHot);
        return g.mmul(weights(x.dataType()).transpose()).reshape('c', x.shape());
    }

    /** The same gradient computed with plain Java loops, for one sample's flattened input. */
    double[] gradientByHand(double[] x, int label) {
        int k = b.length;
        double[] z = b.clone();
        for (int i = 0; i < x.length; i++) for (int j = 0; j < k; j++) z[j] += x[i] * w[i][j];
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double s = 0;
        for (double v : z) s += Math.exp(v - max);
        double[] g = new double[x.length];
        for (int j = 0; j < k; j++) {
            double p = Math.exp(z[j] - max) / s - (j == label ? 1 : 0);
            for (int i = 0; i < x.length; i++) g[i] += w[i][j] * p;
        }
        return g;
    }
}
