package org.pnnlab.experiments.attack;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.capability.Capabilities;
import org.pnnlab.api.capability.InferenceModes;
import org.pnnlab.models.ModelFactory;

/**
 * A network with iterative inference ({@link InferenceModes}, e.g. CNN-F) seen through one of its modes: the first
 * pass only, the last cycle, or the average over passes (spec CNNF 4). The mode is set on the layer for each call
 * and put back afterwards, so one network can serve an attack on its first pass while it classifies with its cycles.
 */
public final class InferenceModeTarget implements AttackTarget {
    private final @Nullable AttackTarget graph;
    private final InferenceModes layer;
    private final InferenceModes.Mode mode;

    private InferenceModeTarget(@Nullable AttackTarget graph, InferenceModes layer, InferenceModes.Mode mode) {
        this.graph = graph;
        this.layer = layer;
        this.mode = mode;
    }

    /**
     * The network in {@code mode}. When the layer is the whole network (it reads the network's input and is its
     * logits vertex) it is called directly: logits and input gradient come from one forward and one backward pass
     * instead of DL4J's forward, then a backward that repeats it.
     */
    public static InferenceModeTarget of(ComputationGraph net, InferenceModes layer, InferenceModes.Mode mode) {
        boolean whole = false;
        if (layer instanceof Layer l) {
            String name = l.conf().getLayer().getLayerName();
            var conf = net.getConfiguration();
            whole = name.equals(ModelFactory.LOGITS) && conf.getNetworkInputs().size() == 1
                    && conf.getVertexInputs().get(name).equals(conf.getNetworkInputs());
        }
        return new InferenceModeTarget(whole ? null : new GraphTarget(net), layer, mode);
    }

    /** The network's layer with inference modes, or null for an ordinary network. */
    public static @Nullable InferenceModes find(ComputationGraph net) {
        return Capabilities.find(net, InferenceModes.class);
    }

    private static INDArray convert(INDArray a, INDArray like) {
        return a.dataType() == like.dataType() ? a : a.castTo(like.dataType());
    }

    public InferenceModes.Mode mode() {
        return mode;
    }

    @Override
    public INDArray logits(INDArray x) {
        if (graph == null) return convert(layer.logits(mode, x), x);
        InferenceModes.Mode before = layer.mode();
        layer.setMode(mode);
        try {
            return graph.logits(x);
        } finally {
            layer.setMode(before);
        }
    }

    @Override
    public INDArray lossGradient(INDArray x, INDArray labelsOneHot) {
        if (graph == null) return convert(layer.crossEntropyInputGradient(mode, x, labelsOneHot), x);
        InferenceModes.Mode before = layer.mode();
        layer.setMode(mode);
        try {
            return graph.lossGradient(x, labelsOneHot);
        } finally {
            layer.setMode(before);
        }
    }

    @Override
    public LogitsAndGradient backprop(INDArray x, java.util.function.UnaryOperator<INDArray> logitsGradient) {
        if (graph == null) return AttackTarget.super.backprop(x, logitsGradient);
        InferenceModes.Mode before = layer.mode();
        layer.setMode(mode);
        try {
            return graph.backprop(x, logitsGradient);
        } finally {
            layer.setMode(before);
        }
    }
}
