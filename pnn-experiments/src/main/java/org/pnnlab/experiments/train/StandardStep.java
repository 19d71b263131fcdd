package org.pnnlab.experiments.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Ordinary training: DL4J's {@code fit}, or, with gradient clipping or extra loss terms, the same step through
 * {@link GradientStep} with the terms' gradients added to the network's before clipping and the update.
 */
public final class StandardStep implements StepStrategy {
    private final ComputationGraph net;
    private final GradientStep update;
    private final LossTerms terms;

    public StandardStep(ComputationGraph net, double gradClip) {
        this(net, gradClip, LossTerms.NONE);
    }

    public StandardStep(ComputationGraph net, double gradClip, LossTerms terms) {
        this.net = net;
        this.terms = terms;
        this.update = gradClip > 0 || !terms.isEmpty() ? new GradientStep(net, gradClip) : null;
    }

    @Override
    public double fit(INDArray x, INDArray yOneHot, long iteration) {
        if (update == null) {
            net.fit(new DataSet(x, yOneHot));
            return net.score();
        }
        net.setInputs(x);
        net.setLabels(yOneHot);
        net.computeGradientAndScore();
        int batch = (int) x.size(0);
        double loss = net.score() + terms.addTo(net, batch);
        update.apply(batch);
        return loss;
    }
}
