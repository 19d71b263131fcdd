package org.pnnlab.layers.feedback;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackPlugin;
import org.pnnlab.api.feedback.FeedbackScope;
import org.pnnlab.layers.testing.GoldenCases;

/**
 * One test per layer case of the CNN-F golden family: the case's layer is built through its plugin, the
 * stored call sequence (forward, feedback, and for stateful layers forward-feedback-forward-feedback on one
 * instance) is replayed in a SameDiff graph, and every stored output and gradient must agree to 1e-9.
 * Gradients are for the losses the case defines (sum of an output times its stored upstream gradient),
 * computed by automatic differentiation, so they also check which quantities are constants.
 */
class FeedbackGoldenTest {
    static final double TOL = 1e-9;

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> cnnfLayerCases() {
        return GoldenCases.tests("cnnf", FeedbackGoldenTest::runCase);
    }

    /** The plugin, its parameters and the context for a case's reference layer. */
    record Build(String plugin, Map<String, Object> params, LayerContext ctx) {
    }

    static Build build(JsonNode c, INDArray x) {
        JsonNode k = c.path("constructor");
        String layer = c.path("layer").asText();
        int ch = (int) x.size(1);
        int h = x.rank() == 4 ? (int) x.size(2) : 1;
        int w = x.rank() == 4 ? (int) x.size(3) : 1;
        return switch (layer) {
            case "Conv2d" -> new Build(FeedbackConvPlugin.ID, Map.of("kernel", k.get("kernel_size").asInt(),
                    "stride", k.get("stride").asInt(), "padding", k.get("padding").asInt()),
                    LayerContext.of("s", k.get("in_channels").asInt(), k.get("out_channels").asInt(), h, w, 1));
            case "Linear" -> new Build(FeedbackLinearPlugin.ID, Map.of(),
                    LayerContext.of("s", k.get("in_features").asInt(), k.get("out_features").asInt(), 1, 1, 1));
            case "InsNorm" -> new Build(InsNormPlugin.ID, Map.of(), LayerContext.of("s", ch, ch, h, w, 1));
            case "Bias" -> {
                boolean image = k.get("size").size() == 4;
                yield new Build(FeedbackBiasPlugin.ID, Map.of("over", image ? "channels" : "features"),
                        LayerContext.of("s", ch, ch, h, w, 1));
            }
            case "Flatten" -> new Build(FlattenPlugin.ID, Map.of(), LayerContext.of("s", ch, ch, h, w, 1));
            case "ReLU" -> new Build(AdaReluPlugin.ID, Map.of("res", 0.0), LayerContext.of("s", ch, ch, h, w, 1));
            case "resReLU" -> new Build(AdaReluPlugin.ID, Map.of("res", k.get("res_param").asDouble()),
                    LayerContext.of("s", ch, ch, h, w, 1));
            case "MaxPool2d" -> new Build(AdaPoolPlugin.ID, Map.of(), LayerContext.of("s", ch, ch, h, w, 1));
            case "AvgPool2d" -> new Build(FeedbackAvgPoolPlugin.ID, Map.of("kernel", k.get("kernel_size").asInt(),
                    "scale", k.get("scale_factor").asInt()), LayerContext.of("s", ch, ch, h, w, 1));
            default -> throw new IllegalArgumentException("no feedback layer for reference layer " + layer);
        };
    }

    /** Our parameter name for a reference parameter key. */
    static String param(String refKey) {
        return refKey.startsWith("bias") ? "b" : "W";
    }

    static void runCase(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        Assumptions.assumeFalse(c.path("layer").asText().equals("CNNF"),
                "whole-model case: tested by the model tests (pnn-models)");
        boolean stateful = Files.exists(dir.resolve("x1.npy"));
        if (stateful) {
            runSequence(dir, c, null, null);
            runSequence(dir, c, "ff1", "g1");
            runSequence(dir, c, "ff2", "g2");
        } else {
            runSingle(dir, c, null);
            if (Files.exists(dir.resolve("g.npy"))) runSingle(dir, c, "ff");
            if (Files.exists(dir.resolve("g_fb.npy"))) runSingle(dir, c, "fb");
            if (Files.exists(dir.resolve("ff_out_std.npy"))) {
                Replay r = new Replay(dir, c, Map.of("std", true));
                SDVariable y = r.layer.forward(r.scope, r.input("x"));
                close(dir, "ff_out_std.npy", r.sd.outputSingle(Map.of(), y.name()), "std variant output");
            }
        }
    }

    /** A graph with the case's inputs and parameters as variables and one fresh layer. */
    static final class Replay {
        final Path dir;
        final SameDiff sd = SameDiff.create();
        final FeedbackLayer layer;
        final Map<String, SDVariable> params = new LinkedHashMap<>();
        final Map<String, SDVariable> inputs = new HashMap<>();
        final FeedbackScope scope;

        Replay(Path dir, JsonNode c, Map<String, Object> extra) {
            this.dir = dir;
            INDArray x = GoldenCases.npy(dir, Files.exists(dir.resolve("x.npy")) ? "x.npy" : "x1.npy");
            Build b = build(c, x);
            Map<String, Object> p = new HashMap<>(b.params());
            p.putAll(extra);
            FeedbackPlugin plugin = (FeedbackPlugin) LayerRegistry.load().get(b.plugin());
            layer = plugin.createFeedback(p, b.ctx());
            Map<String, String> files = new HashMap<>();
            c.path("params").fields().forEachRemaining(e -> files.put(param(e.getKey()), e.getValue().asText()));
            for (var e : layer.parameters().entrySet()) {
                INDArray v = GoldenCases.npy(dir, files.get(e.getKey()));
                params.put(e.getKey(), sd.var(e.getKey(), v.reshape(e.getValue()).dup()));
            }
            scope = new FeedbackScope() {
                @Override
                public SameDiff sd() {
                    return sd;
                }

                @Override
                public SDVariable param(String name) {
                    return params.get(name);
                }
            };
        }

        SDVariable input(String name) {
            return inputs.computeIfAbsent(name, n -> sd.var(n, GoldenCases.npy(dir, n + ".npy").dup()));
        }
    }

    /** Stateless layers: forward of x, then feedback of td; optionally a loss on one of them. */
    static void runSingle(Path dir, JsonNode c, String lossOn) {
        Replay r = new Replay(dir, c, Map.of());
        SDVariable ff = r.layer.forward(r.scope, r.input("x"));
        SDVariable fb = Files.exists(dir.resolve("td.npy")) ? r.layer.feedback(r.scope, r.input("td")) : null;
        if (lossOn == null) {
            close(dir, "ff_out.npy", r.sd.outputSingle(Map.of(), ff.name()), "forward output");
            if (fb != null) close(dir, "fb_out.npy", r.sd.outputSingle(Map.of(), fb.name()), "feedback output");
            return;
        }
        boolean onFf = lossOn.equals("ff");
        SDVariable out = onFf ? ff : fb;
        SDVariable g = r.sd.constant(GoldenCases.npy(dir, onFf ? "g.npy" : "g_fb.npy"));
        r.sd.setLossVariables(out.mul(g).sum());
        List<String> wanted = new ArrayList<>(r.params.keySet());
        wanted.add(onFf ? "x" : "td");
        Map<String, INDArray> grads = r.sd.calculateGradients(Map.of(), wanted);
        close(dir, onFf ? "ff_grad_x.npy" : "fb_grad_td.npy", grads.get(onFf ? "x" : "td"), lossOn + " input gradient");
        for (String p : r.params.keySet()) {
            String base = (onFf ? "ff_grad_" : "fb_grad_") + (p.equals("b") ? "bias" : "weight");
            INDArray gp = grads.get(p);
            if (Files.exists(dir.resolve(base + ".npy"))) {
                close(dir, base + ".npy", gp, lossOn + " gradient of " + p);
            } else if (Files.exists(dir.resolve(base + "_t.npy"))) {
                close(dir, base + "_t.npy", gp.transpose(), lossOn + " gradient of " + p + " (transposed)");
            } else {
                throw new AssertionError(dir.getFileName() + ": no stored gradient for " + p + " of the " + lossOn + " use");
            }
        }
    }

    /** Stateful layers: ff1 -> fb1 -> ff2 -> fb2 on one instance; optionally a loss on ff1 or ff2. */
    static void runSequence(Path dir, JsonNode c, String lossOn, String gFile) {
        Replay r = new Replay(dir, c, Map.of());
        r.layer.reset();
        SDVariable ff1 = r.layer.forward(r.scope, r.input("x1"));
        SDVariable fb1 = r.layer.feedback(r.scope, r.input("td1"));
        SDVariable ff2 = r.layer.forward(r.scope, r.input("x2"));
        SDVariable fb2 = r.layer.feedback(r.scope, r.input("td2"));
        if (lossOn == null) {
            Map<String, INDArray> out = r.sd.output(Map.of(), ff1.name(), fb1.name(), ff2.name(), fb2.name());
            close(dir, "ff1_out.npy", out.get(ff1.name()), "step 1 forward");
            close(dir, "fb1_out.npy", out.get(fb1.name()), "step 2 feedback");
            close(dir, "ff2_out.npy", out.get(ff2.name()), "step 3 forward");
            close(dir, "fb2_out.npy", out.get(fb2.name()), "step 4 feedback");
            return;
        }
        SDVariable out = lossOn.equals("ff1") ? ff1 : ff2;
        r.sd.setLossVariables(out.mul(r.sd.constant(GoldenCases.npy(dir, gFile + ".npy"))).sum());
        List<String> wanted = new ArrayList<>(List.of("x1", "td1", "x2"));
        Map<String, INDArray> grads = r.sd.calculateGradients(Map.of(), wanted);
        if (lossOn.equals("ff1")) {
            close(dir, "ff1_grad_x.npy", grads.get("x1"), "step 1 input gradient");
        } else {
            close(dir, "ff2_grad_x.npy", grads.get("x2"), "step 3 input gradient");
            if (Files.exists(dir.resolve("ff2_grad_hidden.npy"))) {
                INDArray gh = grads.get("td1");
                close(dir, "ff2_grad_hidden.npy", gh == null ? Nd4j.zeros(DataType.DOUBLE, r.inputs.get("td1").getShape()) : gh,
                        "step 3 gradient reaching the stored top-down signal");
            }
        }
    }

    static void close(Path dir, String file, INDArray actual, String what) {
        assertTrue(actual != null, dir.getFileName() + ": " + what + " was not computed");
        INDArray want = GoldenCases.npy(dir, file);
        double d = GoldenCases.maxAbsDiff(actual, want);
        assertTrue(d <= TOL, dir.getFileName() + ": " + what + " differs from " + file + " by " + d);
    }
}
