package org.pnnlab.experiments;

import org.pnnlab.models.NativeMemory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;

/**
 * Times one slot of a layer plugin on its own: a training-mode forward pass and the backward pass of
 * L = Σ out·g (input and parameter gradients), float32, on random data, after warm-up; the same measurement as
 * {@code bench/convnorm_torch.py} makes for PyTorch. Shapes are {@code N,C,H,W} with C input and output channels.
 */
public final class LayerBench {
    private LayerBench() {
    }

    /** Median and minimum milliseconds per forward + backward. */
    public record Result(String layer, long[] shape, double medianMs, double minMs, int iterations) {
        public String json() {
            return String.format(Locale.ROOT,
                    "{\"impl\": \"pnn\", \"layer\": \"%s\", \"shape\": %s, \"threads\": %s, \"dtype\": \"float32\", "
                            + "\"median_ms\": %.3f, \"min_ms\": %.3f, \"iters\": %d}",
                    layer, Arrays.toString(shape), System.getenv().getOrDefault("OMP_NUM_THREADS", "\"default\""),
                    medianMs, minMs, iterations);
        }
    }

    public static Result run(LayerRegistry registry, String layerId, Map<String, ?> params, long[] shape, int warmup,
                             int iterations) {
        if (shape.length != 4 || Arrays.stream(shape).anyMatch(s -> s < 1)) {
            throw new PnnException("--shape must be N,C,H,W with positive sizes, got " + Arrays.toString(shape));
        }
        int c = (int) shape[1];
        var block = registry.get(layerId).create(params, LayerContext.of("bench", c, c, (int) shape[2], (int) shape[3], 1));
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new NoOp()).list();
        for (var l : block.layers()) lb.layer(l);
        lb.setInputType(InputType.convolutional(shape[2], shape[3], c));
        MultiLayerNetwork net = new MultiLayerNetwork(lb.build());
        net.init();
        net.initGradientsView();
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.FLOAT, shape);
        INDArray g = null;
        double[] ms = new double[iterations];
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int it = -warmup; it < iterations; it++) {
            long t0 = System.nanoTime();
            INDArray cur = x;
            for (int i = 0; i < net.getnLayers(); i++) {
                InputPreProcessor pp = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pp != null) cur = pp.preProcess(cur, (int) shape[0], mgr);
                Layer l = net.getLayer(i);
                l.setInput(cur, mgr);
                cur = l.activate(true, mgr);
            }
            if (g == null) g = Nd4j.randn(DataType.FLOAT, cur.shape());
            INDArray eps = g;
            for (int i = net.getnLayers() - 1; i >= 0; i--) {
                eps = net.getLayer(i).backpropGradient(eps, mgr).getSecond();
            }
            double t = (System.nanoTime() - t0) / 1e6;
            if (it >= 0) ms[it] = t;
            NativeMemory.relieve();
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return new Result(layerId, shape, sorted[sorted.length / 2], sorted[0], iterations);
    }

    /** Parses {@code N,C,H,W}. */
    public static long[] parseShape(String s) {
        try {
            return Arrays.stream(s.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw new PnnException("--shape must be N,C,H,W (e.g. 64,64,32,32), got '" + s + "'");
        }
    }

    /** The shapes the layer comparison uses by default. */
    public static final List<String> DEFAULT_SHAPES = List.of("64,64,32,32", "64,128,16,16");
}
