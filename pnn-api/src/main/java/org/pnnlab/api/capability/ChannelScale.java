package org.pnnlab.api.capability;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer that, at inference, scales each channel by a fixed factor and adds a fixed shift (batch norm with its
 * running statistics: γ/√(running variance + ε)). The layer spectra fold the scale into the convolution before it.
 */
public interface ChannelScale {
    /** The per-channel factor {@code [C]} applied at inference (a new array). */
    INDArray inferenceScale();
}
