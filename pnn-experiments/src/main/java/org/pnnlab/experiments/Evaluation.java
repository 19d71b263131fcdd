package org.pnnlab.experiments;

import org.pnnlab.models.NativeMemory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Test-set evaluation in evaluation mode (batch norm running statistics, no dropout), every test image
 * counted once, in file order.
 *
 * @param batchCorrect correct predictions of each batch, in order (for the legacy monitor)
 * @param batchSizes size of each batch (the last may be partial)
 * @param confusion counts by true and predicted class (null for an empty set)
 */
public record Evaluation(long correct, long total, int[] batchCorrect, int[] batchSizes,
                         org.pnnlab.api.run.@org.jspecify.annotations.Nullable ConfusionMatrix confusion) {

    /** Correct predictions over the whole test set. */
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /**
     * @param features {@code [N, C*H*W]} normalised images
     * @param labels {@code [N]} class indices as an integer array
     */
    public static Evaluation run(ComputationGraph net, INDArray features, INDArray labels, int[] shape, int batchSize) {
        long n = features.size(0);
        int batches = (int) ((n + batchSize - 1) / batchSize);
        int[] bc = new int[batches];
        int[] bs = new int[batches];
        long correct = 0;
        org.pnnlab.api.run.ConfusionMatrix confusion = null;
        for (int b = 0; b < batches; b++) {
            long from = (long) b * batchSize;
            long to = Math.min(n, from + batchSize);
            INDArray x = features.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())
                    .reshape(to - from, shape[0], shape[1], shape[2]);
            INDArray out = net.outputSingle(false, x);
            INDArray pred = out.argMax(1).castTo(DataType.INT64);
            INDArray want = labels.get(NDArrayIndex.interval(from, to)).castTo(DataType.INT64);
            int c = pred.eq(want).castTo(DataType.INT32).sumNumber().intValue();
            var batchConfusion = org.pnnlab.models.Confusions.of(want, pred, (int) out.size(1));
            confusion = confusion == null ? batchConfusion : confusion.plus(batchConfusion);
            bc[b] = c;
            bs[b] = (int) (to - from);
            correct += c;
            NativeMemory.relieve();
        }
        return new Evaluation(correct, n, bc, bs, confusion);
    }

    /** Integer class labels as an ND4J vector. */
    public static INDArray labelVector(int[] labels) {
        return Nd4j.createFromArray(labels);
    }
}
