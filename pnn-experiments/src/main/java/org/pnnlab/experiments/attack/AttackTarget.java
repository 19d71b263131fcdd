package org.pnnlab.experiments.attack;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The only thing an attack needs from a model: its class scores and the input gradient of the summed
 * cross-entropy. Both are taken in evaluation mode and leave the model's parameters and running statistics as
 * they were. Inputs are in the model's own units (normalised data); see {@link ThreatModel} and
 * {@link PixelSpaceTarget} for attacks stated in pixel units.
 *
 * <p>Implementations need not be thread-safe; attacks call them from one thread.
 */
public interface AttackTarget {

    /** Class scores before any softmax, {@code [N, classes]}, for a batch {@code x} in the model's input shape. */
    INDArray logits(INDArray x);

    /**
     * {@code ∂/∂x Σ_batch CE(softmax(logits(x)), y)}, an array of the shape of {@code x}. Because the samples of a
     * batch do not interact in evaluation mode, row {@code i} is also the gradient of sample {@code i}'s own loss.
     *
     * @param labelsOneHot {@code [N, classes]} one-hot targets
     */
    INDArray lossGradient(INDArray x, INDArray labelsOneHot);

    /** The per-sample cross-entropy {@code [N]} at {@code x}, from {@link #logits}. */
    default INDArray losses(INDArray x, INDArray labelsOneHot) {
        return CrossEntropy.perSample(logits(x), labelsOneHot);
    }

    /**
     * The logits at {@code x} and the input gradient of a loss of the logits, from one forward and one backward
     * pass where the target allows it.
     *
     * @param x a batch in the model's input shape
     * @param logitsGradient given the logits {@code [N, classes]}, returns {@code ∂L/∂logits} of the same shape
     *     ({@code L} summed over the batch); called exactly once, with the logits returned
     */
    default LogitsAndGradient backprop(INDArray x, UnaryOperator<INDArray> logitsGradient) {
        // through the cross-entropy gradient softmax(z) − t with targets t = softmax(z) − G: its rows sum to 1, and
        // the result is G, whenever the rows of G sum to 0, i.e. for every loss that ignores a constant added to all
        // logits (cross-entropy, DLR, margins). Targets that can do better override this.
        INDArray z = logits(x);
        INDArray g = logitsGradient.apply(z);
        return new LogitsAndGradient(z, lossGradient(x, CrossEntropy.softmax(z).subi(g)));
    }

    /** Logits {@code [N, classes]} and an input gradient of the shape of the input. */
    record LogitsAndGradient(INDArray logits, INDArray inputGradient) {
    }
}
