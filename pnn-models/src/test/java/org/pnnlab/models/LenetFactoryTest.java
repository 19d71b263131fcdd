package org.pnnlab.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.testing.GoldenCases;

class LenetFactoryTest {

    @Test
    void reproductionDefaultsOnMnistMatchTheSpecCounts() {
        ComputationGraph net = ModelTesting.build("lenet", 1, 28, "perturbation", "perturbation", Map.of(), Map.of(),
                Map.of(), DataType.FLOAT);
        ParamCounts c = ParamCounts.of(net);
        assertEquals(141_578, c.trainable());
        assertEquals(16_464, c.fixed());
        assertEquals(640, c.statistics());
        assertArrayEquals(new long[]{3, 10}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28)).shape());
    }

    @Test
    void reproductionDefaultsOnCifarMatchTheSpecCounts() {
        ComputationGraph net = ModelTesting.build("lenet", 3, 32, "perturbation", "perturbation", Map.of(), Map.of(),
                Map.of(), DataType.FLOAT);
        ParamCounts c = ParamCounts.of(net);
        assertEquals(141_706, c.trainable());
        assertEquals(23_552, c.fixed());
        assertEquals(640, c.statistics());
        assertArrayEquals(new long[]{2, 10}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32)).shape());
    }

    @Test
    void convolutionLenetHasTheFormulaCount() {
        // ordinary slot C->O with k=3: O*C*9 + 2*O (no bias)
        ComputationGraph net = ModelTesting.build("lenet", 1, 28, "conv", "conv", Map.of(), Map.of(), Map.of(), DataType.FLOAT);
        long slots = (64 * 9 + 128) + 2 * (64L * 64 * 9 + 128);
        long fc = 1024 * 128 + 128 + 256 + 128 * 10 + 10;
        assertEquals(slots + fc, ParamCounts.of(net).trainable());
        assertEquals(0, ParamCounts.of(net).fixed());
        String table = ModelSummary.of(net, org.deeplearning4j.nn.conf.inputs.InputType.convolutional(28, 28, 1)).render();
        assertTrue(table.contains("64x14x14") && table.contains("64x4x4"), table);
    }

    @Test
    void thePnnDesignMixesPluginsAcrossSlots() {
        ComputationGraph net = ModelTesting.build("lenet", 1, 28, "conv", "perturbation", Map.of(), Map.of("nmasks", 2),
                Map.of("nfilters", 8), DataType.FLOAT);
        assertTrue(net.getLayer("slot1_conv") != null && net.getLayer("slot2_perturb") != null);
        // masks 8*2*14*14 + 8*2*7*7
        assertEquals(8 * 2 * 14 * 14 + 8 * 2 * 49, ParamCounts.of(net).fixed());
    }

    @Test
    void badOptionsAreRejected() {
        PnnException e = assertThrows(PnnException.class, () -> ModelTesting.build("lenet", 1, 28, "conv", "conv",
                Map.of(), Map.of(), Map.of("nfilter", 3), DataType.FLOAT));
        assertTrue(e.getMessage().contains("nfilters"), e.getMessage());
        e = assertThrows(PnnException.class, () -> ModelTesting.build("lenet", 1, 28, "conv", "no-such-layer",
                Map.of(), Map.of(), Map.of(), DataType.FLOAT));
        assertTrue(e.getMessage().contains("known layers"), e.getMessage());
        e = assertThrows(PnnException.class, () -> ModelRegistry.load().get("vgg"));
        assertTrue(e.getMessage().contains("lenet"), e.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> modelGoldenCases() {
        return GoldenCases.list("perturbation").stream()
                .filter(d -> d.getFileName().toString().startsWith("case-model-"))
                .map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> runModelCase(d)));
    }

    static void runModelCase(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        String factory = c.get("factory").asText();
        if (factory.equals("perturb_resnet18")) {
            ReproductionModelsTest.runPerturbResnetCase(dir);
            return;
        }
        Assumptions.assumeTrue(factory.equals("lenet"), "model " + factory + " is not built yet");
        JsonNode kw = c.get("factory_kwargs");
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        Map<String, Object> layer = new HashMap<>();
        for (String k : List.of("nmasks", "level", "unique_masks", "train_masks", "noise_type", "act", "mix_maps")) {
            JsonNode v = kw.get(k);
            layer.put(k, v.isNumber() ? (Object) v.numberValue() : v.isBoolean() ? (Object) v.asBoolean() : v.asText());
        }
        Map<String, Object> first = new HashMap<>(layer);
        first.put("use_act", kw.get("use_act").asBoolean());
        String firstId = kw.get("first_filter_size").asInt() == 0 ? "perturbation" : "conv";
        String restId = kw.get("filter_size").asInt() == 0 ? "perturbation" : "conv";
        int in = kw.get("input_size").asInt();
        ComputationGraph net = ModelTesting.build("lenet", in == 28 ? 1 : 3, in, firstId, restId, first, layer,
                Map.of("nfilters", kw.get("nfilters").asInt(), "pool_type", kw.get("pool_type").asText(),
                        "dropout", kw.get("dropout").asDouble(), "scale_noise", kw.get("scale_noise").asDouble()),
                DataType.DOUBLE);
        INDArray flat = GoldenCases.npy(dir, "params.npy");
        for (JsonNode e : c.get("params_index")) {
            if (e.has("alias_of")) continue;
            String key = e.get("key").asText();
            long off = e.get("offset").asLong();
            long n = 1;
            for (JsonNode s : e.get("shape")) n *= s.asLong();
            INDArray v = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(off, off + n));
            String[] target = lenetParam(key);
            Layer l = net.getLayer(target[0]);
            INDArray p = l.getParam(target[1]);
            assertEquals(p.length(), n, "size of " + key);
            if (target.length == 3) { // linear weight: PyTorch [out, in], DL4J [in, out]
                long out = e.get("shape").get(0).asLong();
                p.assign(v.reshape(out, n / out).transpose());
            } else {
                p.assign(v.reshape(p.shape()));
            }
        }
        GraphRunner r = new GraphRunner(net);
        INDArray x = GoldenCases.npy(dir, "x.npy");
        INDArray y = r.forward(x, ModelFactory.LOGITS, false);
        double dy = GoldenCases.maxAbsDiff(y, GoldenCases.npy(dir, "y.npy"));
        assertTrue(dy <= 1e-9, "logits differ by " + dy);
        INDArray dx = r.backward(GoldenCases.npy(dir, "g.npy"), new HashMap<>());
        double ddx = GoldenCases.maxAbsDiff(dx, GoldenCases.npy(dir, "dx.npy"));
        assertTrue(ddx <= 1e-9, "dL/dx differs by " + ddx);
    }

    /** Reference key of the lenet state dict -> {our layer, our param[, "T" if transposed]}. */
    static String[] lenetParam(String key) {
        String[] p = key.split("\\.");
        if (p[0].equals("first_layers")) {
            String slot = "slot" + (Integer.parseInt(p[1]) / 2 + 1);
            if (p[2].equals("noise")) return new String[]{slot + "_perturb", "noise"};
            boolean bn = p[3].equals("1");
            String layer = slot + (bn ? "_bn" : (p[3].equals("0") ? "_perturb" : "?"));
            return new String[]{layer, bnOrDense(p[4], bn)};
        }
        return switch (p[0]) {
            case "linear1" -> p[1].equals("weight") ? new String[]{"linear1", "W", "T"} : new String[]{"linear1", "b"};
            case "linear2" -> p[1].equals("weight") ? new String[]{"logits", "W", "T"} : new String[]{"logits", "b"};
            case "batch_norm" -> new String[]{"bn1", bnOrDense(p[1], true)};
            default -> throw new IllegalArgumentException("unmapped key " + key);
        };
    }

    static String bnOrDense(String suffix, boolean bn) {
        return switch (suffix) {
            case "weight" -> bn ? BatchNorm.GAMMA : "W";
            case "bias" -> bn ? BatchNorm.BETA : "b";
            case "running_mean" -> BatchNorm.MEAN;
            case "running_var" -> BatchNorm.VAR;
            default -> throw new IllegalArgumentException(suffix);
        };
    }
}
