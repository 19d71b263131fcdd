package org.pnnlab.api.capability;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer that classifies by iterative inference and can be read in several modes: its plain first pass, its last
 * cycle, or the average over passes (CNN-F, spec CNNF 4). Attacks use it to differentiate exactly the function that
 * classifies, or the reference's first-pass and last-cycle functions, each labelled as what it is. Calls in a given
 * mode leave the layer's own mode unchanged. Inputs are in the layer's input units, in evaluation mode.
 */
public interface InferenceModes {
    /** The readings of an iterative model. */
    enum Mode {
        /** the plain feed-forward first pass */
        FIRST,
        /** the logits of the last cycle */
        LAST,
        /** the average of the logits over all passes */
        AVERAGE
    }

    /** Inference cycles after the first pass; with 0 every mode is the first pass. */
    int cycles();

    /** The mode the layer classifies with. */
    Mode mode();

    /** Switches the mode the layer classifies with (parameters unchanged). */
    void setMode(Mode mode);

    /** Class scores {@code [N, classes]} of {@code x} in {@code mode}. */
    INDArray logits(Mode mode, INDArray x);

    /** {@code ∂/∂x Σ_batch CE(softmax(logits(mode, x)), y)}, the shape of {@code x}. */
    INDArray crossEntropyInputGradient(Mode mode, INDArray x, INDArray labelsOneHot);
}
