package org.pnnlab.experiments;

import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times training iterations ({@code fit} on one mini-batch: forward, backward, update) of an experiment's
 * network on random data of the experiment's input shape, after warm-up iterations.
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

    public static Result trainStep(ComputationGraph net, int[] shape, int classes, int batch, int warmup, int iterations) {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, shape[0], shape[1], shape[2]).subi(0.5).muli(2);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) y.putScalar(i, i % classes, 1f);
        DataSet ds = new DataSet(x, y);
        for (int i = 0; i < warmup; i++) net.fit(ds);
        double[] t = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            net.fit(ds);
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return new Result(t, batch);
    }
}
