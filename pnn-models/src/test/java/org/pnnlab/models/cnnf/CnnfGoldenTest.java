package org.pnnlab.models.cnnf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.layers.feedback.FeedbackNetworkLayer;
import org.pnnlab.layers.testing.GoldenCases;
import org.pnnlab.models.GraphRunner;
import org.pnnlab.models.ModelFactory;

/**
 * The whole-model CNN-F golden cases: weights from the case's generator rule (stored files where present,
 * the rule where not, checked against the case's checks), then logits for 0-3 cycles and the average, the
 * first-pass feature and the cycle-1 reconstruction, the ind = 0 variant, and the input gradients of the
 * summed cross-entropy through the first pass and end to end, and one training objective with its terms and
 * gradients. The case's PGD results are checked where the attacks live (pnn-experiments, CnnfPgdGoldenTest).
 */
public class CnnfGoldenTest {
    static final double TOL = 1e-9;

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> cnnfModelCases() {
        return GoldenCases.list("cnnf").stream()
                .filter(d -> GoldenCases.caseJson(d).path("layer").asText().equals("CNNF"))
                .map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> runCase(d)));
    }

    /** The case's integer-hash weight rule (SplitMix64 finaliser of (salt << 32 | index), mapped to [-scale, scale)). */
    static INDArray generate(long salt, double scale, long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            long z = (salt << 32) | (i & 0xFFFFFFFFL);
            z += 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            double u = (double) (z >>> 11) * 0x1.0p-53;
            v[i] = (2.0 * u - 1.0) * scale;
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /** Our parameter key for a reference parameter name, in a graph whose feedback vertex is {@code logits}. */
    static String key(String ref) {
        String[] p = ref.split("\\.");
        String layer = p[0];
        String ours;
        if (layer.startsWith("conv")) ours = layer + ".W";
        else if (layer.matches("ins\\d_bias")) ours = "bias" + layer.charAt(3) + ".b";
        else if (layer.matches("fc\\d_bias")) ours = "fcbias" + layer.charAt(2) + ".b";
        else if (layer.matches("fc\\d")) ours = layer + ".W";
        else throw new IllegalArgumentException("unmapped reference parameter " + ref);
        return ModelFactory.LOGITS + "_" + ours;
    }

    public static ComputationGraph model(Map<String, ?> options) {
        var registry = org.pnnlab.api.LayerRegistry.load();
        var spec = org.pnnlab.models.ModelSpec.of("cnnf", 1, 28, 28, "conv", "conv").withOptions(options);
        var base = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new org.nd4j.linalg.learning.config.NoOp());
        ComputationGraph net = new ComputationGraph(new CnnfFactory().build(spec, registry, base));
        net.init();
        return net;
    }

    private static final Map<Path, Map<String, INDArray>> WEIGHTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Loads the case's weights (generated and checked once per case) into a cnnf graph. */
    public static void load(Path dir, JsonNode c, ComputationGraph net) {
        WEIGHTS.computeIfAbsent(dir, d -> weights(d, c)).forEach((ref, w) -> {
            INDArray target = net.getParam(key(ref));
            assertEquals(target.length(), w.length(), "size of " + ref);
            target.assign(w.reshape(target.shape()));
        });
    }

    /** Every parameter from the case's generator rule, checked against its stored file or its checks. */
    static Map<String, INDArray> weights(Path dir, JsonNode c) {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        JsonNode gen = c.path("weight_generator").path("params");
        for (Iterator<Map.Entry<String, JsonNode>> it = gen.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode p = e.getValue();
            long[] shape = new long[p.get("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = p.get("shape").get(i).asLong();
            INDArray w = generate(p.get("salt").asLong(), Double.parseDouble(p.get("scale").asText()), shape);
            if (!p.path("file").isNull() && p.has("file")) {
                INDArray stored = GoldenCases.npy(dir, p.get("file").asText());
                assertEquals(0.0, GoldenCases.maxAbsDiff(w, stored), 0.0, "generator reproduces " + e.getKey());
            }
            JsonNode checks = p.path("checks");
            if (!checks.isMissingNode()) {
                INDArray flat = w.reshape(w.length());
                for (int i = 0; i < checks.path("first8").size(); i++) {
                    assertEquals(checks.get("first8").get(i).asDouble(), flat.getDouble(i), 0.0, e.getKey() + " value " + i);
                }
                checks.path("at_index").fields().forEachRemaining(a ->
                        assertEquals(a.getValue().asDouble(), flat.getDouble(Long.parseLong(a.getKey())), 0.0,
                                e.getKey() + " value " + a.getKey()));
                assertEquals(checks.get("sum").asDouble(), w.sumNumber().doubleValue(), 1e-9 * Math.abs(checks.get("sum").asDouble()));
            }
            out.put(e.getKey(), w);
        }
        return out;
    }

    static FeedbackNetworkLayer feedback(ComputationGraph net) {
        return (FeedbackNetworkLayer) net.getLayer(ModelFactory.LOGITS);
    }

    static void runCase(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        JsonNode k = c.get("constructor");
        int ind = k.get("ind").asInt();
        double res = k.get("res_param").asDouble();
        INDArray x = GoldenCases.npy(dir, "x.npy");
        for (int cycles : List.of(1, 2, 3)) {
            ComputationGraph net = model(Map.of("ind", ind, "cycles", cycles, "res", res));
            load(dir, c, net);
            Map<String, INDArray> p = feedback(net).passes(x);
            close(dir, "logits_ff.npy", p.get("logits0"), "first-pass logits");
            close(dir, "logits_cycles" + cycles + ".npy", p.get("logits" + cycles), "logits after " + cycles + " cycles");
            if (cycles == 1) {
                close(dir, "orig_feature.npy", p.get("origin"), "first-pass feature at the reconstruction level");
                close(dir, "recon_cycles1.npy", p.get("recon1"), "cycle-1 reconstruction");
                feedback(net).setOutput(FeedbackNetworkLayer.Output.AVERAGE);
                close(dir, "logits_average1.npy", new GraphRunner(net).forward(x, ModelFactory.LOGITS, false), "average logits");
                INDArray y = Nd4j.zeros(DataType.DOUBLE, x.size(0), 10);
                INDArray labels = GoldenCases.npy(dir, "labels.npy");
                for (int i = 0; i < x.size(0); i++) y.putScalar(i, labels.getInt(i), 1.0);
                feedback(net).setOutput(FeedbackNetworkLayer.Output.FIRST);
                close(dir, "grad_x_ce_first.npy", ceGradient(net, x, y), "input gradient of sum-CE, first pass");
                feedback(net).setOutput(FeedbackNetworkLayer.Output.LAST);
                close(dir, "grad_x_ce_e2e.npy", ceGradient(net, x, y), "input gradient of sum-CE, end to end");
                trainingStep(dir, net, x, y);
            }
        }
        ComputationGraph ind0 = model(Map.of("ind", 0, "cycles", 1, "res", res));
        load(dir, c, ind0);
        Map<String, INDArray> p0 = feedback(ind0).passes(x);
        close(dir, "ind0_logits_cycles1.npy", p0.get("logits1"), "ind=0 logits after one cycle");
        close(dir, "ind0_recon_cycles1.npy", p0.get("recon1"), "ind=0 pixel-level reconstruction");
    }

    /** One CNN-F training objective (Fashion flags) on the clean inputs and the stored PGD-first images. */
    static void trainingStep(Path dir, ComputationGraph net, INDArray x, INDArray y) {
        net.initGradientsView();
        FeedbackNetworkLayer l = feedback(net);
        var v = l.objective(x, GoldenCases.npy(dir, "pgd_first_x_adv.npy"), y,
                new FeedbackNetworkLayer.ObjectiveWeights(0.1, 0.1, true));
        assertEquals(GoldenCases.npy(dir, "train_loss.npy").getDouble(0), v.loss(), TOL, "training loss");
        INDArray ce = GoldenCases.npy(dir, "train_ce_terms.npy");
        for (int pass = 0; pass < ce.size(0); pass++) {
            assertEquals(ce.getDouble(pass, 0), v.terms().get("ce.clean." + pass), TOL, "clean CE of pass " + pass);
            assertEquals(ce.getDouble(pass, 1), v.terms().get("ce.adv." + pass), TOL, "adversarial CE of pass " + pass);
        }
        INDArray mse = GoldenCases.npy(dir, "train_mse_terms.npy");
        for (int i = 0; i < mse.size(0); i++) {
            for (int k = 0; k < mse.size(1); k++) {
                assertEquals(mse.getDouble(i, k), v.terms().get("mse." + (i + 1) + "." + k), TOL, "MSE " + k + " of cycle " + (i + 1));
            }
        }
        Map<String, String> grads = Map.of("train_grad_conv3.weight.npy", "conv3.W", "train_grad_conv1.weight.npy", "conv1.W",
                "train_grad_fc3_tied.npy", "fc3.W", "train_grad_ins3_bias.npy", "bias3.b", "train_grad_fc3_bias.npy", "fcbias3.b");
        Map<String, INDArray> g = paramGradients(l);
        grads.forEach((file, param) -> close(dir, file, g.get(param), "training gradient of " + param));
    }

    static Map<String, INDArray> paramGradients(FeedbackNetworkLayer l) {
        var conf = l.conf();
        return conf.getLayer().initializer().getGradientsFromFlattened(conf, l.getGradientsViewArray());
    }

    /** d(sum over the batch of softmax cross-entropy)/dx through the layer's current output. */
    static INDArray ceGradient(ComputationGraph net, INDArray x, INDArray y) {
        GraphRunner r = new GraphRunner(net);
        INDArray logits = r.forward(x, ModelFactory.LOGITS, false);
        INDArray g = Transforms.softmax(logits, true).sub(y);
        return r.inputGradient(x, ModelFactory.LOGITS, g, false);
    }

    static void close(Path dir, String file, INDArray actual, String what) {
        assertTrue(actual != null, dir.getFileName() + ": " + what + " was not computed");
        double d = GoldenCases.maxAbsDiff(actual, GoldenCases.npy(dir, file));
        assertTrue(d <= TOL, dir.getFileName() + ": " + what + " differs from " + file + " by " + d);
    }
}
