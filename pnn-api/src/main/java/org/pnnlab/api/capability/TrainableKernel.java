package org.pnnlab.api.capability;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution-like layer whose kernel {@code [out, in, k, k]} is one of its trainable parameters, so that a loss
 * term on the kernel (the OCNN orthogonality regulariser) can read it and add to its gradient.
 */
public interface TrainableKernel {
    /** Kernel size, stride, padding and channels. */
    ConvolutionGeometry geometry();

    /** The kernel parameter itself (a view; do not change it). */
    INDArray kernelParameter();

    /** The kernel's gradient view, which a loss term adds to after the network's backward pass. */
    INDArray kernelGradient();
}
