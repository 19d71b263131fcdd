package org.pnnlab.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.NoiseRelu;
import org.pnnlab.layers.dl4j.PReLUBlock;
import org.pnnlab.layers.testing.GoldenCases;
import org.pnnlab.layers.testing.LayerStack;

/**
 * One test per folder of the perturbation golden cases: the case's layer is built through the plugin from
 * the case's constructor arguments, loaded with the reference tensors, and its output, input gradient and
 * every parameter gradient (and running statistics after a training-mode forward) must agree to 1e-9.
 */
class PerturbationGoldenTest {
    static final double TOL = 1e-9;

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> perturbationCases() {
        return GoldenCases.tests("perturbation", PerturbationGoldenTest::runCase);
    }

    /**
     * Our own cases in the same format (golden/perturbation-spec, made by src/test/python/make_perturbation_cases.py
     * from the spec in PyTorch): training-mode batch norm with large channel means, mix_maps, fan-out, trainable masks.
     */
    @TestFactory
    Stream<DynamicTest> specCases() {
        return GoldenCases.tests("perturbation-spec", PerturbationGoldenTest::runCase);
    }

    static void runCase(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        String kind = c.path("kind").asText();
        if (kind.equals("original-noise-layer")) {
            runOriginalNoiseCase(dir, c);
            return;
        }
        Assumptions.assumeFalse(kind.equals("model"), "whole-model cases are tested by the model tests (pnn-models)");
        assertEquals("perturbation-layer", kind, dir.getFileName() + ": unknown case kind");
        JsonNode k = c.get("constructor");
        INDArray x0 = GoldenCases.npy(dir, "x.npy");
        checkArguments(dir, k, LAYER_ARGS);
        assertEquals(k.get("input_size").asInt(), (int) x0.size(2), dir.getFileName() + ": input_size vs the input's height");
        assertEquals(k.get("input_size").asInt(), (int) x0.size(3), dir.getFileName() + ": input_size vs the input's width");
        // the reference forces stride 2 for filter_size 7 whatever is passed; no model passes another stride
        assertEquals(1, k.path("stride").asInt(1), dir.getFileName() + ": only the reference's default stride is mapped");
        String act = k.get("act").asText();
        Assumptions.assumeFalse(act.equals("rrelu") && !"eval".equals(c.path("mode").asText()),
                "rrelu draws random slopes in training; only evaluation-mode cases are deterministic");
        Map<String, Object> raw = new HashMap<>();
        raw.put("nmasks", k.get("nmasks").asInt());
        raw.put("level", k.get("level").asDouble());
        raw.put("unique_masks", k.get("unique_masks").asBoolean());
        raw.put("train_masks", k.get("train_masks").asBoolean());
        raw.put("noise_type", k.get("noise_type").asText());
        raw.put("use_act", k.get("use_act").asBoolean());
        raw.put("act", act);
        raw.put("mix_maps", k.get("mix_maps").asBoolean());
        raw.put("filter_size", k.get("filter_size").asInt());
        INDArray x = GoldenCases.npy(dir, "x.npy");
        int cin = k.get("in_channels").asInt();
        int cout = k.get("out_channels").asInt();
        LayerBlock block = new PerturbationPlugin().create(raw,
                LayerContext.of("slot", cin, cout, (int) x.size(2), (int) x.size(3), 7));
        LayerStack stack = new LayerStack(block.layers(), InputType.convolutional(x.size(2), x.size(3), cin), 1);
        boolean mix = k.get("mix_maps").asBoolean();

        boolean training = "train".equals(c.path("mode").asText());
        loadRunAndCompare(dir, c, stack, x, training, mix);
        if (training) {
            for (String stat : List.of("running_mean", "running_var")) {
                Path f = dir.resolve("bn_" + stat + "_after.npy");
                if (Files.exists(f)) {
                    Target t = target("layers.1." + stat, stack, mix);
                    assertClose(dir, f.getFileName().toString(), t.layer.getParam(t.param), stat + " after the update");
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void anUnknownConstructorArgumentFailsNamingItAndTheCase() {
        var k = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("nmasks", 2).put("dilation", 2);
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> checkArguments(Path.of("case-x"), k, LAYER_ARGS));
        assertTrue(e.getMessage().contains("case-x") && e.getMessage().contains("'dilation'"), e.getMessage());
    }

    /**
     * Constructor arguments of the reference PerturbLayer the harness handles: passed to the plugin, taken from
     * the shapes (channels; input_size checked against the input), checked (stride) or without numeric effect
     * (debug prints values).
     */
    static final Set<String> LAYER_ARGS = Set.of("nmasks", "level", "unique_masks", "train_masks", "noise_type", "use_act",
            "act", "mix_maps", "filter_size", "in_channels", "out_channels", "input_size", "stride", "debug");

    /** Fails, naming the case and the argument, on a constructor argument the harness does not handle. */
    static void checkArguments(Path dir, JsonNode constructor, Set<String> known) {
        for (Iterator<String> it = constructor.fieldNames(); it.hasNext(); ) {
            String arg = it.next();
            assertTrue(known.contains(arg), dir.getFileName() + ": reference constructor argument '" + arg + "' = "
                    + constructor.get(arg) + " is not known to the golden harness; map it or say why it has no effect");
        }
    }

    /**
     * The original authors' NoiseLayer through the {@code noise-original} plugin: layer 0 adds the (already
     * scaled) mask and applies ReLU, layer 1 is the input-side BN ({@code layers.1.*}), layer 2 the 1x1
     * convolution ({@code layers.2.*}); the reference key {@code noise} is the mask.
     */
    static void runOriginalNoiseCase(Path dir, JsonNode c) {
        JsonNode k = c.get("constructor");
        checkArguments(dir, k, Set.of("in_planes", "out_planes", "level"));
        INDArray x = GoldenCases.npy(dir, "x.npy");
        int cin = k.get("in_planes").asInt();
        int cout = k.get("out_planes").asInt();
        LayerBlock block = new OriginalNoisePlugin().create(Map.of("level", k.get("level").asDouble()),
                LayerContext.of("slot", cin, cout, (int) x.size(2), (int) x.size(3), 7));
        assertEquals(List.of("slot_noise", "slot_bn", "slot_conv"),
                block.layers().stream().map(org.deeplearning4j.nn.conf.layers.Layer::getLayerName).toList());
        LayerStack stack = new LayerStack(block.layers(), InputType.convolutional(x.size(2), x.size(3), cin), 1);
        INDArray drawn = stack.layer(0).getParam(NoiseRelu.NOISE).dup();
        double level = k.get("level").asDouble();
        assertTrue(drawn.amaxNumber().doubleValue() <= level && drawn.amaxNumber().doubleValue() > level / 2,
                "the layer's own mask is U(-level, level), stored scaled");
        loadRunAndCompare(dir, c, stack, x, "train".equals(c.path("mode").asText()), false);
    }

    /**
     * Loads the reference tensors into the stack, runs it forward and backward with the case's upstream
     * gradient, and compares the output, dL/dx and every listed parameter gradient.
     */
    static void loadRunAndCompare(Path dir, JsonNode c, LayerStack stack, INDArray x, boolean training, boolean mix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("reference_param_to_file").fields(); it.hasNext(); ) {
            var e = it.next();
            Target t = target(e.getKey(), stack, mix);
            INDArray want = t.layer.getParam(t.param);
            INDArray v = GoldenCases.npy(dir, e.getValue().asText());
            assertEquals(want.length(), v.length(), "size of " + e.getKey());
            want.assign(v.reshape(want.shape()));
        }
        assertClose(dir, "y.npy", stack.forward(x, training), "output");
        Map<String, INDArray> grads = new HashMap<>();
        assertClose(dir, "dx.npy", stack.backward(GoldenCases.npy(dir, "g.npy"), grads), "dL/dx");
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("reference_param_to_grad_file").fields(); it.hasNext(); ) {
            var e = it.next();
            Target t = target(e.getKey(), stack, mix);
            INDArray grad = grads.get(t.index + "_" + t.param);
            assertTrue(grad != null, "no gradient for " + e.getKey() + " (" + t.index + "_" + t.param + ")");
            assertClose(dir, e.getValue().asText(), grad, "gradient of " + e.getKey());
        }
    }

    record Target(Layer layer, int index, String param) {
    }

    /**
     * Maps a reference state-dict key to our layer and parameter. With act = prelu the whole slot is one
     * {@link PReLUBlock} whose parameters are its sub-layers' ones prefixed by their index, plus the slope.
     */
    static Target target(String key, LayerStack stack, boolean mix) {
        if (stack.layer(0).conf().getLayer() instanceof PReLUBlock block) {
            if (key.equals("act.weight")) return new Target(stack.layer(0), 0, PReLUBlock.SLOPE);
            String sub = key.equals("noise") ? "0.noise" : null;
            if (sub == null) {
                String[] parts = key.split("\\.");
                int idx = Integer.parseInt(parts[1]) + (parts[0].equals("mix_layers") ? 2 : 0);
                sub = idx + "." + paramName(block.getLayers().get(idx) instanceof BatchNorm, parts[2], key);
            }
            return new Target(stack.layer(0), 0, sub);
        }
        if (key.equals("noise")) return new Target(stack.layer(0), 0, "noise");
        String[] parts = key.split("\\.");
        int idx = Integer.parseInt(parts[1]) + (parts[0].equals("mix_layers") ? 2 : 0);
        Layer l = stack.layer(idx);
        return new Target(l, idx, paramName(l.conf().getLayer() instanceof BatchNorm, parts[2], key));
    }

    private static String paramName(boolean bn, String refName, String key) {
        return switch (refName) {
            case "weight" -> bn ? BatchNorm.GAMMA : "W";
            case "bias" -> bn ? BatchNorm.BETA : "b";
            case "running_mean" -> BatchNorm.MEAN;
            case "running_var" -> BatchNorm.VAR;
            default -> throw new IllegalArgumentException("unmapped reference key " + key);
        };
    }

    static void assertClose(Path dir, String file, INDArray actual, String what) {
        INDArray want = GoldenCases.npy(dir, file);
        double d = GoldenCases.maxAbsDiff(actual, want);
        assertTrue(d <= TOL, dir.getFileName() + ": " + what + " differs from " + file + " by " + d);
    }
}
