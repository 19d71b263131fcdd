package org.pnnlab.layers.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PReLU with ONE learnable slope a shared by several activation sites: {@code x if x > 0 else a*x}. The slope
 * is read from a parameter view on every call, and every {@link #backprop} adds its share
 * {@code sum(eps * min(x, 0))} to a gradient accumulator, so the slope's gradient is the sum over all sites.
 * It is a runtime object of {@link PReLUBlockLayer}, never part of a saved configuration.
 */
final class SharedPReLU extends BaseActivationFunction {
    private final INDArray slope;
    private INDArray slopeGrad;

    SharedPReLU(INDArray slope) {
        this.slope = slope;
    }

    void gradientInto(INDArray accumulator) {
        this.slopeGrad = accumulator;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        double a = slope.getDouble(0);
        INDArray pos = Nd4j.getExecutioner().exec(new Step(in.dup()));
        // x * (pos + (1 - pos) * a)
        return in.muli(pos.muli(1 - a).addi(a));
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        double a = slope.getDouble(0);
        INDArray pos = Nd4j.getExecutioner().exec(new Step(in.dup()));
        INDArray neg = pos.rsub(1);
        double share = neg.mul(in).muli(epsilon).sumNumber().doubleValue();
        if (slopeGrad != null) slopeGrad.addi(share);
        INDArray dx = epsilon.mul(pos.muli(1 - a).addi(a));
        return new Pair<>(dx, Nd4j.scalar(in.dataType(), share));
    }

    @Override
    public String toString() {
        return "prelu(shared)";
    }
}
