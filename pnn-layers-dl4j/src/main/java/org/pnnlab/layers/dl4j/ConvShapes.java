package org.pnnlab.layers.dl4j;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;

/** Shape arithmetic and input checks shared by the convolution-like layers. */
public final class ConvShapes {
    private ConvShapes() {
    }

    public static InputType.InputTypeConvolutional requireCnn(InputType type, @Nullable String what) {
        if (type instanceof InputType.InputTypeConvolutional c) return c;
        if (type instanceof InputType.InputTypeConvolutionalFlat f) {
            return (InputType.InputTypeConvolutional) InputType.convolutional(f.getHeight(), f.getWidth(), f.getDepth());
        }
        throw new PnnException(what + " needs image input (channels x height x width), got " + type);
    }

    /** Output size of a convolution or pooling window; an input smaller than the window is an error. */
    public static long outSize(long in, int kernel, int stride, int padding, @Nullable String layer) {
        long padded = in + 2L * padding;
        if (padded < kernel) {
            throw new PnnException("layer " + layer + ": input size " + in + " (padded " + padded
                    + ") is smaller than the kernel " + kernel);
        }
        return (padded - kernel) / stride + 1;
    }
}
