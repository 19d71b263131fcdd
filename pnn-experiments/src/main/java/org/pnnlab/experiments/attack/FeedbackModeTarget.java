package org.pnnlab.experiments.attack;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.layers.feedback.FeedbackNetworkLayer;
import org.pnnlab.models.ModelFactory;

/**
 * A feedback network (CNN-F) seen through one of its inference modes: the first pass only, the last cycle, or the
 * average over passes (spec CNNF 4). The mode is set on the shared layer for each call and put back afterwards,
 * so one network can serve an attack on its first pass while it classifies with its cycles.
 */
public final class FeedbackModeTarget implements AttackTarget {
    private final @Nullable AttackTarget graph;
    private final FeedbackNetworkLayer layer;
    private final FeedbackNetworkLayer.Output mode;

    /** Through the whole graph, the layer switched to {@code mode} for each call. */
    public FeedbackModeTarget(AttackTarget graph, FeedbackNetworkLayer layer, FeedbackNetworkLayer.Output mode) {
        this.graph = graph;
        this.layer = layer;
        this.mode = mode;
    }

    private FeedbackModeTarget(FeedbackNetworkLayer layer, FeedbackNetworkLayer.Output mode) {
        this.graph = null;
        this.layer = layer;
        this.mode = mode;
    }

    /**
     * The network in {@code mode}. When the feedback layer is the whole network (it reads the network's input
     * and is its logits vertex, as in the CNN-F models) the layer is called directly: logits and input gradient
     * come from one forward and one backward pass instead of DL4J's forward, then a backward that repeats it.
     */
    public static FeedbackModeTarget of(ComputationGraph net, FeedbackNetworkLayer layer, FeedbackNetworkLayer.Output mode) {
        String name = layer.conf().getLayer().getLayerName();
        var conf = net.getConfiguration();
        boolean whole = name.equals(ModelFactory.LOGITS) && conf.getNetworkInputs().size() == 1
                && conf.getVertexInputs().get(name).equals(conf.getNetworkInputs());
        return whole ? new FeedbackModeTarget(layer, mode) : new FeedbackModeTarget(new GraphTarget(net), layer, mode);
    }

    /** The network's feedback layer, or null for an ordinary network. More than one is an error. */
    public static @Nullable FeedbackNetworkLayer feedbackLayer(ComputationGraph net) {
        FeedbackNetworkLayer found = null;
        for (Layer l : net.getLayers()) {
            if (l instanceof FeedbackNetworkLayer f) {
                if (found != null) {
                    throw new IllegalArgumentException("the network has more than one feedback layer; "
                            + "attacks and the CNN-F objective need exactly one");
                }
                found = f;
            }
        }
        return found;
    }

    private static INDArray convert(INDArray a, INDArray like) {
        return a.dataType() == like.dataType() ? a : a.castTo(like.dataType());
    }

    public FeedbackNetworkLayer.Output mode() {
        return mode;
    }

    @Override
    public INDArray logits(INDArray x) {
        if (graph == null) return convert(layer.logits(mode, x), x);
        FeedbackNetworkLayer.Output before = layer.getOutput();
        layer.setOutput(mode);
        try {
            return graph.logits(x);
        } finally {
            layer.setOutput(before);
        }
    }

    @Override
    public INDArray lossGradient(INDArray x, INDArray labelsOneHot) {
        if (graph == null) return convert(layer.inputGradient(mode, x, labelsOneHot).inputGradient(), x);
        FeedbackNetworkLayer.Output before = layer.getOutput();
        layer.setOutput(mode);
        try {
            return graph.lossGradient(x, labelsOneHot);
        } finally {
            layer.setOutput(before);
        }
    }
}
