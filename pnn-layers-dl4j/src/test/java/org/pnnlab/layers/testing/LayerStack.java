package org.pnnlab.layers.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * A chain of DL4J layer configurations built into a double-precision network, run forward and backward
 * layer by layer with an arbitrary upstream gradient (loss L = sum(y * g)).
 */
public final class LayerStack {
    private final MultiLayerNetwork net;
    private final List<INDArray> inputs = new ArrayList<>();

    public LayerStack(List<? extends org.deeplearning4j.nn.conf.layers.Layer> layers, InputType inputType, long seed) {
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .seed(seed).updater(new NoOp()).list();
        for (var l : layers) lb.layer(l);
        lb.setInputType(inputType);
        net = new MultiLayerNetwork(lb.build());
        net.init();
        net.initGradientsView();
    }

    public MultiLayerNetwork net() {
        return net;
    }

    public Layer layer(int i) {
        return net.getLayer(i);
    }

    public INDArray forward(INDArray x, boolean training) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        inputs.clear();
        INDArray cur = x;
        for (int i = 0; i < net.getnLayers(); i++) {
            InputPreProcessor pp = net.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pp != null) cur = pp.preProcess(cur, (int) x.size(0), mgr);
            inputs.add(cur);
            Layer l = net.getLayer(i);
            l.setInput(cur, mgr);
            cur = l.activate(training, mgr);
        }
        return cur;
    }

    /** Back-propagates g after {@link #forward}; returns dL/dx and fills {@code grads} as layerIndex_param. */
    public INDArray backward(INDArray g, Map<String, INDArray> grads) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray eps = g;
        for (int i = net.getnLayers() - 1; i >= 0; i--) {
            Layer l = net.getLayer(i);
            Pair<Gradient, INDArray> p = l.backpropGradient(eps, mgr);
            for (Map.Entry<String, INDArray> e : p.getFirst().gradientForVariable().entrySet()) {
                grads.put(i + "_" + e.getKey(), e.getValue().dup());
            }
            eps = p.getSecond();
            InputPreProcessor pp = net.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pp != null) eps = pp.backprop(eps, (int) g.size(0), mgr);
        }
        return eps;
    }

    public Map<String, INDArray> backwardGrads(INDArray g) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        backward(g, m);
        return m;
    }
}
