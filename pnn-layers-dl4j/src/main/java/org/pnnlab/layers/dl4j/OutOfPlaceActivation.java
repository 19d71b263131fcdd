package org.pnnlab.layers.dl4j;

import java.util.Objects;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An element-wise activation as its own layer that never writes into its input. DL4J's {@code ActivationLayer}
 * applies the function in place on its input in evaluation mode, so a backward pass after an evaluation-mode
 * forward (what every attack does) takes the derivative at the activated values instead of the inputs: wrong for
 * tanh, sigmoid, elu, selu. Here the output is a copy and the input stays the pre-activation the derivative needs.
 */
public class OutOfPlaceActivation extends ElementwiseLayer {
    private IActivation activation = new ActivationIdentity();

    /** For JSON deserialisation. */
    public OutOfPlaceActivation() {
    }

    public static OutOfPlaceActivation of(String name, IActivation activation) {
        OutOfPlaceActivation a = new OutOfPlaceActivation();
        a.setLayerName(name);
        a.activation = activation;
        return a;
    }

    public IActivation getActivation() { return activation; }
    public void setActivation(IActivation activation) { this.activation = activation; }

    @Override
    protected Runtime runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutOfPlaceActivation a && super.equals(o)
                && Objects.equals(getActivation(), a.getActivation());
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), getActivation());
    }

    /** Runtime of {@link OutOfPlaceActivation}. */
    public static class Runtime extends NoParamRuntime<OutOfPlaceActivation> {
        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            INDArray out = mgr.dup(ArrayType.ACTIVATIONS, input.castTo(dataType), 'c');
            IActivation a = layerConf().getActivation();
            return a instanceof ActivationIdentity ? out : a.getActivation(out, training);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            assertInputSet(true);
            INDArray eps = mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon.castTo(dataType), 'c');
            IActivation a = layerConf().getActivation();
            if (a instanceof ActivationIdentity) return new Pair<>(new DefaultGradient(), eps);
            // backprop may overwrite its first argument: hand it a copy of the pre-activation
            INDArray pre = mgr.dup(ArrayType.BP_WORKING_MEM, input.castTo(dataType), 'c');
            return new Pair<>(new DefaultGradient(), mgr.leverageTo(ArrayType.ACTIVATION_GRAD, a.backprop(pre, eps).getFirst()));
        }
    }
}
