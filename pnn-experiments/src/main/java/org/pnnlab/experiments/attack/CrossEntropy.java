package org.pnnlab.experiments.attack;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax cross-entropy on logits, computed with ND4J array ops. Every function takes logits {@code [N, K]} and
 * targets {@code [N, K]} (one-hot rows, or any rows of class probabilities) of the same shape.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /**
     * Row-wise log-softmax, {@code z − max(z) − log Σ exp(z − max(z))}: subtracting the row maximum first keeps
     * every exponent ≤ 0, so large logits neither overflow nor lose the small probabilities.
     */
    public static INDArray logSoftmax(INDArray logits) {
        requireMatrix(logits, "logits");
        INDArray shifted = logits.subColumnVector(logits.max(true, 1));
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        return shifted.subiColumnVector(logSum);
    }

    /** Row-wise softmax, as {@code exp(logSoftmax)}. */
    public static INDArray softmax(INDArray logits) {
        return Transforms.exp(logSoftmax(logits), false);
    }

    /** Per-sample loss {@code −Σ_k y_k log softmax(z)_k}, a vector {@code [N]}. */
    public static INDArray perSample(INDArray logits, INDArray targets) {
        requireSameShape(logits, targets);
        return logSoftmax(logits).muli(targets.castTo(logits.dataType())).sum(1).negi();
    }

    /** The loss summed over the batch (the reduction PGD and FGSM maximise). */
    public static double sum(INDArray logits, INDArray targets) {
        return perSample(logits, targets).sumNumber().doubleValue();
    }

    /**
     * {@code d(Σ_batch CE)/d logits = softmax(z) − y} (targets whose rows sum to 1). A {@code [N, K]} array in
     * the logits' data type.
     */
    public static INDArray sumGradient(INDArray logits, INDArray targets) {
        requireSameShape(logits, targets);
        return softmax(logits).subi(targets.castTo(logits.dataType()));
    }

    /**
     * One-hot rows {@code [N, classes]} of data type {@code type} from class indices ({@code [N]} or
     * {@code [N, 1]}, any numeric type).
     */
    public static INDArray oneHot(INDArray indices, int classes, DataType type) {
        if (classes < 1) throw new IllegalArgumentException("need at least one class, got " + classes);
        if (indices.rank() > 2 || (indices.rank() == 2 && indices.size(1) != 1)) {
            throw new IllegalArgumentException("class indices must be [N] or [N, 1], got shape "
                    + java.util.Arrays.toString(indices.shape()));
        }
        INDArray idx = indices.reshape(indices.length()).castTo(DataType.INT64);
        if (idx.length() > 0) {
            long lo = idx.minNumber().longValue();
            long hi = idx.maxNumber().longValue();
            if (lo < 0 || hi >= classes) {
                throw new IllegalArgumentException("class indices must lie in [0, " + classes + "), found "
                        + (lo < 0 ? lo : hi));
            }
        }
        INDArray out = Nd4j.create(type, idx.length(), classes);
        Nd4j.exec(new OneHot(idx, out, classes));
        return out;
    }

    private static void requireMatrix(INDArray a, String what) {
        if (a.rank() != 2) {
            throw new IllegalArgumentException(what + " must be [N, classes], got shape "
                    + java.util.Arrays.toString(a.shape()));
        }
    }

    private static void requireSameShape(INDArray logits, INDArray targets) {
        requireMatrix(logits, "logits");
        if (!java.util.Arrays.equals(logits.shape(), targets.shape())) {
            throw new IllegalArgumentException("logits " + java.util.Arrays.toString(logits.shape())
                    + " and targets " + java.util.Arrays.toString(targets.shape()) + " differ in shape");
        }
    }
}
