package org.pnnlab.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.PnnException;

/** cifarnet, resnet18, perturb_resnet18 and noiseresnet18: shapes, training, options, gradients (golden cases: ReferenceModelCase). */
class ReproductionModelsTest {

    /** Small widths of every new model: model, C, HW, first layer, params, other layer, params, options. */
    static Stream<Arguments> small() {
        return Stream.of(
                Arguments.of("cifarnet", 1, 28, "perturbation", Map.of(), "perturbation", Map.of(), Map.of("nfilters", 4)),
                Arguments.of("cifarnet", 3, 32, "conv", Map.of(), "perturbation", Map.of("nmasks", 2),
                        Map.of("nfilters", 4, "pool_type", "avg", "linear", 16)),
                Arguments.of("resnet18", 3, 32, "conv", Map.of(), "conv", Map.of(), Map.of("nfilters", 4)),
                Arguments.of("perturb_resnet18", 3, 32, "perturbation", Map.of(), "perturbation", Map.of(),
                        Map.of("nfilters", 4)),
                Arguments.of("perturb_resnet18", 3, 32, "perturbation", Map.of("filter_size", 3),
                        "perturbation", Map.of("nmasks", 2, "unique_masks", false, "mix_maps", true),
                        Map.of("nfilters", 4, "pool_type", "avg")),
                Arguments.of("perturb_resnet18", 3, 32, "perturbation", Map.of("filter_size", 7),
                        "perturbation", Map.of("filter_size", 1), Map.of("nfilters", 4)),
                Arguments.of("noiseresnet18", 3, 32, "noise-original", Map.of(), "noise-original", Map.of(),
                        Map.of("nfilters", 8)),
                Arguments.of("noiseresnet18", 3, 32, "noise-original", Map.of(), "noise-original", Map.of("level", 0.1),
                        Map.of("nfilters", 8, "first_filter_size", 7)));
    }

    @ParameterizedTest(name = "{0} {1}x{2} {4} {6} {7}")
    @MethodSource("small")
    void smallModelsGiveTenScoresAndTrain(String model, int c, int hw, String first, Map<String, ?> fp, String rest,
                                          Map<String, ?> rp, Map<String, ?> options) {
        ComputationGraph net = ModelTesting.build(model, c, hw, first, rest, fp, rp, options, DataType.FLOAT);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, c, hw, hw);
        assertArrayEquals(new long[]{4, 10}, net.outputSingle(false, x).shape());
        ModelSummary s = ModelSummary.of(net, InputType.convolutional(hw, hw, c));
        assertEquals(ParamCounts.of(net), s.totals());
        // one training step (batch statistics, residual sums, pooling) changes the trainable parameters only
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 10);
        for (int i = 0; i < 4; i++) y.putScalar(i, i, 1);
        ComputationGraph trained = ModelTesting.build(model, c, hw, first, rest, fp, rp, options, DataType.FLOAT,
                new org.nd4j.linalg.learning.config.Adam(1e-2));
        Map<String, INDArray> before = snapshot(trained);
        trained.fit(new DataSet(x, y));
        assertTrue(Double.isFinite(trained.score()), "score " + trained.score());
        boolean changed = false;
        for (Layer l : trained.getLayers()) {
            for (var e : l.paramTable().entrySet()) {
                String key = l.conf().getLayer().getLayerName() + "_" + e.getKey();
                boolean same = before.get(key).equals(e.getValue());
                ParamKind kind = ParamCounts.kindOf(l, e.getKey());
                if (kind == ParamKind.FIXED) assertTrue(same, key + " is fixed but changed");
                if (kind == ParamKind.TRAINABLE && !same) changed = true;
            }
        }
        assertTrue(changed, "nothing trained");
    }

    private static Map<String, INDArray> snapshot(ComputationGraph net) {
        Map<String, INDArray> m = new HashMap<>();
        for (Layer l : net.getLayers()) {
            for (var e : l.paramTable().entrySet()) m.put(l.conf().getLayer().getLayerName() + "_" + e.getKey(), e.getValue().dup());
        }
        return m;
    }

    @Test
    void namesAreReadableAndBlocksHaveTheSpecShapes() {
        ComputationGraph net = build("perturb_resnet18", 3, 32, "perturbation", Map.of("filter_size", 3),
                "perturbation", Map.of("nmasks", 2, "unique_masks", false), Map.of("nfilters", 4), DataType.FLOAT);
        String t = ModelSummary.of(net, InputType.convolutional(32, 32, 3)).render();
        for (String s : List.of("pre_conv", "layer1_0_slot1_perturb", "layer2_0_pool", "layer2_0_shortcut_conv",
                "layer4_1_add", "layer4_1_relu", "avgpool", "logits")) {
            assertTrue(t.contains(s), s + " missing in\n" + t);
        }
        // the first slot of a downsampling block runs at the block's input size, the pool follows it
        assertEquals(List.of(1L, 2L, 32L, 32L), shape(net, "layer2_0_slot1_perturb"));
        assertEquals(List.of(1L, 2L, 16L, 16L), shape(net, "layer2_0_slot2_perturb"));
        assertEquals(List.of(1L, 2L, 4L, 4L), shape(net, "layer4_1_slot2_perturb"));

        ComputationGraph noise = build("noiseresnet18", 3, 32, "noise-original", Map.of(), "noise-original",
                Map.of(), Map.of("nfilters", 8, "first_filter_size", 7), DataType.FLOAT);
        // ffs 7: 8x8 after the pre-layers; the first noise layer of layer2 has a (8, 8, 8) mask, the rest (16, 4, 4)
        assertEquals(List.of(8L, 8L, 8L), shape(noise, "layer2_0_slot1_noise"));
        assertEquals(List.of(16L, 4L, 4L), shape(noise, "layer2_0_slot2_noise"));
        assertEquals(List.of(64L, 1L, 1L), shape(noise, "layer4_1_slot2_noise"));
        String nt = ModelSummary.of(noise, InputType.convolutional(32, 32, 3)).render();
        assertTrue(nt.contains("layer1_0_bn1") && nt.contains("layer3_0_shortcut_bn") && nt.contains("pre_pool"), nt);
    }

    /** Like {@link ModelTesting#build} with each layer id next to its parameters, in float. */
    private static ComputationGraph build(String model, int c, int hw, String first, Map<String, ?> fp, String rest,
                                          Map<String, ?> rp, Map<String, ?> options, DataType dt) {
        return ModelTesting.build(model, c, hw, first, rest, fp, rp, options, dt);
    }

    private static List<Long> shape(ComputationGraph net, String layer) {
        String p = net.getLayer(layer).paramTable().containsKey("noise") ? "noise" : "W";
        return java.util.Arrays.stream(net.getLayer(layer).getParam(p).shape()).boxed().toList();
    }

    @Test
    void badOptionsAreRejectedWithTheRule() {
        PnnException e = assertThrows(PnnException.class, () -> build("noiseresnet18", 3, 32,
                "noise-original", Map.of(), "noise-original", Map.of(), Map.of("first_filter_size", 0), DataType.FLOAT));
        assertTrue(e.getMessage().contains("empty model") && e.getMessage().contains("3 or 7"), e.getMessage());
        e = assertThrows(PnnException.class, () -> build("noiseresnet18", 3, 32,
                "noise-original", Map.of(), "noise-original", Map.of(), Map.of("first_filter_size", 5), DataType.FLOAT));
        assertTrue(e.getMessage().contains("first_filter_size=5"), e.getMessage());
        e = assertThrows(PnnException.class, () -> build("resnet18", 3, 32, "conv", Map.of(), "conv",
                Map.of(), Map.of("pool_type", "avg"), DataType.FLOAT));
        assertTrue(e.getMessage().contains("nfilters"), e.getMessage());
        e = assertThrows(PnnException.class, () -> build("perturb_resnet18", 3, 32, "perturbation",
                Map.of(), "perturbation", Map.of(), Map.of("pool_type", "median"), DataType.FLOAT));
        assertTrue(e.getMessage().contains("median") && e.getMessage().contains("max"), e.getMessage());
        e = assertThrows(PnnException.class, () -> build("perturb_resnet18", 3, 4, "perturbation",
                Map.of(), "perturbation", Map.of(), Map.of("nfilters", 2), DataType.FLOAT));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
        assertTrue(ModelRegistry.load().names().containsAll(
                List.of("lenet", "cifarnet", "resnet18", "perturb_resnet18", "noiseresnet18")));
    }

    @Test
    void configurationsSurviveJson() {
        for (String model : List.of("cifarnet", "resnet18", "perturb_resnet18", "noiseresnet18")) {
            String layer = model.equals("noiseresnet18") ? "noise-original" : "perturbation";
            ComputationGraph net = build(model, 3, 32, layer, Map.of(), layer, Map.of(),
                    Map.of("nfilters", 4), DataType.FLOAT);
            String json = net.getConfiguration().toJson();
            ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
            assertEquals(json, back.toJson(), model);
            assertEquals(net.getConfiguration(), back, model);
        }
    }

    /**
     * Numeric gradient check of small versions in double precision, training mode (batch statistics), with
     * L = sum(logits * g): a few entries of every trainable parameter array and of the input, central
     * differences against {@link GraphRunner}'s back-propagation. (DL4J's own graph gradient checker names the
     * parameters in vertex order while the flat array is in topological order, so its exclusion of fixed
     * parameters hits the wrong ranges on these graphs.)
     */
    @ParameterizedTest(name = "{0} {3} {4}x{4}")
    @MethodSource("tiny")
    void gradientCheck(String model, String first, String rest, Map<String, ?> options, int hw) {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph net = ModelTesting.build(model, 3, hw, first, rest, Map.of(), Map.of(), options, DataType.DOUBLE);
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 3, hw, hw).subi(0.5).muli(2);
            INDArray g = Nd4j.rand(DataType.DOUBLE, 3, 10).subi(0.5);
            GraphRunner r = new GraphRunner(net);
            r.forward(x, ModelFactory.LOGITS, true);
            Map<String, INDArray> grads = new HashMap<>();
            INDArray dx = r.backward(g, grads);
            double eps = 1e-6;
            List<String> failures = new java.util.ArrayList<>();
            int checked = 0;
            for (Layer l : net.getLayers()) {
                String name = l.conf().getLayer().getLayerName();
                for (var e : l.paramTable().entrySet()) {
                    if (ParamCounts.kindOf(l, e.getKey()) != ParamKind.TRAINABLE) continue;
                    INDArray p = e.getValue();
                    INDArray grad = grads.get(name + "_" + e.getKey());
                    assertTrue(grad != null, "no gradient for " + name + "_" + e.getKey());
                    for (long i : entries(p.length(), 3)) {
                        // index by position: the parameter may be an 'f'-order view (dense weights)
                        long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(p.shape(), i);
                        double orig = p.getDouble(at);
                        p.putScalar(at, orig + eps);
                        double plus = loss(r, x, g);
                        p.putScalar(at, orig - eps);
                        double minus = loss(r, x, g);
                        p.putScalar(at, orig);
                        checked++;
                        check(failures, name + "_" + e.getKey() + java.util.Arrays.toString(at), grad.getDouble(at),
                                (plus - minus) / (2 * eps));
                    }
                }
            }
            for (long i : entries(x.length(), 8)) {
                long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(x.shape(), i);
                double orig = x.getDouble(at);
                x.putScalar(at, orig + eps);
                double plus = loss(r, x, g);
                x.putScalar(at, orig - eps);
                double minus = loss(r, x, g);
                x.putScalar(at, orig);
                check(failures, "x" + java.util.Arrays.toString(at), dx.getDouble(at), (plus - minus) / (2 * eps));
            }
            assertTrue(checked > 50, "checked only " + checked);
            assertTrue(failures.isEmpty(), model + " " + options + ": " + failures.size() + " mismatches: " + failures);
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    private static double loss(GraphRunner r, INDArray x, INDArray g) {
        return r.forward(x, ModelFactory.LOGITS, true).mul(g).sumNumber().doubleValue();
    }

    private static long[] entries(long n, int k) {
        if (n <= k) return java.util.stream.LongStream.range(0, n).toArray();
        return java.util.stream.LongStream.range(0, k).map(j -> j * (n - 1) / (k - 1)).toArray();
    }

    private static void check(List<String> failures, String what, double backprop, double numeric) {
        double abs = Math.abs(backprop - numeric);
        double rel = abs / Math.max(1e-12, Math.abs(backprop) + Math.abs(numeric));
        // a bias followed by a training-mode batch norm has gradient 0: its central difference is round-off (~1e-8)
        if (abs > 1e-7 && rel > 1e-5) failures.add(what + ": backprop " + backprop + ", numeric " + numeric);
    }

    static Stream<Arguments> tiny() {
        return Stream.of(
                Arguments.of("resnet18", "conv", "conv", Map.of("nfilters", 2), 16),
                Arguments.of("noiseresnet18", "noise-original", "noise-original", Map.of("nfilters", 2), 16),
                Arguments.of("noiseresnet18", "noise-original", "noise-original", Map.of("nfilters", 2, "first_filter_size", 7), 32),
                Arguments.of("perturb_resnet18", "perturbation", "perturbation", Map.of("nfilters", 3, "pool_type", "avg"), 16),
                Arguments.of("cifarnet", "perturbation", "perturbation", Map.of("nfilters", 3, "dropout", 0.0), 16));
    }
}
