package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.capability.TestTimeRandomness;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.ThreatSpec;
import org.pnnlab.layers.ConvPlugin;
import org.pnnlab.models.ModelRegistry;
import org.pnnlab.models.ModelSpec;

/**
 * A model with randomness at test time declares it through the {@link TestTimeRandomness} capability (no class
 * name is looked at): the suite then advises {@code --eot}, and with it attacks through expectation over
 * transformation; on a deterministic model {@code --eot} is said to be unneeded.
 */
class TestTimeNoiseTest {
    /** Test-only layer: adds fresh Gaussian noise of sd 0.5 to its input at every call, also in evaluation. */
    public static final class NoiseAtTest extends NoParamLayer {
        public NoiseAtTest() {
        }

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> l,
                                                            int index, INDArray view, boolean init, DataType dt) {
            Runtime r = new Runtime(conf, dt);
            r.setListeners(l);
            r.setIndex(index);
            r.setParamsViewArray(view);
            r.setParamTable(initializer().init(conf, view, init));
            r.setConf(conf);
            return r;
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }

        @Override
        public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
            return null;
        }

        @Override
        public LayerMemoryReport getMemoryReport(InputType inputType) {
            return new LayerMemoryReport.Builder(layerName, NoiseAtTest.class, inputType, inputType)
                    .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
        }

        /** Runtime: the capability is declared here. */
        public static final class Runtime extends AbstractLayer<NoiseAtTest> implements TestTimeRandomness {
            Runtime(NeuralNetConfiguration conf, DataType dataType) {
                super(conf, dataType);
            }

            @Override
            public String randomness() {
                return "Gaussian noise of sd 0.5 added to the input";
            }

            @Override
            public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
                INDArray out = mgr.dup(ArrayType.ACTIVATIONS, input);
                return out.addi(Nd4j.randn(input.dataType(), input.shape()).muli(0.5));
            }

            @Override
            public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
                return new Pair<>(new DefaultGradient(), mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon));
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
            public INDArray params() {
                return null;
            }
        }
    }

    /** Test-only plugin: noise at test time, then a convolution. */
    static final class NoisyConvPlugin implements LayerPlugin {
        private final ConvPlugin conv = new ConvPlugin();

        @Override
        public String id() {
            return "noisy-conv";
        }

        @Override
        public String description() {
            return "Gaussian noise at test time, then a convolution (test only)";
        }

        @Override
        public List<ParamSpec> parameters() {
            return conv.parameters();
        }

        @Override
        public LayerBlock create(LayerParams params, LayerContext context) {
            List<org.deeplearning4j.nn.conf.layers.Layer> layers = new ArrayList<>();
            NoiseAtTest noise = new NoiseAtTest();
            noise.setLayerName(context.slotName() + "_noise");
            layers.add(noise);
            layers.addAll(conv.create(params, context).layers());
            return LayerBlock.of(layers);
        }
    }

    static ComputationGraph lenet(String first) {
        LayerRegistry layers = LayerRegistry.of(List.of(new ConvPlugin(), new NoisyConvPlugin()));
        ModelSpec spec = ModelSpec.of("lenet", 1, 28, 28, first, "conv").withOptions(Map.of("nfilters", 4, "linear", 16));
        ComputationGraph net = new ComputationGraph(ModelRegistry.load().get("lenet").build(spec, layers,
                new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).updater(new NoOp())));
        net.init();
        return net;
    }

    @Test
    void theCapabilityDecidesTheAdviceAndEotIsApplied() {
        ComputationGraph noisy = lenet("noisy-conv");
        ComputationGraph plain = lenet("conv");
        EvaluationConfig one = EvaluationConfig.NONE.withBatchSize(8);
        assertTrue(RobustnessSuite.eotNote(noisy, one).contains("randomness at test time (Gaussian noise of sd 0.5"));
        assertNull(RobustnessSuite.eotNote(noisy, one.withEot(4)));
        assertTrue(RobustnessSuite.eotNote(plain, one.withEot(4)).contains("--eot 4 is unneeded"));
        assertNull(RobustnessSuite.eotNote(plain, one));

        // the evaluation-mode output really is random, and EOT goes through the suite
        Nd4j.getRandom().setSeed(1);
        INDArray pixels = Nd4j.rand(DataType.DOUBLE, 8, 1, 28, 28);
        assertNotEquals(noisy.outputSingle(false, pixels), noisy.outputSingle(false, pixels));
        INDArray labels = Nd4j.createFromArray(new long[] {0, 1, 2, 3, 4, 5, 6, 7});
        List<RobustnessRecord> out = RobustnessSuite.run(AttackRegistry.load(),
                new RobustnessSuite.Model(noisy, Normalization.of(0.5, 0.5), "noisy"), pixels, labels,
                new RobustnessSuite.Request(List.of("fgsm"), new ThreatSpec(0.1, 0.1, 1), one.withEot(4), 2), null,
                RobustnessEvaluator.Listener.NONE, RobustnessSuite.Sink.NONE);
        assertEquals(4, ((Number) out.get(0).settings().get("eot")).intValue());
        assertEquals(8, out.get(0).evaluated());
        assertEquals(8, out.get(0).masking().evaluated());
    }
}
