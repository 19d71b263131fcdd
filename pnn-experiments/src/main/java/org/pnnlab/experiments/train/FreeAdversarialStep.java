package org.pnnlab.experiments.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.experiments.attack.CrossEntropy;
import org.pnnlab.experiments.attack.GraphTarget;
import org.pnnlab.experiments.attack.PixelSpaceTarget;
import org.pnnlab.models.GraphRunner;
import org.pnnlab.models.ModelFactory;

/**
 * "Free" adversarial training as the ConvNorm recipe runs it (spec CONVNORM 3.6): for each minibatch x (pixels in
 * [0, 1]) the perturbation δ starts at 0 and the batch is replayed m times. Each replay
 * <ol>
 *   <li>feeds clamp(x + δ, 0, 1), normalised, through the network in <b>training</b> mode (batch norm statistics
 *       and ConvNorm's running normalisers move on every replay);</li>
 *   <li>back-propagates the cross-entropy once, giving the parameter gradient and the input gradient;</li>
 *   <li>moves δ ← clamp(δ + α·sign(∇δ), −ε, ε), where ∇δ is the input gradient where the clamp to [0, 1] is not
 *       active and 0 where it is;</li>
 *   <li>hands the parameter gradient to the network's own updater (L2, momentum, schedule) and takes the step.</li>
 * </ol>
 * One minibatch is therefore m optimiser iterations. The normalisation's scale is positive, so the sign of the
 * pixel gradient is the sign of the model-input gradient.
 */
public final class FreeAdversarialStep implements StepStrategy {
    private final ComputationGraph net;
    private final GraphRunner runner;
    private final PixelSpaceTarget pixels;
    private final double eps;
    private final double alpha;
    private final int repeats;
    private final LossTerms terms;
    private INDArray lastDelta;

    public FreeAdversarialStep(ComputationGraph net, AdversarialTraining.Free a, Normalization normalization) {
        this(net, a, normalization, LossTerms.NONE);
    }

    /** With extra loss terms, added to every replay's parameter gradient (not to the perturbation's). */
    public FreeAdversarialStep(ComputationGraph net, AdversarialTraining.Free a, Normalization normalization,
                               LossTerms terms) {
        this.net = net;
        this.terms = terms;
        this.runner = new GraphRunner(net);
        this.pixels = new PixelSpaceTarget(new GraphTarget(net), normalization);
        this.eps = a.eps();
        this.alpha = a.fgsmStep();
        this.repeats = a.repeats();
        if (net.getFlattenedGradients() == null) net.initGradientsView();
    }

    /** Trains on one minibatch (model units, as the data pipeline gives it); returns the mean loss of the replays. */
    @Override
    public double fit(INDArray x, INDArray yOneHot, long iteration) {
        INDArray clean = pixels.toPixels(x);
        INDArray delta = Nd4j.zeros(clean.dataType(), clean.shape());
        long b = x.size(0);
        double lossSum = 0;
        for (int r = 0; r < repeats; r++) {
            INDArray shifted = clean.add(delta);
            INDArray adv = Transforms.min(Transforms.max(shifted, 0.0, true), 1.0, true);
            INDArray logits = runner.forward(pixels.toModel(adv), ModelFactory.LOGITS, true);
            lossSum += CrossEntropy.sum(logits, yOneHot) / b;
            INDArray dx = runner.backward(CrossEntropy.sumGradient(logits, yOneHot), null);
            // where clamp(x + δ) is at a bound the gradient does not reach δ
            INDArray mask = shifted.gte(0.0).castTo(dx.dataType()).muli(shifted.lte(1.0).castTo(dx.dataType()));
            INDArray sign = Transforms.sign(dx.mul(mask), false).castTo(delta.dataType());
            delta.addi(sign.muli(alpha));
            Transforms.min(Transforms.max(delta, -eps, false), eps, false);
            lossSum += terms.addTo(net, (int) b);
            GradientStep.applyUpdate(net, (int) b);
        }
        lastDelta = delta;
        return lossSum / repeats;
    }

    /** The perturbation after the last minibatch's replays, in pixel units (for inspection), or null. */
    public INDArray lastPerturbation() {
        return lastDelta;
    }
}
