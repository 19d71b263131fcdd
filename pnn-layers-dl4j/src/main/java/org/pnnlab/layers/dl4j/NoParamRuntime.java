package org.pnnlab.layers.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime of a hand-written layer without parameters: no regularisation score, no parameters, no noise weights;
 * a feed-forward layer unless the subclass says otherwise. Subclasses write the forward and backward passes.
 */
public abstract class NoParamRuntime<L extends org.deeplearning4j.nn.conf.layers.Layer> extends AbstractLayer<L> {
    protected NoParamRuntime(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return 0;
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
    }

    @Override
    public @Nullable INDArray params() {
        return null;
    }
}
