package org.pnnlab.experiments.attack;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.models.GraphRunner;
import org.pnnlab.models.ModelFactory;

/**
 * A DL4J {@link ComputationGraph} as an attack target. The logits are the activation of a named vertex
 * ({@link ModelFactory#LOGITS} for every model the framework builds), computed in evaluation mode by
 * {@link GraphRunner}; the input gradient back-propagates {@code softmax(logits) − y} from that vertex. The
 * network's parameters are not touched (DL4J's gradient buffers are overwritten, as by any backward pass).
 *
 * <p>An input of another floating-point type than the network's parameters is converted on the way in, and the
 * gradient converted back, so the attack can run in the input's precision.
 */
public final class GraphTarget implements AttackTarget {
    private final ComputationGraph net;
    private final GraphRunner runner;
    private final String logitsVertex;

    /** Logits taken at {@link ModelFactory#LOGITS}. */
    public GraphTarget(ComputationGraph net) {
        this(net, ModelFactory.LOGITS);
    }

    public GraphTarget(ComputationGraph net, String logitsVertex) {
        if (net.getVertex(logitsVertex) == null) {
            throw new IllegalArgumentException("the graph has no vertex '" + logitsVertex + "'");
        }
        this.net = net;
        this.runner = new GraphRunner(net);
        this.logitsVertex = logitsVertex;
    }

    public ComputationGraph net() {
        return net;
    }

    public String logitsVertex() {
        return logitsVertex;
    }

    @Override
    public INDArray logits(INDArray x) {
        return runner.forward(toNet(x), logitsVertex, false).dup();
    }

    @Override
    public INDArray lossGradient(INDArray x, INDArray labelsOneHot) {
        INDArray logits = runner.forward(toNet(x), logitsVertex, false);
        INDArray g = CrossEntropy.sumGradient(logits, labelsOneHot);
        INDArray dx = runner.backward(g, null);
        return dx.dataType() == x.dataType() ? dx : dx.castTo(x.dataType());
    }

    /** One forward pass to the logits vertex and one backward pass of the given logits gradient. */
    @Override
    public LogitsAndGradient backprop(INDArray x, java.util.function.UnaryOperator<INDArray> logitsGradient) {
        INDArray logits = runner.forward(toNet(x), logitsVertex, false).dup();
        INDArray dx = runner.backward(logitsGradient.apply(logits).castTo(logits.dataType()), null);
        return new LogitsAndGradient(logits.dataType() == x.dataType() ? logits : logits.castTo(x.dataType()),
                dx.dataType() == x.dataType() ? dx : dx.castTo(x.dataType()));
    }

    private INDArray toNet(INDArray x) {
        DataType t = net.params().dataType();
        return x.dataType() == t ? x : x.castTo(t);
    }
}
