package org.pnnlab.models;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.pnnlab.api.LayerRegistry;

final class ModelTesting {
    private ModelTesting() {
    }

    static ComputationGraph build(String model, int c, int hw, String first, String rest, Map<String, ?> firstParams,
                                  Map<String, ?> restParams, Map<String, ?> options, DataType dt) {
        return build(model, c, hw, first, rest, firstParams, restParams, options, dt, new NoOp());
    }

    static ComputationGraph build(String model, int c, int hw, String first, String rest, Map<String, ?> firstParams,
                                  Map<String, ?> restParams, Map<String, ?> options, DataType dt, IUpdater updater) {
        ModelSpec spec = ModelSpec.of(model, c, hw, hw, first, rest).withLayerParams(firstParams, restParams)
                .withOptions(options);
        var conf = ModelRegistry.load().get(model).build(spec, LayerRegistry.load(),
                new NeuralNetConfiguration.Builder().seed(1).dataType(dt).updater(updater));
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }
}
