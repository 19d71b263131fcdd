package org.pnnlab.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;
import org.pnnlab.datasets.Normalization;
import org.pnnlab.experiments.attack.FeedbackModeTarget;
import org.pnnlab.experiments.attack.GraphTarget;
import org.pnnlab.experiments.attack.Pgd;
import org.pnnlab.experiments.attack.PixelSpaceTarget;
import org.pnnlab.experiments.attack.ThreatModel;
import org.pnnlab.layers.feedback.FeedbackNetworkLayer;
import org.pnnlab.models.ParamCounts;
import org.pnnlab.api.ParamKind;

/**
 * One optimisation step that DL4J's {@code fit} cannot express: adversarial training (spec CNNF 5.2) and/or global
 * gradient-norm clipping. The gradient is computed here, clipped over the trainable parameters, and handed to the
 * network's own updater (so per-parameter updaters, L2 and the learning-rate schedule apply exactly as in
 * {@code fit}), then subtracted from the parameters.
 *
 * <ul>
 *   <li>Adversarial examples: PGD-L∞ with a random start on the plain first pass, in evaluation mode, in [0, 1]
 *       pixels (the threat model's units), each network seeing its own normalisation.</li>
 *   <li>A feedback network is trained on the CNN-F objective ({@link FeedbackNetworkLayer#objective}); any other
 *       network on {@code (λc·CE(clean) + CE(adv)) / 2}, or {@code CE(adv)} alone without the clean terms.</li>
 *   <li>Clipping follows PyTorch's {@code clip_grad_norm_}: scale by {@code max/(norm + 1e-6)} when that is
 *       below 1, before weight decay is added.</li>
 * </ul>
 */
public final class TrainingStep {
    private final ComputationGraph net;
    private final ExperimentSpec.@Nullable Adversarial adversarial;
    private final double gradClip;
    private final @Nullable FeedbackNetworkLayer feedback;
    private final @Nullable PixelSpaceTarget attackTarget;
    private final @Nullable Pgd pgd;
    private final List<INDArray> trainableGradients = new ArrayList<>();

    public TrainingStep(ComputationGraph net, ExperimentSpec.@Nullable Adversarial adversarial, double gradClip,
                        Normalization normalization) {
        this.net = net;
        this.adversarial = adversarial;
        this.gradClip = gradClip;
        this.feedback = FeedbackModeTarget.feedbackLayer(net);
        if (adversarial != null) {
            GraphTarget g = new GraphTarget(net);
            attackTarget = new PixelSpaceTarget(feedback == null ? g
                    : FeedbackModeTarget.of(net, feedback, FeedbackNetworkLayer.Output.FIRST), normalization);
            pgd = new Pgd(ThreatModel.pgd(adversarial.eps(), adversarial.step(), adversarial.steps(), 0, 1));
        } else {
            attackTarget = null;
            pgd = null;
        }
        if (feedback != null && adversarial != null) {
            for (Layer l : net.getLayers()) {
                if (l != feedback && l.numParams() > 0) {
                    throw new PnnException("the CNN-F objective trains a network whose only parameters are in its "
                            + "feedback layer; layer " + l.conf().getLayer().getLayerName() + " has " + l.numParams());
                }
            }
        }
        if (net.getFlattenedGradients() == null) net.initGradientsView(); // DL4J makes it on the first fit
        for (Layer l : net.getLayers()) {
            if (l.numParams() == 0) continue;
            Map<String, INDArray> views = l.conf().getLayer().initializer()
                    .getGradientsFromFlattened(l.conf(), l.getGradientsViewArray());
            for (Map.Entry<String, INDArray> e : views.entrySet()) {
                if (ParamCounts.kindOf(l, e.getKey()) == ParamKind.TRAINABLE) trainableGradients.add(e.getValue());
            }
        }
    }

    /** Whether a run with these settings needs this step instead of {@code fit}. */
    public static boolean needed(ExperimentSpec.@Nullable Adversarial adversarial, double gradClip) {
        return adversarial != null || gradClip > 0;
    }

    /** The adversarial counterpart of a batch (model units), from the attack seed. */
    public INDArray adversarialExamples(INDArray x, INDArray yOneHot, long seed) {
        if (attackTarget == null || pgd == null) throw new IllegalStateException("not an adversarial step");
        INDArray pixels = attackTarget.toPixels(x);
        return attackTarget.toModel(pgd.perturb(attackTarget, pixels, yOneHot, seed));
    }

    /** Trains on one batch; returns the objective's value. */
    public double fit(INDArray x, INDArray yOneHot, long attackSeed) {
        INDArray adv = adversarial != null ? adversarialExamples(x, yOneHot, attackSeed) : null;
        return fit(x, adv, yOneHot);
    }

    /** Trains on a batch and its given adversarial counterpart (null: ordinary training with clipping). */
    public double fit(INDArray x, @Nullable INDArray adv, INDArray yOneHot) {
        double loss;
        int divide;
        if (adv != null && feedback != null) {
            ExperimentSpec.Adversarial a = adversarial;
            loss = feedback.objective(x, adv, yOneHot,
                    new FeedbackNetworkLayer.ObjectiveWeights(a.cleanWeight(), a.mseWeight(), a.clean())).loss();
            divide = 1; // the objective's gradient is already a mean
        } else {
            INDArray inputs;
            INDArray labels;
            INDArray mask = null;
            if (adv == null) {
                inputs = x;
                labels = yOneHot;
            } else if (adversarial.clean()) {
                long b = x.size(0);
                inputs = Nd4j.concat(0, x, adv);
                labels = Nd4j.concat(0, yOneHot, yOneHot);
                mask = Nd4j.ones(x.dataType(), 2 * b, 1);
                mask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, b)).assign(adversarial.cleanWeight());
            } else {
                inputs = adv;
                labels = yOneHot;
            }
            net.setInputs(inputs);
            net.setLabels(labels);
            net.setLayerMaskArrays(null, mask == null ? null : new INDArray[] {mask});
            net.computeGradientAndScore();
            loss = net.score();
            net.clearLayerMaskArrays();
            divide = (int) inputs.size(0); // DL4J's gradients are sums; its updater divides by the batch
        }
        if (gradClip > 0) clip(divide);
        applyUpdate(net, divide);
        return loss;
    }

    /**
     * Hands the gradient in the network's flattened gradient view (sums over {@code batch} examples) to its own
     * updater — per-parameter updaters, L2, the schedule, division by the batch — subtracts the result from the
     * parameters and counts the iteration, as {@code fit} does.
     */
    static void applyUpdate(ComputationGraph net, int batch) {
        Gradient g = new DefaultGradient(net.getFlattenedGradients());
        int iteration = net.getConfiguration().getIterationCount();
        int epoch = net.getConfiguration().getEpochCount();
        net.getUpdater().update(g, iteration, epoch, batch, LayerWorkspaceMgr.noWorkspaces());
        INDArray params = net.params();
        params.subi(net.getFlattenedGradients().reshape(params.shape()));
        net.getConfiguration().setIterationCount(iteration + 1);
    }

    /** The global L2 norm of the trainable parameters' mean gradient, and clipping to {@code gradClip}. */
    private void clip(int divide) {
        double sq = 0;
        for (INDArray g : trainableGradients) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        double norm = Math.sqrt(sq) / divide;
        double coef = gradClip / (norm + 1e-6);
        if (coef < 1) {
            for (INDArray g : trainableGradients) g.muli(coef);
        }
        lastNorm = norm;
    }

    private double lastNorm = Double.NaN;

    /** The gradient norm before clipping of the last step (NaN without clipping). */
    public double lastGradientNorm() {
        return lastNorm;
    }
}
