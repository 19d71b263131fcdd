package org.pnnlab.experiments.train;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.capability.AdversarialObjective;
import org.pnnlab.api.capability.Capabilities;
import org.pnnlab.api.capability.InferenceModes;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.experiments.attack.GraphTarget;
import org.pnnlab.experiments.attack.InferenceModeTarget;
import org.pnnlab.experiments.attack.Pgd;
import org.pnnlab.experiments.attack.PixelSpaceTarget;
import org.pnnlab.experiments.attack.ThreatModel;

/**
 * PGD adversarial training (spec CNNF 5.2). Every batch is attacked with PGD-L∞ (random start) on the model's plain
 * first pass in evaluation mode, in [0, 1] pixels, each network seeing its own normalisation. A network whose layer
 * brings its own {@link AdversarialObjective} (CNN-F) trains on it; any other on
 * {@code (λc·CE(clean) + CE(adv)) / 2}, or {@code CE(adv)} alone without the clean terms. Clipping and the update
 * are {@link GradientStep}'s.
 */
public final class PgdAdversarialStep implements StepStrategy {
    private final ComputationGraph net;
    private final AdversarialTraining.Pgd settings;
    private final long seed;
    private final @Nullable AdversarialObjective objective;
    private final PixelSpaceTarget attackTarget;
    private final Pgd pgd;
    private final GradientStep update;
    private final LossTerms terms;

    public PgdAdversarialStep(ComputationGraph net, AdversarialTraining.Pgd settings, double gradClip,
                              Normalization normalization, long seed) {
        this(net, settings, gradClip, normalization, seed, LossTerms.NONE);
    }

    /** With extra loss terms, added to the parameter gradient before clipping and the update. */
    public PgdAdversarialStep(ComputationGraph net, AdversarialTraining.Pgd settings, double gradClip,
                              Normalization normalization, long seed, LossTerms terms) {
        this.net = net;
        this.terms = terms;
        this.settings = settings;
        this.seed = seed;
        this.objective = Capabilities.find(net, AdversarialObjective.class);
        InferenceModes modes = InferenceModeTarget.find(net);
        attackTarget = new PixelSpaceTarget(modes == null ? new GraphTarget(net)
                : InferenceModeTarget.of(net, modes, InferenceModes.Mode.FIRST), normalization);
        pgd = new Pgd(ThreatModel.pgd(settings.threat().eps(), settings.threat().step(), settings.threat().steps(), 0, 1));
        if (objective != null) {
            for (Layer l : net.getLayers()) {
                if (l != objective && l.numParams() > 0) {
                    throw new PnnException("a layer's own adversarial objective trains a network whose only parameters "
                            + "are in that layer; layer " + l.conf().getLayer().getLayerName() + " has " + l.numParams());
                }
            }
        }
        update = new GradientStep(net, gradClip);
    }

    /** The adversarial counterpart of a batch (model units), from the attack seed. */
    public INDArray adversarialExamples(INDArray x, INDArray yOneHot, long attackSeed) {
        INDArray pixels = attackTarget.toPixels(x);
        return attackTarget.toModel(pgd.perturb(attackTarget, pixels, yOneHot, attackSeed));
    }

    @Override
    public double fit(INDArray x, INDArray yOneHot, long iteration) {
        return fit(x, adversarialExamples(x, yOneHot, seed * 0x9E3779B97F4A7C15L + iteration), yOneHot);
    }

    /** Trains on a batch and its given adversarial counterpart. */
    public double fit(INDArray x, INDArray adv, INDArray yOneHot) {
        if (objective != null) {
            double loss = objective.adversarialObjective(x, adv, yOneHot, new AdversarialObjective.Weights(
                    settings.cleanWeight(), settings.mseWeight(), settings.clean()));
            loss += terms.addTo(net, 1);
            update.apply(1); // the objective's gradient is already a mean
            return loss;
        }
        INDArray inputs = adv;
        INDArray labels = yOneHot;
        INDArray mask = null;
        if (settings.clean()) {
            long b = x.size(0);
            inputs = Nd4j.concat(0, x, adv);
            labels = Nd4j.concat(0, yOneHot, yOneHot);
            mask = Nd4j.ones(x.dataType(), 2 * b, 1);
            mask.get(NDArrayIndex.interval(0, b)).assign(settings.cleanWeight());
        }
        net.setInputs(inputs);
        net.setLabels(labels);
        net.setLayerMaskArrays(null, mask == null ? null : new INDArray[] {mask});
        net.computeGradientAndScore();
        double loss = net.score() + terms.addTo(net, (int) inputs.size(0));
        net.clearLayerMaskArrays();
        update.apply((int) inputs.size(0)); // DL4J's gradients are sums; its updater divides by the batch
        return loss;
    }
}
