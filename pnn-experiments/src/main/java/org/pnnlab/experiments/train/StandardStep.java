package org.pnnlab.experiments.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Ordinary training: DL4J's {@code fit}, or with gradient clipping the same step through {@link GradientStep}. */
public final class StandardStep implements StepStrategy {
    private final ComputationGraph net;
    private final GradientStep clipped;

    public StandardStep(ComputationGraph net, double gradClip) {
        this.net = net;
        this.clipped = gradClip > 0 ? new GradientStep(net, gradClip) : null;
    }

    @Override
    public double fit(INDArray x, INDArray yOneHot, long iteration) {
        if (clipped == null) {
            net.fit(new DataSet(x, yOneHot));
            return net.score();
        }
        net.setInputs(x);
        net.setLabels(yOneHot);
        net.computeGradientAndScore();
        double loss = net.score();
        clipped.apply((int) x.size(0));
        return loss;
    }
}
