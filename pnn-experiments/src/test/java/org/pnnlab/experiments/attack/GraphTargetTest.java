package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.models.ModelFactory;
import org.pnnlab.models.ModelRegistry;
import org.pnnlab.models.ModelSpec;

/** {@link GraphTarget} on a small lenet (convolution slots, batch norm, dropout) in double precision. */
class GraphTargetTest {

    static ComputationGraph lenet(DataType type) {
        ModelSpec spec = ModelSpec.of("lenet", 1, 28, 28, "conv", "conv").withOptions(Map.of("nfilters", 4, "linear", 16));
        var conf = ModelRegistry.load().get("lenet").build(spec, LayerRegistry.load(),
                new NeuralNetConfiguration.Builder().seed(3).dataType(type).updater(new NoOp()));
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        // a training-mode pass moves the batch-norm running statistics away from (0, 1), so that evaluation and
        // training mode give different results; dropout (0.5) differs between the modes too
        Nd4j.getRandom().setSeed(5);
        net.output(true, Nd4j.rand(type, 32, 1, 28, 28).muli(3));
        return net;
    }

    static INDArray inputs(DataType type) {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(type, 3, 1, 28, 28).muli(2).subi(1);
    }

    static INDArray labels() {
        return CrossEntropy.oneHot(Nd4j.createFromArray(3, 7, 0), 10, DataType.DOUBLE);
    }

    @Test
    void logitsAreTheEvaluationModeOutputOfTheLogitsVertex() {
        ComputationGraph net = lenet(DataType.DOUBLE);
        GraphTarget target = new GraphTarget(net);
        INDArray x = inputs(DataType.DOUBLE);
        INDArray logits = target.logits(x);
        assertArrayEquals(new long[]{3, 10}, logits.shape());
        INDArray fromNet = net.feedForward(new INDArray[]{x}, false, false).get(ModelFactory.LOGITS);
        assertTrue(logits.equalsWithEps(fromNet, 1e-12), "logits differ from DL4J's feed-forward");
        INDArray probs = net.outputSingle(false, x);
        assertTrue(CrossEntropy.softmax(logits).equalsWithEps(probs, 1e-12), "softmax(logits) differs from net.output");
        assertEquals(logits, target.logits(x), "evaluation mode is deterministic");
        assertThrows(IllegalArgumentException.class, () -> new GraphTarget(net, "no-such-vertex"));
    }

    @Test
    void lossGradientMatchesFiniteDifferencesAndLeavesTheModelAlone() {
        ComputationGraph net = lenet(DataType.DOUBLE);
        INDArray params = net.params().dup();
        GraphTarget target = new GraphTarget(net);
        INDArray x = inputs(DataType.DOUBLE);
        INDArray y = labels();
        INDArray g = target.lossGradient(x, y);
        assertArrayEquals(x.shape(), g.shape());
        assertTrue(g.amaxNumber().doubleValue() > 0, "a non-zero gradient");
        double h = 1e-6;
        int[][] coords = {{0, 0, 3, 4}, {0, 0, 14, 14}, {1, 0, 20, 7}, {2, 0, 9, 22}, {2, 0, 27, 0}};
        for (int[] at : coords) {
            INDArray up = x.dup();
            INDArray down = x.dup();
            up.putScalar(at, x.getDouble(at) + h);
            down.putScalar(at, x.getDouble(at) - h);
            double fd = (CrossEntropy.sum(target.logits(up), y) - CrossEntropy.sum(target.logits(down), y)) / (2 * h);
            double an = g.getDouble(at);
            assertEquals(fd, an, 1e-6 * Math.max(1e-3, Math.abs(fd)) + 1e-9, "dL/dx at " + Arrays.toString(at));
        }
        assertEquals(params, net.params(), "parameters and running statistics unchanged");
        // the batch sum: each sample's gradient is that of its own loss
        INDArray g1 = target.lossGradient(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)),
                y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)));
        assertTrue(g1.equalsWithEps(g.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)), 1e-12));
    }

    @Test
    void aFloatNetworkCanBeAttackedWithDoubleInputs() {
        ComputationGraph net = lenet(DataType.FLOAT);
        GraphTarget target = new GraphTarget(net);
        INDArray x = inputs(DataType.DOUBLE);
        INDArray g = target.lossGradient(x, labels());
        assertEquals(DataType.DOUBLE, g.dataType());
        INDArray adv = new Pgd(ThreatModel.pgd(0.3, 0.1, 3, -1, 1)).perturb(target, x, labels(), 1);
        assertEquals(DataType.DOUBLE, adv.dataType());
        assertTrue(CrossEntropy.sum(target.logits(adv), labels()) > CrossEntropy.sum(target.logits(x), labels()));
        assertFalse(adv.equals(x));
    }
}
