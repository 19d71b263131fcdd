package org.pnnlab.models.ocnn;

import org.pnnlab.api.capability.ConvolutionGeometry;

/**
 * One kernel the OCNN regulariser constrains, and how.
 *
 * @param layer the layer's name in the network
 * @param distance which distance
 * @param stride the stride of {@link Distance#DECONV} (the layer's own)
 */
public record OrthogonalityTarget(String layer, Distance distance, int stride) {
    /** The two distances of {@link OrthogonalityDistance}. */
    public enum Distance {
        /** ‖MᵀM − I‖ of the kernel as a matrix */
        ORTH,
        /** ‖conv(K, K, stride) − T‖ */
        DECONV
    }

    /**
     * The rule of every model but ResNet-18: a k×k kernel (k &gt; 1) gets the convolutional distance with its stride,
     * a 1×1 kernel the matrix distance.
     */
    public static OrthogonalityTarget everyConvolution(String layer, ConvolutionGeometry g) {
        return g.kernel() > 1 ? new OrthogonalityTarget(layer, Distance.DECONV, g.stride())
                : new OrthogonalityTarget(layer, Distance.ORTH, 1);
    }
}
