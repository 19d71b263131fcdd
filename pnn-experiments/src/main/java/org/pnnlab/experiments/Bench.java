package org.pnnlab.experiments;

import org.jspecify.annotations.Nullable;

import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times training iterations ({@code fit} on one mini-batch: forward, backward, update; for adversarial training
 * the whole step, attack included) of an experiment's network on random data of the experiment's input shape,
 * after warm-up iterations.
 */
public final class Bench {
    private Bench() {
    }

    /** Result: per-iteration seconds, sorted. */
    public record Result(double[] seconds, int batchSize) {
        public double median() {
            return seconds[seconds.length / 2];
        }

        public double imagesPerSecond() {
            return batchSize / median();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "median %.1f ms/iteration (min %.1f, max %.1f) = %.0f images/s over %d iterations of batch %d",
                    1000 * median(), 1000 * seconds[0], 1000 * seconds[seconds.length - 1], imagesPerSecond(),
                    seconds.length, batchSize);
        }
    }

    /** Forward (training mode) and backward time per vertex, in ms per iteration, slowest first. */
    public static String profile(ComputationGraph net, int[] shape, int classes, int batch, int warmup, int iterations) {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, shape[0], shape[1], shape[2]).subi(0.5).muli(2);
        org.pnnlab.models.GraphRunner r = new org.pnnlab.models.GraphRunner(net);
        INDArray g = null;
        for (int i = 0; i < warmup + iterations; i++) {
            if (i == warmup) r.time(true);
            INDArray logits = r.forward(x, org.pnnlab.models.ModelFactory.LOGITS, true);
            if (g == null) g = Nd4j.rand(DataType.FLOAT, logits.shape());
            r.backward(g, null);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s %10s %10s%n", "vertex", "fwd ms", "bwd ms"));
        double tf = 0, tb = 0;
        var rows = new java.util.ArrayList<>(r.timings().entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]));
        for (var e : rows) {
            double f = e.getValue()[0] / 1e6 / iterations, b = e.getValue()[1] / 1e6 / iterations;
            tf += f;
            tb += b;
            sb.append(String.format(Locale.ROOT, "%-16s %10.2f %10.2f%n", e.getKey(), f, b));
        }
        sb.append(String.format(Locale.ROOT, "%-16s %10.2f %10.2f%n", "total", tf, tb));
        return sb.toString();
    }

    public static Result trainStep(ComputationGraph net, int[] shape, int classes, int batch, int warmup, int iterations) {
        return trainStep(net, null, shape, classes, batch, warmup, iterations);
    }

    /**
     * Times training iterations; with {@code step} each one is that hand-driven step (for an adversarial run: the
     * PGD attack on the batch, then the objective's forward, backward and update), otherwise {@code fit}.
     */
    public static Result trainStep(ComputationGraph net, org.pnnlab.experiments.train.@Nullable StepStrategy step, int[] shape, int classes, int batch,
                                   int warmup, int iterations) {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, shape[0], shape[1], shape[2]).subi(0.5).muli(2);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) y.putScalar(i, i % classes, 1f);
        DataSet ds = new DataSet(x, y);
        Runnable one = step == null ? () -> net.fit(ds) : () -> step.fit(x, y, 11);
        for (int i = 0; i < warmup; i++) one.run();
        double[] t = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            one.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return new Result(t, batch);
    }
}
