package org.pnnlab.layers.dl4j;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of every SameDiff layer here. DL4J 1.0.0-M2.1 back-propagates twice the true gradient through a
 * {@code SameDiffLayer} (the external-errors function registers the incoming gradient and also returns it,
 * and the two are summed). The runtime below halves the incoming gradient, which makes parameter and
 * input gradients exact; the gradient-check tests fail if a DL4J upgrade fixes the bug.
 */
public abstract class GradFixSameDiffLayer extends SameDiffLayer {

    protected GradFixSameDiffLayer() {
        super();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        Runtime layer = new Runtime(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        Map<String, INDArray> table = initializer().init(conf, paramsView, initializeParams);
        layer.setParamTable(table);
        layer.setConf(conf);
        return layer;
    }

    /** The stock runtime with the incoming gradient halved. */
    public static class Runtime extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            return super.backpropGradient(epsilon.mul(0.5), workspaceMgr);
        }
    }
}
