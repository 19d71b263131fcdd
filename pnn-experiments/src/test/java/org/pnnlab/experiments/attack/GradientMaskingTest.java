package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.GradientMaskingChecks;
import org.pnnlab.api.run.GradientMaskingChecks.Check;
import org.pnnlab.api.run.GradientMaskingChecks.Outcome;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.ThreatSpec;
import org.pnnlab.datasets.Datasets;
import org.pnnlab.datasets.Split;
import org.pnnlab.layers.ConvPlugin;
import org.pnnlab.models.ModelRegistry;
import org.pnnlab.models.ModelSpec;

/**
 * The gradient-masking checks on a network whose gradients are broken on purpose (its first layer rounds its input
 * and back-propagates zero) and on the same network without that layer: the broken one is flagged, the sound one
 * is not.
 */
class GradientMaskingTest {
    @TempDir
    static Path data;
    static Split split;
    static ComputationGraph sound;
    static ComputationGraph broken;

    /** Rounds to whole numbers going forward; passes back no gradient at all. A test-only activation. */
    public static final class RoundWithoutGradient extends BaseActivationFunction {
        @Override
        public INDArray getActivation(INDArray in, boolean training) {
            return Transforms.round(in, false);
        }

        @Override
        public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
            return new Pair<>(Nd4j.zerosLike(in), null);
        }

        @Override
        public String toString() {
            return "round-without-gradient";
        }
    }

    /**
     * A test-only layer plugin: the input rounded (no gradient), then an ordinary convolution. Its gradient is
     * broken by design, so it has no gradient check.
     */
    static final class RoundedConvPlugin implements LayerPlugin {
        private final ConvPlugin conv = new ConvPlugin();

        @Override
        public String id() {
            return "rounded-conv";
        }

        @Override
        public String description() {
            return "input rounded with a zero gradient, then a convolution (test only: masks gradients)";
        }

        @Override
        public List<ParamSpec> parameters() {
            return conv.parameters();
        }

        @Override
        public LayerBlock create(LayerParams params, LayerContext context) {
            List<Layer> layers = new ArrayList<>();
            layers.add(new ActivationLayer.Builder().activation(new RoundWithoutGradient())
                    .name(context.slotName() + "_round").build());
            layers.addAll(conv.create(params, context).layers());
            return LayerBlock.of(layers);
        }
    }

    static ComputationGraph trained(String firstLayer) {
        LayerRegistry layers = LayerRegistry.of(List.of(new ConvPlugin(), new RoundedConvPlugin()));
        ModelSpec spec = ModelSpec.of("lenet", 1, 28, 28, firstLayer, "conv").withOptions(Map.of("nfilters", 8, "linear", 32));
        var conf = ModelRegistry.load().get("lenet").build(spec, layers,
                new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).updater(new Adam(2e-3)));
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray x = split.trainFeatures().reshape(-1, 1, 28, 28);
        INDArray y = split.train().labelsOneHot();
        for (int epoch = 0; epoch < 3; epoch++) {
            for (long from = 0; from + 50 <= x.size(0); from += 50) {
                net.fit(new DataSet(x.get(NDArrayIndex.interval(from, from + 50)).dup(),
                        y.get(NDArrayIndex.interval(from, from + 50)).dup()));
            }
        }
        return net;
    }

    @BeforeAll
    static void train() {
        split = Datasets.load("mnist-subset", data, false);
        sound = trained("conv");
        broken = trained("rounded-conv");
    }

    static List<RobustnessRecord> evaluate(ComputationGraph net, List<List<RobustnessRecord>> stored) {
        INDArray pixels = RobustnessSuite.pixels(split.test()).get(NDArrayIndex.interval(0, 100));
        INDArray labels = org.pnnlab.experiments.Evaluation.labelVector(split.test().labels())
                .get(NDArrayIndex.interval(0, 100));
        var request = new RobustnessSuite.Request(List.of("clean", "pgd"), new ThreatSpec(0.2, 0.05, 10),
                EvaluationConfig.NONE.withBatchSize(50), 7);
        return RobustnessSuite.run(AttackRegistry.load(), new RobustnessSuite.Model(net, split.normalization(), "test"),
                pixels, labels, request, null, RobustnessEvaluator.Listener.NONE, stored::add);
    }

    @Test
    void brokenGradientsAreFlagged() {
        List<List<RobustnessRecord>> stored = new ArrayList<>();
        List<RobustnessRecord> out = evaluate(broken, stored);
        RobustnessRecord clean = out.get(0);
        RobustnessRecord pgd = out.get(1);
        assertTrue(clean.accuracy() > 0.5, "the rounded network still classifies: " + clean.accuracy());
        GradientMaskingChecks m = pgd.masking();
        assertNotNull(m);
        assertEquals("model", m.function());
        assertEquals(100, m.evaluated());
        assertFalse(m.subset(), "the 100 images given were all used");
        assertEquals(1.0, m.zeroGradientShare(), "every input gradient is zero");
        assertEquals(Outcome.FAILED, m.result(Check.GRADIENTS).outcome());
        assertFalse(m.passed());
        if (AttackRegistry.load().names().contains(GradientMaskingChecker.SQUARE)) {
            var bb = m.result(Check.BLACK_BOX);
            assertEquals(Outcome.FAILED, bb.outcome(), bb.detail());
            assertTrue(bb.measured() < pgd.accuracy() - 0.2, "Square is far stronger than PGD: " + bb.detail());
        } else {
            assertEquals(Outcome.SKIPPED, m.result(Check.BLACK_BOX).outcome());
        }
        // stored as they finished: clean, then PGD, then PGD again with its checks
        assertEquals(List.of("clean", "pgd-first", "pgd-first"), stored.stream().map(l -> l.get(0).name()).toList());
        assertEquals(null, stored.get(1).get(0).masking());
        assertNotNull(stored.get(2).get(0).masking());
    }

    @Test
    void soundGradientsPass() {
        List<RobustnessRecord> out = evaluate(sound, new ArrayList<>());
        GradientMaskingChecks m = out.get(1).masking();
        assertNotNull(m);
        assertEquals(0.0, m.zeroGradientShare());
        assertEquals(0.0, m.nonFiniteGradientShare());
        for (Check c : List.of(Check.GRADIENTS, Check.EPS_SWEEP_FALLS, Check.LARGE_EPS_AT_CHANCE, Check.STRONGER_ATTACK)) {
            assertEquals(Outcome.PASSED, m.result(c).outcome(), c + ": " + m.result(c).detail());
        }
        assertEquals(Outcome.SKIPPED, m.result(Check.TRANSFER).outcome());
        // the sweep starts at the clean accuracy, includes the evaluation's eps and ends at eps 1
        assertEquals(0.0, m.epsSweep().get(0).eps());
        assertEquals(out.get(0).accuracy(), m.epsSweep().get(0).accuracy(), 1e-12);
        assertTrue(m.epsSweep().stream().anyMatch(p -> p.eps() == 0.2 && p.accuracy() == out.get(1).accuracy()));
        assertEquals(1.0, m.epsSweep().get(m.epsSweep().size() - 1).eps());
        assertEquals(0.1, m.chance(), 1e-12);
    }
}
