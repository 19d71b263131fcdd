package org.pnnlab.models.spectra;

import java.util.HashMap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pnnlab.models.GraphRunner;
import org.pnnlab.models.ModelFactory;

/**
 * An empirical local Lipschitz estimate of a classifier: the mean, over images, of the L2 norm of the input gradient
 * of the logit margin m(x) = z_y(x) − max_{j≠y} z_j(x), in evaluation mode. It is a lower bound's worth of evidence
 * where the product of the layers' spectral norms is an upper bound.
 */
public final class LocalLipschitz {
    private LocalLipschitz() {
    }

    /**
     * @param x images in model-input units {@code [N, C, H, W]}
     * @param labelsOneHot {@code [N, classes]}
     * @param batch images per forward pass
     */
    public static double meanMarginGradientNorm(ComputationGraph net, INDArray x, INDArray labelsOneHot, int batch) {
        GraphRunner runner = new GraphRunner(net);
        long n = x.size(0);
        double sum = 0;
        for (long lo = 0; lo < n; lo += batch) {
            long hi = Math.min(n, lo + batch);
            INDArray xb = x.get(NDArrayIndex.interval(lo, hi)).dup('c');
            INDArray y = labelsOneHot.get(NDArrayIndex.interval(lo, hi)).castTo(xb.dataType());
            INDArray logits = runner.forward(xb, ModelFactory.LOGITS, false);
            // the largest wrong logit: push the true class below every other before the argmax
            INDArray others = logits.sub(y.mul(logits.amax().getDouble(0) * 4 + 1e6));
            INDArray rival = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMax(
                    new INDArray[]{others}, false, new int[]{1}))[0];
            INDArray rivalOneHot = Nd4j.createUninitialized(xb.dataType(), y.shape());
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.shape.OneHot(rival, rivalOneHot, (int) y.size(1)));
            INDArray dx = runner.backward(y.sub(rivalOneHot), new HashMap<>());
            INDArray perImage = dx.reshape(hi - lo, dx.length() / (hi - lo)).norm2(1);
            sum += perImage.sumNumber().doubleValue();
        }
        return sum / n;
    }
}
