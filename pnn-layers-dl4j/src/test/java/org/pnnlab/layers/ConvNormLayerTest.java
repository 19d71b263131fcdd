package org.pnnlab.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.ConvNorm;
import org.pnnlab.layers.dl4j.ConvNormLayer;
import org.pnnlab.layers.testing.LayerContracts;
import org.pnnlab.layers.testing.LayerStack;

/** The layer contracts and the behaviour of ConvNorm beyond the golden cases. */
class ConvNormLayerTest {
    static final InputType.InputTypeConvolutional IN = (InputType.InputTypeConvolutional) InputType.convolutional(6, 5, 2);

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of(Map.of()),
                Arguments.of(Map.of("stride", 2, "act", "tanh")),
                Arguments.of(Map.of("kernel", 1, "stride", 2, "bias", true)),
                Arguments.of(Map.of("affine", false, "momentum", 0.3)),
                Arguments.of(Map.of("bn", false, "padding", 0, "act", "sigmoid")),
                Arguments.of(Map.of("kernel", 5, "padding", 3, "stride", 3, "act", "prelu")),
                Arguments.of(Map.of("kernel", 2, "padding", 1)),
                Arguments.of(Map.of("bn", false, "padding", 0, "act", "identity")),
                Arguments.of(Map.of("bn", false, "act", "sigmoid")),
                Arguments.of(Map.of("padding", 0, "act", "sigmoid")));
    }

    static List<org.deeplearning4j.nn.conf.layers.Layer> build(Map<String, ?> params, InputType.InputTypeConvolutional in) {
        return LayerRegistry.load().get("convnorm")
                .create(params, LayerContext.of("s", (int) in.getChannels(), 3, (int) in.getHeight(), (int) in.getWidth(), 5))
                .layers();
    }

    /** Training mode: every parameter but the weight, whose normaliser is held constant by design. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void gradientCheckInTraining(Map<String, ?> params) {
        LayerContracts.gradientCheck(build(params, IN), IN, Set.of(ConvNorm.WEIGHT));
    }

    /**
     * Evaluation mode (the running normaliser is a constant there): central differences of L = Σ out·g for
     * every trainable value and the input, weight included.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void finiteDifferencesInEvaluation(Map<String, ?> params) {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            LayerStack stack = new LayerStack(build(params, IN), IN, 3);
            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 2, 6, 5);
            stack.forward(x, true); // sets the running normaliser and statistics
            INDArray out = stack.forward(x, false);
            INDArray g = Nd4j.randn(DataType.DOUBLE, out.shape());
            Map<String, INDArray> grads = new HashMap<>();
            INDArray dx = stack.backward(g, grads);
            double h = 1e-6;
            int checked = 0;
            for (int li = 0; li < stack.net().getnLayers(); li++) {
                Layer l = stack.layer(li);
                for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                    String key = e.getKey();
                    String plain = key.substring(key.lastIndexOf('.') + 1);
                    if (Set.of(ConvNorm.RUNNING_V, ConvNorm.COUNTER, "mean", "var").contains(plain)) continue;
                    INDArray p = e.getValue();
                    INDArray analytic = grads.get(li + "_" + key);
                    for (long i = 0; i < p.length(); i++) {
                        double v0 = p.getDouble(i);
                        p.putScalar(i, v0 + h);
                        double up = stack.forward(x, false).mul(g).sumNumber().doubleValue();
                        p.putScalar(i, v0 - h);
                        double down = stack.forward(x, false).mul(g).sumNumber().doubleValue();
                        p.putScalar(i, v0);
                        double numeric = (up - down) / (2 * h);
                        double a = analytic.getDouble(i);
                        assertEquals(numeric, a, 1e-6 * Math.max(1, Math.abs(numeric)), li + "_" + key + "[" + i + "]");
                        checked++;
                    }
                }
            }
            for (long i = 0; i < x.length(); i += 7) {
                double v0 = x.getDouble(i);
                x.putScalar(i, v0 + h);
                double up = stack.forward(x, false).mul(g).sumNumber().doubleValue();
                x.putScalar(i, v0 - h);
                double down = stack.forward(x, false).mul(g).sumNumber().doubleValue();
                x.putScalar(i, v0);
                assertEquals((up - down) / (2 * h), dx.getDouble(i), 1e-6, "input[" + i + "]");
            }
            assertTrue(checked > 20, "checked only " + checked + " values");
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void jsonRoundTrip(Map<String, ?> params) {
        LayerContracts.jsonRoundTrip(build(params, IN), IN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void serializerRoundTrip(Map<String, ?> params, @TempDir File dir) {
        LayerContracts.serializerRoundTrip(build(params, IN), IN, dir);
    }

    @Test
    void runningNormaliserAndCounterAreSavedAndTheScheduleContinues(@TempDir File dir) throws Exception {
        MultiLayerNetwork net = LayerContracts.network(build(Map.of(), IN), IN, 3, new Adam(1e-2), 7);
        DataSet ds = LayerContracts.randomData(IN, 4, 3, 9);
        for (int i = 0; i < 3; i++) net.fit(ds);
        Layer core = net.getLayer(0);
        assertEquals(3, core.getParam(ConvNorm.COUNTER).getLong(0), "one count per training forward");
        INDArray runV = core.getParam(ConvNorm.RUNNING_V);
        assertTrue(runV.minNumber().doubleValue() > 0, "the running normaliser is set after training");
        File f = new File(dir, "m.zip");
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(3, back.getLayer(0).getParam(ConvNorm.COUNTER).getLong(0));
        assertEquals(runV, back.getLayer(0).getParam(ConvNorm.RUNNING_V));
        back.fit(ds);
        assertEquals(4, back.getLayer(0).getParam(ConvNorm.COUNTER).getLong(0));
    }

    @Test
    void cosineScheduleMatchesTheSpecTable() {
        ConvNorm c = ConvNorm.of("c", 1, 1, 3, 1, 1, false, true, -1, true, 40000, 4, 4);
        assertEquals(1 - 1.5e-9, c.emaFactor(1), 1e-10);
        assertEquals(0.99976, c.emaFactor(391), 1e-5);
        assertEquals(0.9766, c.emaFactor(3910), 1e-4);
        assertEquals(0.5, c.emaFactor(20000), 1e-15);
        assertEquals(0.0138, c.emaFactor(37000), 1e-4);
        assertEquals(0.01, c.emaFactor(37450), 1e-12);
        assertEquals(0.01, c.emaFactor(90000), 1e-12);
        assertEquals(0.25, ConvNorm.of("c", 1, 1, 3, 1, 1, false, true, 0.25, true, 40000, 4, 4).emaFactor(5));
        assertEquals(0, ConvNorm.of("c", 1, 1, 3, 1, 1, false, true, -1, false, 40000, 4, 4).emaFactor(5));
    }

    @Test
    void trainingUsesTheCurrentWeightAndEvaluationTheRunningEstimate() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            LayerStack stack = new LayerStack(build(Map.of("bn", false, "act", "identity", "momentum", 0.5), IN), IN, 3);
            ConvNormLayer layer = (ConvNormLayer) stack.layer(0);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 2, 6, 5);
            INDArray fresh = stack.forward(x, false);
            INDArray rb = layer.getParam(ConvNorm.AFFINE_BIAS);
            for (int ch = 0; ch < 3; ch++) {
                assertEquals(0, fresh.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(ch))
                        .sub(rb.getDouble(ch)).amaxNumber().doubleValue(), 1e-12, "a fresh layer gives r's bias in evaluation");
            }
            INDArray v = layer.normaliser();
            stack.forward(x, true);
            assertEquals(v.mul(0.5), layer.getParam(ConvNorm.RUNNING_V), "f = 0.5 from zero");
            stack.forward(x, true);
            assertEquals(v.mul(0.75), layer.getParam(ConvNorm.RUNNING_V));
            INDArray trainOut = stack.forward(x, true);
            INDArray evalOut = stack.forward(x, false);
            assertNotEquals(trainOut, evalOut, "evaluation uses the lagging estimate");
            layer.getParam(ConvNorm.RUNNING_V).assign(v);
            assertEquals(0, stack.forward(x, false).sub(trainOut).amaxNumber().doubleValue(), 1e-12,
                    "with the estimate equal to V, evaluation equals training");
            // the normaliser gives each output channel unit energy at every frequency: Σ_i |Ŵ|² · V² = 1
            INDArray unit = Nd4j.ones(DataType.DOUBLE, v.shape());
            INDArray w = layer.getParam(ConvNorm.WEIGHT);
            INDArray power = new org.pnnlab.layers.dl4j.SpectralFilter(8, 7, DataType.DOUBLE).kernelPower(w);
            assertEquals(0, power.mul(v).mul(v).sub(unit).amaxNumber().doubleValue(), 1e-10);
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void floatAgreesWithDouble() {
        var layers = build(Map.of("stride", 2), IN);
        LayerStack d = new LayerStack(layers, IN, 3);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 2, 6, 5);
        INDArray outD = d.forward(x, true);
        var fconf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list();
        for (var l : layers) fconf.layer(l.clone());
        fconf.setInputType(IN);
        MultiLayerNetwork f = new MultiLayerNetwork(fconf.build());
        f.init(d.net().params().castTo(DataType.FLOAT), true);
        INDArray outF = f.output(x.castTo(DataType.FLOAT), true);
        assertEquals(0, outF.castTo(DataType.DOUBLE).sub(outD).amaxNumber().doubleValue(), 1e-4);
    }

    @Test
    void inputSmallerThanTheKernelIsRejected() {
        var in = (InputType.InputTypeConvolutional) InputType.convolutional(2, 6, 2);
        PnnException e = assertThrows(PnnException.class, () -> build(Map.of(), in));
        assertTrue(e.getMessage().contains("3x3 kernel is larger than its 2x6 input"), e.getMessage());
        PnnException p = assertThrows(PnnException.class, () -> build(Map.of("padding", 3), IN));
        assertTrue(p.getMessage().contains("padding 3 must be at most kernel-1 = 2"), p.getMessage());
    }

    @Test
    void wrongInputSizeAtRunTimeIsRejected() {
        MultiLayerNetwork net = LayerContracts.network(build(Map.of(), IN), IN, 3, new Adam(1e-2), 7);
        PnnException e = assertThrows(PnnException.class, () -> net.output(Nd4j.rand(DataType.DOUBLE, 1, 2, 7, 5)));
        assertTrue(e.getMessage().contains("was built for 6x5 inputs"), e.getMessage());
    }
}
