package org.pnnlab.layers.dl4j;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Randomised leaky ReLU: in training every negative value gets its own slope drawn from U(lower, upper), fresh
 * on every forward call; in evaluation the slope is the fixed mean (lower + upper) / 2. The slopes drawn by
 * the last training call are kept so that {@link #backprop} differentiates exactly the function that was
 * applied; a layer must therefore back-propagate before it runs forward again.
 */
public class RReLU extends BaseActivationFunction {
    private double lower = 1.0 / 8;
    private double upper = 1.0 / 3;
    private transient INDArray slopes; // not configuration: the last forward's slopes

    public RReLU() {
    }

    public RReLU(double lower, double upper) {
        this.lower = lower;
        this.upper = upper;
    }

    /** Derivative factor per element: 1 where x &gt; 0, else the slope used. */
    private INDArray factor(INDArray in, boolean training) {
        INDArray pos = Nd4j.getExecutioner().exec(new Step(in.dup()));
        INDArray slope;
        if (training) {
            slope = Nd4j.rand(in.dataType(), in.shape()).muli(upper - lower).addi(lower);
        } else {
            slope = Nd4j.valueArrayOf(in.shape(), (lower + upper) / 2, in.dataType());
        }
        // pos + (1 - pos) * slope
        return slope.muli(pos.rsub(1)).addi(pos);
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray f = factor(in, training);
        slopes = f.detach(); // kept outside any workspace until the backward pass
        return in.muli(f);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        INDArray f = slopes;
        if (f == null || !java.util.Arrays.equals(f.shape(), in.shape())) {
            throw new IllegalStateException("rrelu: backprop without a matching forward pass (the random slopes "
                    + "of the last forward are needed)");
        }
        return new Pair<>(epsilon.mul(f), null);
    }

    public double getLower() { return lower; }
    public void setLower(double lower) { this.lower = lower; }
    public double getUpper() { return upper; }
    public void setUpper(double upper) { this.upper = upper; }

    @Override
    public boolean equals(Object o) {
        return o instanceof RReLU r && Double.compare(lower, r.lower) == 0 && Double.compare(upper, r.upper) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lower, upper);
    }

    @Override
    public String toString() {
        return "rrelu(" + lower + ", " + upper + ")";
    }
}
