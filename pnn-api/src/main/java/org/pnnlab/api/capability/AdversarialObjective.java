package org.pnnlab.api.capability;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer holding all of a network's parameters that trains adversarially on an objective of its own (CNN-F: the
 * clean and adversarial cross-entropies of every pass plus reconstruction losses, spec CNNF 5.2) instead of the
 * plain cross-entropy. The PGD training step uses it when the network has one.
 */
public interface AdversarialObjective {
    /**
     * @param cleanWeight weight of the clean terms (ignored without {@code clean})
     * @param reconstructionWeight weight of the layer's reconstruction terms
     * @param clean whether the clean terms are included
     */
    record Weights(double cleanWeight, double reconstructionWeight, boolean clean) {
    }

    /**
     * The objective's value on a clean batch and its adversarial counterpart; its gradient with respect to the
     * layer's parameters (already a mean over the batch) is written to the layer's gradient view.
     */
    double adversarialObjective(INDArray clean, INDArray adversarial, INDArray labelsOneHot, Weights weights);
}
