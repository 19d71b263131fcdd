package org.pnnlab.experiments.attack;

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
}
