package org.pnnlab.layers.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.layers.testing.LayerContracts;

/**
 * {@link Pool2d} against a direct transcription of PyTorch's max_pool2d / avg_pool2d (ceil_mode=False,
 * count_include_pad=True; max pads with −∞ and routes the gradient to the first maximum of each window), plus the
 * layer contracts (double-precision gradient check, JSON and ModelSerializer round trips).
 */
class Pool2dTest {
    private DataType before;

    @BeforeEach
    void doubles() {
        before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterEach
    void restore() {
        Nd4j.setDefaultDataTypes(before, before);
    }

    /** Output and input gradient of L = Σ y·g, by windows, in plain Java (the reference). */
    static double[][] reference(double[] x, long[] s, double[] g, Pool2d.Kind kind, int[] k, int[] st, int[] p) {
        int n = (int) s[0], c = (int) s[1], h = (int) s[2], w = (int) s[3];
        int oh = (h + 2 * p[0] - k[0]) / st[0] + 1, ow = (w + 2 * p[1] - k[1]) / st[1] + 1;
        double[] y = new double[n * c * oh * ow];
        double[] dx = new double[x.length];
        for (int nc = 0; nc < n * c; nc++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int o = (nc * oh + i) * ow + j;
                    double best = Double.NEGATIVE_INFINITY, sum = 0;
                    int arg = -1;
                    for (int a = 0; a < k[0]; a++) {
                        for (int b = 0; b < k[1]; b++) {
                            int r = i * st[0] - p[0] + a, q = j * st[1] - p[1] + b;
                            if (r < 0 || r >= h || q < 0 || q >= w) continue; // padding: −∞ for max, 0 for avg
                            double v = x[(nc * h + r) * w + q];
                            sum += v;
                            if (v > best) {
                                best = v;
                                arg = (nc * h + r) * w + q;
                            }
                        }
                    }
                    if (kind == Pool2d.Kind.MAX) {
                        y[o] = best;
                        dx[arg] += g[o];
                    } else {
                        y[o] = sum / (k[0] * k[1]);
                        for (int a = 0; a < k[0]; a++) {
                            for (int b = 0; b < k[1]; b++) {
                                int r = i * st[0] - p[0] + a, q = j * st[1] - p[1] + b;
                                if (r >= 0 && r < h && q >= 0 && q < w) dx[(nc * h + r) * w + q] += g[o] / (k[0] * k[1]);
                            }
                        }
                    }
                }
            }
        }
        return new double[][]{y, dx};
    }

    private static Layer runtime(Pool2d p, long[] s) {
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list().layer(p)
                .setInputType(InputType.convolutional(s[2], s[3], s[1])).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net.getLayer(0);
    }

    @ParameterizedTest(name = "{0} k{1} s{2} p{3} on {4}x{5}, ties {6}")
    @CsvSource({
            "MAX, 3, 2, 1, 7, 6, false", "MAX, 3, 2, 1, 8, 8, true", "MAX, 2, 2, 0, 6, 5, true", "MAX, 3, 1, 1, 5, 5, true",
            "AVG, 3, 2, 1, 7, 6, false", "AVG, 2, 2, 0, 6, 5, false", "AVG, 4, 1, 0, 4, 4, false", "MAX, 4, 1, 0, 4, 4, false"})
    void matchesPyTorchsRules(Pool2d.Kind kind, int k, int st, int p, int h, int w, boolean ties) {
        long[] s = {2, 3, h, w};
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.DOUBLE, s);
        // ReLU-like inputs with many equal values: the gradient must go to the first maximum in each window
        if (ties) x = Transforms.relu(Transforms.round(x.mul(2), false), false);
        Pool2d pool = Pool2d.of("pool", kind, k, st, p);
        Layer l = runtime(pool, s);
        var mgr = LayerWorkspaceMgr.noWorkspaces();
        l.setInput(x, mgr);
        INDArray y = l.activate(true, mgr);
        INDArray g = Nd4j.randn(DataType.DOUBLE, y.shape());
        INDArray dx = l.backpropGradient(g, mgr).getSecond();
        double[][] ref = reference(x.dup().data().asDouble(), s, g.dup().data().asDouble(), kind, new int[]{k, k},
                new int[]{st, st}, new int[]{p, p});
        assertArrayEquals(ref[0], y.dup().data().asDouble(), 1e-15, "output");
        assertArrayEquals(ref[1], dx.dup().data().asDouble(), 1e-15, "input gradient");
        // the gradient after an evaluation-mode forward (attacks) is the same
        l.setInput(x, mgr);
        l.activate(false, mgr);
        assertArrayEquals(ref[1], l.backpropGradient(g, mgr).getSecond().dup().data().asDouble(), 1e-15, "eval gradient");
    }

    private static List<org.deeplearning4j.nn.conf.layers.Layer> stack(Pool2d.Kind kind) {
        return List.of(Conv2d.of("conv", 2, 3, 3, 1, 1, true, -1), Pool2d.of("pool", kind, 3, 2, 1));
    }

    @Test
    void gradientCheckMax() {
        LayerContracts.gradientCheck(stack(Pool2d.Kind.MAX), (InputType.InputTypeConvolutional) InputType.convolutional(7, 6, 2));
    }

    @Test
    void gradientCheckAvg() {
        LayerContracts.gradientCheck(stack(Pool2d.Kind.AVG), (InputType.InputTypeConvolutional) InputType.convolutional(7, 6, 2));
    }

    @Test
    void jsonAndSerializerRoundTrips(@TempDir File dir) {
        var in = (InputType.InputTypeConvolutional) InputType.convolutional(7, 6, 2);
        for (Pool2d.Kind kind : Pool2d.Kind.values()) {
            var back = LayerContracts.jsonRoundTrip(stack(kind), in);
            assertEquals(Pool2d.of("pool", kind, 3, 2, 1), back.getConf(1).getLayer());
            File sub = new File(dir, kind.name());
            sub.mkdirs();
            LayerContracts.serializerRoundTrip(stack(kind), in, sub);
        }
    }

    @Test
    void outputType() {
        var t = (InputType.InputTypeConvolutional) Pool2d.of("p", Pool2d.Kind.MAX, 3, 2, 1)
                .getOutputType(0, InputType.convolutional(28, 27, 5));
        assertEquals(14, t.getHeight());
        assertEquals(14, t.getWidth());
        assertEquals(5, t.getChannels());
    }
}
