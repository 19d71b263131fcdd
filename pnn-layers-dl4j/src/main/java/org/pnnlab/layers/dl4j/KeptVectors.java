package org.pnnlab.layers.dl4j;

import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small arrays (per-channel vectors) that a layer keeps from its forward to its backward pass, in buffers the layer
 * owns outside every workspace. A buffer is made on first use and reused while the value's shape and data type stay
 * the same, so a training step in steady state copies into them instead of detaching a fresh array each time.
 */
final class KeptVectors {
    private final @Nullable INDArray[] buffers;

    /** Room for {@code slots} vectors, numbered 0 to slots − 1. */
    KeptVectors(int slots) {
        this.buffers = new INDArray[slots];
    }

    /** Copies {@code value} into the buffer of {@code slot} (made or remade when its shape or type differs); returns the buffer. */
    INDArray keep(int slot, INDArray value) {
        INDArray b = buffers[slot];
        if (b == null || b.dataType() != value.dataType() || !java.util.Arrays.equals(b.shape(), value.shape())) {
            b = Nd4j.createUninitializedDetached(value.dataType(), value.shape());
            buffers[slot] = b;
        }
        return b.assign(value);
    }
}
