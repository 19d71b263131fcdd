package org.pnnlab.layers.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a hand-written layer with parameters: its {@link #initializer()} is a {@link FlatParams}, none
 * of its parameters is pretrained, and {@code instantiate} wires the runtime the subclass names.
 */
public abstract class FlatParamsLayer extends FeedForwardLayer {
    /** The subclass's runtime, before {@link Runtimes#wire}. */
    protected abstract org.deeplearning4j.nn.api.Layer runtime(NeuralNetConfiguration conf, DataType dataType);

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                        Collection<TrainingListener> listeners, int layerIndex,
                                                        INDArray paramsView, boolean initializeParams,
                                                        DataType networkDataType) {
        return Runtimes.wire(runtime(conf, networkDataType), conf, listeners, layerIndex, paramsView, initializeParams);
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }
}
