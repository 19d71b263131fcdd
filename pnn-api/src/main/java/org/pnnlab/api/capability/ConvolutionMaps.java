package org.pnnlab.api.capability;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** A plain convolution (no bias, NCHW, weights {@code [out, in, k, k]}) and its adjoint, with libnd4j's ops. */
final class ConvolutionMaps {
    private ConvolutionMaps() {
    }

    private static int[] args(ConvolutionGeometry g) {
        // kH kW sH sW pH pW dH dW paddingMode(0 = explicit) NCHW(0) weights OIYX(1)
        return new int[]{g.kernel(), g.kernel(), g.stride(), g.stride(), g.padding(), g.padding(), 1, 1, 0, 0, 1};
    }

    static INDArray forward(INDArray x, INDArray kernel, ConvolutionGeometry g) {
        INDArray k = kernel.castTo(x.dataType());
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), g.outChannels(), g.outputSize(x.size(2)),
                g.outputSize(x.size(3)));
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, k).addOutputs(out).addIntegerArguments(args(g)).build());
        return out;
    }

    static INDArray adjoint(INDArray y, INDArray kernel, ConvolutionGeometry g, long height, long width) {
        INDArray k = kernel.castTo(y.dataType());
        INDArray eps = y.ordering() == 'c' && !y.isView() ? y : y.dup('c');
        INDArray x = Nd4j.zeros(y.dataType(), y.size(0), g.inChannels(), height, width);
        INDArray dx = Nd4j.createUninitialized(y.dataType(), x.shape());
        INDArray dk = Nd4j.createUninitialized(y.dataType(), k.shape());
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, k, eps).addOutputs(dx, dk)
                .addIntegerArguments(args(g)).build());
        return dx;
    }
}
