package org.pnnlab.api.capability;

import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution-like layer whose map from its input to its output is, at inference and before any activation, a
 * linear operator plus a constant (biases): a plain, spectrally normalised or orthogonalised convolution, or a whole
 * ConvNorm operator. The layer spectra ({@code pnn spectrum}) read it; a layer implements it in a few lines:
 * {@link #geometry()} and {@link #inferenceKernel()} when its linear part is one convolution (the defaults then apply
 * that kernel), or the two maps themselves when it is more than that.
 */
public interface LinearConvolution {
    /** Kernel size, stride, padding and channels. */
    ConvolutionGeometry geometry();

    /**
     * The kernel {@code [out, in, k, k]} of the one convolution the layer applies at inference (a copy or a view
     * the caller does not change), or null when its linear part is not a single convolution.
     */
    @Nullable INDArray inferenceKernel();

    /** The linear part at inference on {@code x [N, in, H, W]}: the output without biases or activation. */
    default INDArray applyLinear(INDArray x) {
        INDArray k = requireKernel();
        return ConvolutionMaps.forward(x, k, geometry());
    }

    /**
     * The adjoint of {@link #applyLinear} on {@code y [N, out, Ho, Wo]}, mapping back to inputs of height and width
     * {@code inputHeight} × {@code inputWidth}: ⟨applyLinear(x), y⟩ = ⟨x, applyAdjoint(y)⟩.
     */
    default INDArray applyAdjoint(INDArray y, long inputHeight, long inputWidth) {
        INDArray k = requireKernel();
        return ConvolutionMaps.adjoint(y, k, geometry(), inputHeight, inputWidth);
    }

    private INDArray requireKernel() {
        INDArray k = inferenceKernel();
        if (k == null) {
            throw new UnsupportedOperationException(getClass().getName() + " has no single inference kernel; it must "
                    + "implement applyLinear and applyAdjoint itself");
        }
        return k;
    }
}
