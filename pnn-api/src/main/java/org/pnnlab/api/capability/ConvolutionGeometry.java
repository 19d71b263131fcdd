package org.pnnlab.api.capability;

/**
 * The shape of a convolution-like layer's linear map: square kernel, stride and zero padding as an ordinary
 * convolution with that output size would have them.
 *
 * @param inChannels input channels
 * @param outChannels output channels
 * @param kernel square kernel size
 * @param stride stride
 * @param padding zero padding on each side
 */
public record ConvolutionGeometry(long inChannels, long outChannels, int kernel, int stride, int padding) {
    public ConvolutionGeometry {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("convolution geometry needs channels, kernel and stride >= 1 and padding"
                    + " >= 0, got " + inChannels + "->" + outChannels + ", k" + kernel + " s" + stride + " p" + padding);
        }
    }

    /** The output size of an input of size {@code n} along one axis. */
    public long outputSize(long n) {
        return (n + 2L * padding - kernel) / stride + 1;
    }
}
