package org.pnnlab.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.NoiseRelu;
import org.pnnlab.layers.dl4j.PerturbationCore;
import org.pnnlab.layers.testing.LayerContracts;

class LayerPluginContractTest {
    static final InputType.InputTypeConvolutional IN = (InputType.InputTypeConvolutional) InputType.convolutional(5, 5, 2);

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("conv", Map.of()),
                Arguments.of("conv", Map.of("kernel", 5, "stride", 2, "bias", true, "act", "tanh")),
                Arguments.of("perturbation", Map.of()),
                Arguments.of("perturbation", Map.of("nmasks", 3, "unique_masks", false, "train_masks", true,
                        "mix_maps", true, "act", "sigmoid")),
                Arguments.of("perturbation", Map.of("nmasks", 2, "noise_type", "normal", "level", 0.2, "use_act", false,
                        "act", "elu")),
                Arguments.of("perturbation", Map.of("filter_size", 1)),
                Arguments.of("perturbation", Map.of("nmasks", 2, "act", "prelu", "mix_maps", true)),
                Arguments.of("perturbation", Map.of("act", "prelu", "use_act", false, "filter_size", 3)),
                Arguments.of("conv", Map.of("act", "prelu", "batch_norm", false)),
                Arguments.of("noise-original", Map.of()),
                Arguments.of("noise-original", Map.of("level", 0.1)),
                Arguments.of("conv", Map.of("act", "srelu")),
                Arguments.of("conv", Map.of("act", "srelu", "batch_norm", false)),
                // every training forward moves u and v by power iteration, also the gradient check's own forwards;
                // with enough steps they stay at their fixed point, where u vᵀ is the exact derivative of σ
                Arguments.of("sn-conv", Map.of("power_iterations", 100)),
                Arguments.of("sn-conv", Map.of("kernel", 1, "stride", 2, "bias", true, "power_iterations", 100, "act", "tanh")),
                Arguments.of("sn-conv", Map.of("batch_norm", false, "act", "srelu", "power_iterations", 100)),
                Arguments.of("sn-conv", Map.of("act", "prelu", "power_iterations", 100)),
                Arguments.of("oni-conv", Map.of()),
                Arguments.of("oni-conv", Map.of("kernel", 1, "stride", 2, "bias", true, "T", 5, "act", "elu")),
                Arguments.of("oni-conv", Map.of("batch_norm", false, "act", "srelu")));
    }

    /**
     * For every registered plugin and every choice of its {@code act} (its defaults otherwise): the input gradient
     * after an evaluation-mode forward equals finite differences.
     */
    @TestFactory
    Stream<DynamicTest> inferenceInputGradientOfEveryPluginAndActivation() {
        List<DynamicTest> tests = new java.util.ArrayList<>();
        for (LayerPlugin p : LayerRegistry.load().plugins()) {
            List<String> acts = p.parameters().stream().filter(s -> s.name().equals("act")).findFirst()
                    .map(org.pnnlab.api.ParamSpec::choices).orElse(List.of());
            List<Map<String, ?>> variants = new java.util.ArrayList<>();
            if (acts.isEmpty()) variants.add(Map.of());
            for (String act : acts) variants.add(Map.of("act", act));
            for (Map<String, ?> params : variants) {
                tests.add(DynamicTest.dynamicTest(p.id() + " " + params, () -> {
                    InputType.InputTypeConvolutional in = acceptedInput(p, params);
                    try {
                        LayerContracts.inferenceInputGradient(p.create(params, context(in)).layers(), in);
                    } catch (IllegalStateException e) {
                        // a defect of its own, not of evaluation mode: a parameter-free feedback layer used as a
                        // plain slot cannot back-propagate at all (SameDiff finds no variable to differentiate)
                        org.junit.jupiter.api.Assumptions.assumeFalse(String.valueOf(e.getMessage())
                                .contains("does not contain any trainable SDVariables"), p.id() + ": " + e.getMessage());
                        throw e;
                    }
                }));
            }
        }
        assertTrue(tests.size() > 30, "every plugin and activation: " + tests.size());
        return tests.stream();
    }

    /** 2 channels in; the first of 6x6 and 1x1 (linear layers) on which the plugin builds and runs. */
    static InputType.InputTypeConvolutional acceptedInput(LayerPlugin p, Map<String, ?> params) {
        RuntimeException last = null;
        for (int size : new int[]{6, 1}) {
            var in = (InputType.InputTypeConvolutional) InputType.convolutional(size, size, 2);
            try {
                MultiLayerNetwork net = LayerContracts.network(p.create(params, context(in)).layers(), in, 3, new Adam(1e-3), 1);
                net.output(org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 2, 2, size, size));
                return in;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        // fb-linear wants flattened features, which a plain image slot does not give it
        org.junit.jupiter.api.Assumptions.abort("layer '" + p.id() + "' builds on neither a 6x6 nor a 1x1 image input: " + last);
        throw new AssertionError(last);
    }

    static LayerContext context(InputType.InputTypeConvolutional in) {
        return LayerContext.of("s", (int) in.getChannels(), 4, (int) in.getHeight(), (int) in.getWidth(), 99);
    }

    /** The check above fails for DL4J's own in-place ActivationLayer, which the layers no longer use. */
    @Test
    void inferenceGradientCheckCatchesAnInPlaceActivation() {
        List<Layer> layers = new java.util.ArrayList<>(build("conv", Map.of("batch_norm", false, "act", "identity")));
        layers.add(new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
                .activation(org.nd4j.linalg.activations.Activation.TANH).build());
        assertThrows(org.opentest4j.AssertionFailedError.class, () -> LayerContracts.inferenceInputGradient(layers, IN));
        LayerContracts.inferenceInputGradient(build("conv", Map.of("batch_norm", false, "act", "tanh")), IN);
    }

    static List<Layer> build(String id, Map<String, ?> params) {
        LayerPlugin p = LayerRegistry.load().get(id);
        return p.create(params, LayerContext.of("s", (int) IN.getChannels(), 4, 5, 5, 99)).layers();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configs")
    void gradientCheck(String id, Map<String, ?> params) {
        LayerContracts.gradientCheck(build(id, params), IN);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configs")
    void jsonRoundTrip(String id, Map<String, ?> params) {
        LayerContracts.jsonRoundTrip(build(id, params), IN);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configs")
    void serializerRoundTrip(String id, Map<String, ?> params, @TempDir File dir) {
        LayerContracts.serializerRoundTrip(build(id, params), IN, dir);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("randomActivations")
    void rreluRoundTrips(String id, Map<String, ?> params, @TempDir File dir) {
        // random slopes make resumed training differ run to run: check the saved model itself
        LayerContracts.jsonRoundTrip(build(id, params), IN);
        MultiLayerNetwork net = LayerContracts.network(build(id, params), IN, 3, new Adam(1e-2), 1);
        DataSet ds = LayerContracts.randomData(IN, 6, 3, 3);
        net.fit(ds);
        File f = new File(dir, "rrelu.zip");
        try {
            org.deeplearning4j.util.ModelSerializer.writeModel(net, f, true);
            MultiLayerNetwork back = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(f, true);
            assertEquals(net.params(), back.params());
            assertEquals(net.output(ds.getFeatures(), false), back.output(ds.getFeatures(), false));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Stream<Arguments> randomActivations() {
        return Stream.of(Arguments.of("perturbation", Map.of("act", "rrelu", "mix_maps", true)),
                Arguments.of("conv", Map.of("act", "rrelu")));
    }

    @Test
    void preluSlopeIsOneParameterSharedByEverySite() {
        List<Layer> layers = build("perturbation", Map.of("nmasks", 2, "act", "prelu", "mix_maps", true));
        assertEquals(1, layers.size(), "the slot is one block");
        org.pnnlab.layers.testing.LayerStack stack = new org.pnnlab.layers.testing.LayerStack(layers, IN, 1);
        INDArray slope = stack.layer(0).getParam(org.pnnlab.layers.dl4j.PReLUBlock.SLOPE);
        assertEquals(0.25, slope.getDouble(0), 0.0);
        long all = stack.layer(0).numParams();
        // W [4,2] + noise [2,2,5,5] + b 4 + bn 16 + mix 16+4 + mix bn 16 + slope 1
        assertEquals(8 + 100 + 4 + 16 + 20 + 16 + 1, all);
        // with slope 0 PReLU is a ReLU at every site, so the block equals the relu slot with the same weights
        INDArray x = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3, 2, 5, 5).subi(0.5);
        slope.assign(0);
        INDArray yPrelu = stack.forward(x, false);
        List<Layer> reluLayers = build("perturbation", Map.of("nmasks", 2, "act", "relu", "mix_maps", true));
        org.pnnlab.layers.testing.LayerStack relu = new org.pnnlab.layers.testing.LayerStack(reluLayers, IN, 1);
        relu.net().params().assign(stack.net().params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, all - 1)));
        assertEquals(relu.forward(x, false), yPrelu);
    }

    @Test
    void rreluUsesRandomSlopesInTrainingAndTheirMeanInEvaluation() {
        org.pnnlab.layers.dl4j.RReLU r = new org.pnnlab.layers.dl4j.RReLU();
        INDArray x = org.nd4j.linalg.factory.Nd4j.linspace(-2, 1, 400, org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(4, 100);
        INDArray y = r.getActivation(x.dup(), true);
        INDArray neg = x.lt(0).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        INDArray ratio = y.div(x).muli(neg); // slopes where x < 0, 0 elsewhere
        double lo = 1.0 / 8, hi = 1.0 / 3;
        for (double v : ratio.data().asDouble()) assertTrue(v == 0 || (v >= lo - 1e-12 && v <= hi + 1e-12), "slope " + v);
        assertTrue(ratio.maxNumber().doubleValue() - ratio.minNumber().doubleValue() > 0.1, "slopes are not random");
        // backprop differentiates the function that was applied
        INDArray g = org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 4, 100);
        INDArray dx = r.backprop(x, g).getFirst();
        assertEquals(ratio.add(neg.rsub(1)), dx);
        INDArray ye = r.getActivation(x.dup(), false);
        assertEquals(x.mul(neg.mul((lo + hi) / 2).addi(neg.rsub(1))), ye);
    }

    @Test
    void registryFindsBothPluginsAndRejectsUnknownIds() {
        LayerRegistry r = LayerRegistry.load();
        assertTrue(r.ids().containsAll(List.of("conv", "perturbation", "noise-original")));
        PnnException e = assertThrows(PnnException.class, () -> r.get("convolution"));
        assertTrue(e.getMessage().contains("known layers") && e.getMessage().contains("perturbation"), e.getMessage());
    }

    @Test
    void duplicateIdsAreRejectedNamingBothClasses() {
        PnnException e = assertThrows(PnnException.class,
                () -> LayerRegistry.of(List.of(new ConvPlugin(), new ConvPlugin())));
        assertTrue(e.getMessage().contains("'conv'") && e.getMessage().contains(ConvPlugin.class.getName()), e.getMessage());
    }

    @Test
    void masksAreFixedDuringTrainingAndFollowTheSeed() {
        List<Layer> layers = build("perturbation", Map.of("nmasks", 2));
        MultiLayerNetwork net = LayerContracts.network(layers, IN, 3, new Adam(1e-2), 1);
        INDArray noise = net.getLayer(0).getParam(PerturbationCore.NOISE).dup();
        INDArray w = net.getLayer(0).getParam(PerturbationCore.WEIGHT).dup();
        DataSet ds = LayerContracts.randomData(IN, 6, 3, 3);
        for (int i = 0; i < 5; i++) net.fit(ds);
        assertEquals(noise, net.getLayer(0).getParam(PerturbationCore.NOISE), "masks changed in training");
        assertNotEquals(w, net.getLayer(0).getParam(PerturbationCore.WEIGHT), "weights did not train");
        // same mask seed -> same masks, whatever the network seed; another slot seed -> other masks
        MultiLayerNetwork again = LayerContracts.network(layers, IN, 3, new Adam(1e-2), 777);
        assertEquals(noise, again.getLayer(0).getParam(PerturbationCore.NOISE));
        List<Layer> other = new PerturbationPlugin().create(Map.of("nmasks", 2), LayerContext.of("s", 2, 4, 5, 5, 100)).layers();
        assertNotEquals(noise, LayerContracts.network(other, IN, 3, new Adam(1e-2), 1).getLayer(0).getParam(PerturbationCore.NOISE));
        // uniform masks are U(-1, 1), stored unscaled
        assertTrue(noise.maxNumber().doubleValue() <= 1 && noise.minNumber().doubleValue() >= -1);
        assertTrue(noise.maxNumber().doubleValue() > 0.5 && noise.minNumber().doubleValue() < -0.5);
    }

    @Test
    void originalNoiseMaskIsFixedScaledAndFollowsTheSeed() {
        List<Layer> layers = build("noise-original", Map.of("level", 0.2));
        assertEquals(List.of("s_noise", "s_bn", "s_conv"), layers.stream().map(Layer::getLayerName).toList());
        MultiLayerNetwork net = LayerContracts.network(layers, IN, 3, new Adam(1e-2), 1);
        INDArray mask = net.getLayer(0).getParam(NoiseRelu.NOISE).dup();
        assertArrayEquals(new long[]{2, 5, 5}, mask.shape());
        INDArray w = net.getLayer(2).getParam("W").dup();
        DataSet ds = LayerContracts.randomData(IN, 6, 3, 3);
        for (int i = 0; i < 5; i++) net.fit(ds);
        assertEquals(mask, net.getLayer(0).getParam(NoiseRelu.NOISE), "mask changed in training");
        assertNotEquals(w, net.getLayer(2).getParam("W"), "weights did not train");
        assertEquals(mask, LayerContracts.network(layers, IN, 3, new Adam(1e-2), 777).getLayer(0).getParam(NoiseRelu.NOISE));
        List<Layer> other = new OriginalNoisePlugin().create(Map.of("level", 0.2), LayerContext.of("s", 2, 4, 5, 5, 100)).layers();
        assertNotEquals(mask, LayerContracts.network(other, IN, 3, new Adam(1e-2), 1).getLayer(0).getParam(NoiseRelu.NOISE));
        // stored already scaled: U(-0.2, 0.2)
        assertTrue(mask.maxNumber().doubleValue() <= 0.2 && mask.minNumber().doubleValue() >= -0.2);
        assertTrue(mask.maxNumber().doubleValue() > 0.1 && mask.minNumber().doubleValue() < -0.1);
        assertEquals(org.pnnlab.api.ParamKind.FIXED, ((NoiseRelu) net.getLayer(0).conf().getLayer()).kindOf(NoiseRelu.NOISE));
        // the same mask for every sample: on a zero input the first layer gives relu(mask) for each sample
        org.pnnlab.layers.testing.LayerStack alone = new org.pnnlab.layers.testing.LayerStack(List.of(layers.get(0)), IN, 1);
        INDArray y = alone.forward(org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3, 2, 5, 5), false);
        INDArray reluMask = org.nd4j.linalg.ops.transforms.Transforms.relu(alone.layer(0).getParam(NoiseRelu.NOISE), true);
        for (int i = 0; i < 3; i++) assertEquals(reluMask, y.slice(i), "sample " + i);
        Exception e = assertThrows(Exception.class, () -> net.output(org.nd4j.linalg.factory.Nd4j.rand(2, 2, 6, 6)));
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof PnnException)) t = t.getCause();
        assertTrue(t.getMessage().contains("[N, 2, 5, 5]"), t.getMessage());
    }

    @Test
    void trainableMasksDoTrain() {
        List<Layer> layers = build("perturbation", Map.of("train_masks", true));
        MultiLayerNetwork net = LayerContracts.network(layers, IN, 3, new Adam(1e-2), 1);
        INDArray noise = net.getLayer(0).getParam(PerturbationCore.NOISE).dup();
        net.fit(LayerContracts.randomData(IN, 6, 3, 3));
        assertNotEquals(noise, net.getLayer(0).getParam(PerturbationCore.NOISE));
    }

    @Test
    void invalidCombinationsAreRejectedWithTheRule() {
        PerturbationPlugin p = new PerturbationPlugin();
        PnnException e = assertThrows(PnnException.class,
                () -> p.create(Map.of("nmasks", 4), LayerContext.of("layer1", 3, 128, 8, 8, 1)));
        assertTrue(e.getMessage().contains("layer1") && e.getMessage().contains("128")
                && e.getMessage().contains("multiple"), e.getMessage());
        e = assertThrows(PnnException.class, () -> p.create(Map.of("noise_type", "cauchy"), LayerContext.of("a", 3, 6, 8, 8, 1)));
        assertTrue(e.getMessage().contains("cauchy") && e.getMessage().contains("uniform"), e.getMessage());
        e = assertThrows(PnnException.class, () -> p.create(Map.of("filter_size", 4), LayerContext.of("a", 3, 6, 8, 8, 1)));
        assertTrue(e.getMessage().contains("filter_size=4"), e.getMessage());
        e = assertThrows(PnnException.class, () -> p.create(Map.of("nmask", 4), LayerContext.of("a", 3, 6, 8, 8, 1)));
        assertTrue(e.getMessage().contains("nmasks"), e.getMessage());
        e = assertThrows(PnnException.class, () -> p.create(Map.of("level", "-1"), LayerContext.of("a", 3, 6, 8, 8, 1)));
        assertTrue(e.getMessage().contains("level") && e.getMessage().contains("range"), e.getMessage());
    }

    @Test
    void wrongInputSizeIsRejected() {
        List<Layer> layers = build("perturbation", Map.of());
        MultiLayerNetwork net = LayerContracts.network(layers, IN, 3, new Adam(1e-2), 1);
        Exception e = assertThrows(Exception.class,
                () -> net.output(org.nd4j.linalg.factory.Nd4j.rand(2, 2, 6, 6)));
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof PnnException)) t = t.getCause();
        assertTrue(t.getMessage().contains("[N, 2, 5, 5]"), t.getMessage());
    }
}
