package org.pnnlab.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.pnnlab.layers.dl4j.LeakyRelu;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.layers.dl4j.BatchNorm;

/** The golden harness's translation of reference factory calls ({@link ReferenceModelCase}). */
class ReferenceModelCaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The reference's {@code lenet(...)} call of the held-back case, with all 18 arguments, nfilters 6. */
    static ObjectNode heldBackLenet() {
        ObjectNode kw = JSON.createObjectNode();
        kw.put("nfilters", 6).put("avgpool", 4).put("nclasses", 10).put("nmasks", 3).put("level", 0.5)
                .put("filter_size", 0).put("first_filter_size", 0).put("pool_type", "max").put("input_size", 32)
                .put("scale_noise", 1.5).put("act", "lrelu").put("use_act", true).put("dropout", 0.5)
                .put("unique_masks", true).put("debug", false).put("noise_type", "uniform").put("train_masks", false)
                .put("mix_maps", false);
        return kw;
    }

    @Test
    void everyArgumentOfTheHeldBackCaseReachesTheModel() {
        ReferenceModelCase.Translation t = ReferenceModelCase.translate("case-x", "lenet", heldBackLenet());
        ModelSpec s = t.spec();

        assertEquals(3, s.channels());
        assertEquals(32, s.height());
        assertEquals(Map.of("nfilters", 6, "act", "lrelu", "scale_noise", 1.5, "pool_type", "max", "dropout", 0.5),
                s.options(), "model options; act is also the head's activation");
        assertEquals("lrelu", s.layerParams().get("act"));
        assertEquals("lrelu", s.firstLayerParams().get("act"));
        assertEquals(true, s.firstLayerParams().get("use_act"));
        assertEquals(3, s.firstLayerParams().get("nmasks"));
        assertEquals(0, s.firstLayerParams().get("filter_size"));
        assertEquals(0, s.layerParams().get("filter_size"));
        assertNull(s.layerParams().get("use_act"), "the other slots keep their activation after the noise (plugin default)");
        assertNull(t.avgpool(), "lenet has no average pooling to compare");
    }

    @Test
    void anArgumentWithoutARuleFailsNamingItAndTheCase() {
        ObjectNode kw = heldBackLenet().put("linear", 128);

        AssertionError e = assertThrows(AssertionError.class, () -> ReferenceModelCase.translate("case-model-x", "lenet", kw));

        assertTrue(e.getMessage().contains("case-model-x") && e.getMessage().contains("'linear'"), e.getMessage());
    }

    @Test
    void aMissingArgumentFailsRatherThanTakingOurDefault() {
        ObjectNode kw = heldBackLenet();
        kw.remove("act");

        AssertionError e = assertThrows(AssertionError.class, () -> ReferenceModelCase.translate("case-model-y", "lenet", kw));

        assertTrue(e.getMessage().contains("case-model-y") && e.getMessage().contains("'act'"), e.getMessage());
    }

    @Test
    void anUnknownFactoryFails() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> ReferenceModelCase.translate("case-model-z", "vgg16", heldBackLenet()));

        assertTrue(e.getMessage().contains("case-model-z") && e.getMessage().contains("vgg16"), e.getMessage());
    }

    @Test
    void theResnetsTakeOnlyWhatTheirReferenceUses() {
        ObjectNode kw = heldBackLenet().put("nmasks", 2).put("input_size", 32);
        ReferenceModelCase.Translation r = ReferenceModelCase.translate("c", "resnet18", kw);
        assertEquals(Map.of("nfilters", 6), r.spec().options());
        assertEquals(4, r.avgpool());

        ReferenceModelCase.Translation n = ReferenceModelCase.translate("c", "noiseresnet18",
                kw.deepCopy().put("first_filter_size", 3));
        assertEquals(Map.of("nfilters", 6, "first_filter_size", 3), n.spec().options());
        assertEquals(Map.of("level", 0.5), n.spec().layerParams());
        assertNull(n.avgpool(), "noiseresnet18 derives its pooling from first_filter_size");

        ReferenceModelCase.Translation p = ReferenceModelCase.translate("c", "perturb_resnet18", kw);
        assertEquals("lrelu", p.spec().layerParams().get("act"));
        assertNull(p.spec().options().get("act"), "perturb_resnet18's head has no activation");
    }

    @Test
    void aCifarnetCaseTranslatesLikeLenet() {
        ModelSpec s = ReferenceModelCase.translate("c", "cifarnet", heldBackLenet().put("input_size", 28)).spec();
        assertEquals(1, s.channels());
        assertEquals("lrelu", s.options().get("act"));
        ComputationGraph net = ReferenceModelCase.build(s, DataType.FLOAT);
        BatchNorm head = (BatchNorm) net.getLayer("bn1").conf().getLayer();
        assertInstanceOf(LeakyRelu.class, head.getActivationFn());
    }

    /**
     * A generated case for the held-back configuration: the lenet the harness builds for it has a leaky-ReLU
     * head, and its logits equal an independent computation of the head from the hidden layer's output
     * (batch norm in eval mode, then x if x &gt; 0 else 0.01 x, then the classifier); the same network with
     * a ReLU head differs by exactly 0.01 min(z, 0) W.
     */
    @Test
    void generatedHeldBackCaseUsesTheLeakyReluInTheHead() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ModelSpec spec = ReferenceModelCase.translate("generated-lenet-lrelu", "lenet", heldBackLenet()).spec();
            ComputationGraph net = ReferenceModelCase.build(spec, DataType.DOUBLE);
            BatchNorm head = (BatchNorm) net.getLayer("bn1").conf().getLayer();
            LeakyRelu act = assertInstanceOf(LeakyRelu.class, head.getActivationFn());
            assertEquals(0.01, act.getSlope(), 0.0);

            Nd4j.getRandom().setSeed(7);
            var bn = net.getLayer("bn1");
            INDArray gamma = bn.getParam(BatchNorm.GAMMA);
            gamma.assign(Nd4j.rand(DataType.DOUBLE, gamma.shape()).addi(0.5));
            INDArray beta = bn.getParam(BatchNorm.BETA);
            beta.assign(Nd4j.randn(DataType.DOUBLE, beta.shape()));
            INDArray mean = bn.getParam(BatchNorm.MEAN);
            mean.assign(Nd4j.randn(DataType.DOUBLE, mean.shape()).muli(0.1));
            INDArray var = bn.getParam(BatchNorm.VAR);
            var.assign(Nd4j.rand(DataType.DOUBLE, var.shape()).addi(0.5));
            INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 3, 32, 32);

            Map<String, INDArray> acts = net.feedForward(new INDArray[]{x}, false, false);
            INDArray hidden = acts.get("linear1");
            INDArray logits = acts.get(ModelFactory.LOGITS);
            double[][] h = hidden.toDoubleMatrix();
            double[] g = gamma.toDoubleVector();
            double[] b = beta.toDoubleVector();
            double[] m = mean.toDoubleVector();
            double[] v = var.toDoubleVector();
            double[][] w = net.getLayer(ModelFactory.LOGITS).getParam("W").toDoubleMatrix(); // [128, 10]
            double[] bias = net.getLayer(ModelFactory.LOGITS).getParam("b").toDoubleVector();
            double[][] z = new double[h.length][128];
            int negatives = 0;
            for (int n = 0; n < h.length; n++) {
                for (int j = 0; j < 128; j++) {
                    z[n][j] = (h[n][j] - m[j]) / Math.sqrt(v[j] + 1e-5) * g[j] + b[j];
                    if (z[n][j] < 0) negatives++;
                }
            }
            assertTrue(negatives > 50, "the case must exercise the negative side of the activation: " + negatives);
            double[][] want = head(z, w, bias, 0.01);
            assertEquals(0.0, maxDiff(want, logits.toDoubleMatrix()), 1e-10, "logits vs independent head");

            // the same network with a ReLU head (the harness's old mistake): differs by 0.01 * min(z, 0) W
            ModelSpec reluSpec = spec.withOptions(withAct(spec.options(), "relu"));
            ComputationGraph reluNet = ReferenceModelCase.build(reluSpec, DataType.DOUBLE);
            reluNet.setParams(net.params());
            assertInstanceOf(ActivationReLU.class, ((BatchNorm) reluNet.getLayer("bn1").conf().getLayer()).getActivationFn());
            INDArray reluLogits = reluNet.feedForward(new INDArray[]{x}, false, false).get(ModelFactory.LOGITS);
            assertEquals(0.0, maxDiff(head(z, w, bias, 0.0), reluLogits.toDoubleMatrix()), 1e-10);
            double change = maxDiff(want, reluLogits.toDoubleMatrix());
            assertTrue(change > 1e-3, "the head's activation must show in the logits: " + change);
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    private static Map<String, Object> withAct(Map<String, Object> options, String act) {
        Map<String, Object> o = new java.util.LinkedHashMap<>(options);
        o.put("act", act);
        return o;
    }

    private static double[][] head(double[][] z, double[][] w, double[] bias, double slope) {
        double[][] y = new double[z.length][bias.length];
        for (int n = 0; n < z.length; n++) {
            for (int k = 0; k < bias.length; k++) {
                double s = bias[k];
                for (int j = 0; j < z[n].length; j++) s += (z[n][j] > 0 ? z[n][j] : slope * z[n][j]) * w[j][k];
                y[n][k] = s;
            }
        }
        return y;
    }

    private static double maxDiff(double[][] a, double[][] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) d = Math.max(d, Math.abs(a[i][j] - b[i][j]));
        }
        return d;
    }
}
