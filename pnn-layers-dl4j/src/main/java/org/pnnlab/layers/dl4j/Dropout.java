package org.pnnlab.layers.dl4j;

import java.util.Objects;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;

/**
 * Inverted dropout as its own layer: in training each value is zeroed with probability {@code p} and the
 * rest scaled by 1/(1-p); in evaluation it is the identity, and so is its gradient. (DL4J's built-in
 * dropout reuses the last training mask when back-propagating after an evaluation-mode forward pass, which
 * gives wrong input gradients for attacks on a model in evaluation mode.)
 */
public class Dropout extends ElementwiseLayer {
    private double p;

    /** For JSON deserialisation. */
    public Dropout() {
    }

    public static Dropout of(String name, double p) {
        if (!(p >= 0 && p < 1)) throw new PnnException("dropout probability " + p + " must be in [0, 1)");
        Dropout d = new Dropout();
        d.setLayerName(name);
        d.p = p;
        return d;
    }

    public double getP() { return p; }
    public void setP(double p) { this.p = p; }

    @Override
    protected Runtime runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dropout d && super.equals(o) && Double.compare(p, d.p) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), p);
    }

    /** Runtime of {@link Dropout}. */
    public static class Runtime extends NoParamRuntime<Dropout> {
        private INDArray mask; // null after an evaluation-mode forward

        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            double p = layerConf().getP();
            if (!training || p == 0) {
                mask = null;
                return mgr.dup(ArrayType.ACTIVATIONS, input);
            }
            mask = mgr.createUninitialized(ArrayType.INPUT, input.dataType(), input.shape(), 'c');
            Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1 - p));
            mask.muli(1 / (1 - p));
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), 'c');
            return out.assign(input).muli(mask);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            INDArray dx = mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
            if (mask != null) dx.muli(mask);
            return new Pair<>(new DefaultGradient(), dx);
        }

        @Override
        public void clear() {
            super.clear();
            mask = null;
        }
    }
}
