package org.pnnlab.layers.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Leaky ReLU, x for x &gt; 0 and slope·x otherwise, with the derivative (1 for x &gt; 0, else the slope) in
 * the array's own precision. libnd4j's leaky-ReLU backward op rounds the slope to float (0.01 becomes
 * 0.0099999998), which moves float64 gradients by ~1e-9 relative; this class does not use that op.
 */
public class LeakyRelu extends BaseActivationFunction {
    private double slope = Activations.LEAKY_SLOPE;

    public LeakyRelu() {
    }

    public LeakyRelu(double slope) {
        this.slope = slope;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        Nd4j.getExecutioner().exec(new LeakyReLU(in, in, slope)); // the forward op keeps the slope's precision
        return in;
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        // derivative = slope + (1 - slope)·[x > 0]
        INDArray d = Nd4j.getExecutioner().exec(new Step(in.dup()));
        d.muli(1 - slope).addi(slope);
        return new Pair<>(d.muli(epsilon), null);
    }

    public double getSlope() { return slope; }
    public void setSlope(double slope) { this.slope = slope; }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeakyRelu l && Double.compare(slope, l.slope) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(slope);
    }

    @Override
    public String toString() {
        return "lrelu(" + slope + ")";
    }
}
