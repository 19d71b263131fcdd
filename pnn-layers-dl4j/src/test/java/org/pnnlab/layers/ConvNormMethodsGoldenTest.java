package org.pnnlab.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.layers.dl4j.OniConv;
import org.pnnlab.layers.dl4j.ShiftedRelu;
import org.pnnlab.layers.dl4j.SpectralNormConv;
import org.pnnlab.layers.testing.GoldenCases;
import org.pnnlab.layers.testing.LayerStack;

/**
 * One test per folder of the ConvNorm comparison methods' golden cases ({@code convnorm-methods}): spectral-norm
 * convolutions ({@code case-sn-*}), ONI convolutions ({@code case-oni-*}) and the shifted ReLU
 * ({@code case-srelu-*}). The layers are built through their plugins (without batch norm, identity activation)
 * from each case's constructor arguments and loaded with the reference tensors; the output, the input gradient and
 * every parameter gradient of L = Σ out·g must agree to 1e-9, and so must u, v and σ after the case's forwards
 * (SN) and the applied kernel (ONI).
 */
class ConvNormMethodsGoldenTest {
    static final String FAMILY = "convnorm-methods";
    static final double TOL = 1e-9;

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> spectralNormCases() {
        return GoldenCases.tests(FAMILY, "sn", ConvNormMethodsGoldenTest::spectralNorm);
    }

    @TestFactory
    Stream<DynamicTest> oniCases() {
        return GoldenCases.tests(FAMILY, "oni", ConvNormMethodsGoldenTest::oni);
    }

    @TestFactory
    Stream<DynamicTest> shiftedReluCases() {
        return GoldenCases.tests(FAMILY, "srelu", ConvNormMethodsGoldenTest::shiftedRelu);
    }

    private static void close(String what, INDArray expected, INDArray actual) {
        assertEquals(expected.length(), actual.length(), what + ": size");
        double d = GoldenCases.maxAbsDiff(expected, actual);
        assertTrue(d <= TOL, what + ": max |difference| " + d + " > " + TOL);
    }

    /** The convolution slot of a plugin, without batch norm and activation, for the case's input. */
    private static LayerStack convSlot(LayerPluginBuilder plugin, JsonNode k, Map<String, Object> extra, INDArray x) {
        Map<String, Object> raw = new HashMap<>(extra);
        raw.put("kernel", k.get("kernel_size").asInt());
        raw.put("stride", k.get("stride").asInt());
        raw.put("padding", k.get("padding").asInt());
        raw.put("bias", k.get("bias").asBoolean());
        raw.put("batch_norm", false);
        raw.put("act", "identity");
        int cin = k.get("in_channels").asInt();
        LayerBlock block = plugin.create(raw, LayerContext.of("slot", cin, k.get("out_channels").asInt(),
                (int) x.size(2), (int) x.size(3), 1));
        assertEquals(1, block.layers().size(), "without batch norm and activation the slot is the convolution alone");
        return new LayerStack(block.layers(), InputType.convolutional(x.size(2), x.size(3), cin), 1);
    }

    private interface LayerPluginBuilder {
        LayerBlock create(Map<String, ?> raw, LayerContext ctx);
    }

    static void spectralNorm(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        JsonNode k = c.get("constructor");
        boolean train = c.get("mode").asText().equals("train");
        INDArray x = GoldenCases.npy(dir, "input.npy");
        LayerStack stack = convSlot(new SnConvPlugin()::create, k, Map.of("power_iterations", k.get("n_power_iterations").asInt()), x);
        Layer conv = stack.layer(0);
        conv.getParam(SpectralNormConv.WEIGHT).assign(GoldenCases.npy(dir, "weight_orig.npy"));
        conv.getParam(SpectralNormConv.U).assign(GoldenCases.npy(dir, "u_before.npy"));
        conv.getParam(SpectralNormConv.V).assign(GoldenCases.npy(dir, "v_before.npy"));
        INDArray out = null;
        for (int i = 0; i < c.get("forwards").asInt(); i++) out = stack.forward(x, train);
        close("output", GoldenCases.npy(dir, "output.npy"), out);
        close("u after", GoldenCases.npy(dir, "u_after.npy"), conv.getParam(SpectralNormConv.U));
        close("v after", GoldenCases.npy(dir, "v_after.npy"), conv.getParam(SpectralNormConv.V));
        close("sigma", GoldenCases.npy(dir, "sigma.npy"),
                Nd4j.scalar(((SpectralNormConv.Runtime) conv).lastSigma()).reshape(1));
        Map<String, INDArray> grads = new HashMap<>();
        INDArray dx = stack.backward(GoldenCases.npy(dir, "grad_output.npy"), grads);
        close("grad_input", GoldenCases.npy(dir, "grad_input.npy"), dx);
        close("grad_weight_orig", GoldenCases.npy(dir, "grad_weight_orig.npy"), grads.get("0_" + SpectralNormConv.WEIGHT));
        assertEquals(0.0, grads.get("0_" + SpectralNormConv.U).amaxNumber().doubleValue(), "u is not trained");
        assertEquals(0.0, grads.get("0_" + SpectralNormConv.V).amaxNumber().doubleValue(), "v is not trained");
    }

    static void oni(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        JsonNode k = c.get("constructor");
        assertEquals(1, k.get("norm_groups").asInt(), "one norm group");
        INDArray x = GoldenCases.npy(dir, "input.npy");
        LayerStack stack = convSlot(new OniConvPlugin()::create, k, Map.of("T", k.get("T").asInt()), x);
        Layer conv = stack.layer(0);
        OniConv conf = (OniConv) conv.conf().getLayer();
        assertEquals(c.get("variant").asText().equals("column"), conf.columnVariant(), "variant");
        conv.getParam(OniConv.WEIGHT).assign(GoldenCases.npy(dir, "weight.npy"));
        conv.getParam(OniConv.SCALE).assign(GoldenCases.npy(dir, "scale.npy"));
        close("weight_q", GoldenCases.npy(dir, "weight_q.npy"), ((OniConv.Runtime) conv).inferenceKernel());
        for (boolean train : List.of(false, true)) {
            INDArray out = stack.forward(x, train);
            close("output (training " + train + ")", GoldenCases.npy(dir, "output.npy"), out);
            Map<String, INDArray> grads = new HashMap<>();
            INDArray dx = stack.backward(GoldenCases.npy(dir, "grad_output.npy"), grads);
            close("grad_input", GoldenCases.npy(dir, "grad_input.npy"), dx);
            close("grad_weight", GoldenCases.npy(dir, "grad_weight.npy"), grads.get("0_" + OniConv.WEIGHT));
            close("grad_scale", GoldenCases.npy(dir, "grad_scale.npy"), grads.get("0_" + OniConv.SCALE));
        }
    }

    static void shiftedRelu(Path dir) {
        INDArray x = GoldenCases.npy(dir, "input.npy");
        INDArray b = GoldenCases.npy(dir, "bias.npy");
        LayerStack stack = new LayerStack(List.of(ShiftedRelu.of("srelu", x.size(1))),
                InputType.convolutional(x.size(2), x.size(3), x.size(1)), 1);
        stack.layer(0).getParam(ShiftedRelu.SHIFT).assign(b.reshape(x.size(1)));
        for (boolean train : List.of(false, true)) {
            close("output (training " + train + ")", GoldenCases.npy(dir, "output.npy"), stack.forward(x, train));
            Map<String, INDArray> grads = new HashMap<>();
            INDArray dx = stack.backward(GoldenCases.npy(dir, "grad_output.npy"), grads);
            close("grad_input", GoldenCases.npy(dir, "grad_input.npy"), dx);
            close("grad_bias", GoldenCases.npy(dir, "grad_bias.npy"), grads.get("0_" + ShiftedRelu.SHIFT));
        }
        close("input unchanged", GoldenCases.npy(dir, "input.npy"), x);
    }
}
