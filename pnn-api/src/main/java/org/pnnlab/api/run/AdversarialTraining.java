package org.pnnlab.api.run;

import static org.pnnlab.api.run.Checks.require;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.jspecify.annotations.Nullable;

/**
 * Adversarial training of a run: none, PGD (spec CNNF 5.2) or "free" training (spec CONVNORM 3.6). Radii and steps
 * are in [0, 1] pixel units; each network sees its own normalisation of the pixels.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "method")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AdversarialTraining.None.class, name = "none"),
        @JsonSubTypes.Type(value = AdversarialTraining.Pgd.class, name = "pgd"),
        @JsonSubTypes.Type(value = AdversarialTraining.Free.class, name = "free")})
public sealed interface AdversarialTraining {

    /** Ordinary training. */
    None NONE = new None();

    /**
     * The threat model that robustness evaluation uses when the configuration states none of its own: this
     * training's (for free training PGD-20 with step eps/4, the ConvNorm recipe's), or eps 0.1 with PGD-7.
     */
    ThreatSpec evaluationThreat();

    /** A short label for grouping runs ({@code pgd-adv}, {@code free-adv}), or null for ordinary training. */
    @Nullable String conditionLabel();

    /** Ordinary training. */
    record None() implements AdversarialTraining {
        /** PGD-7 at eps 0.1 with step 0.0355 (the CNN-F recipe's Fashion-MNIST threat model). */
        public static final ThreatSpec DEFAULT_THREAT = new ThreatSpec(0.1, 0.0355, 7);

        @Override
        public ThreatSpec evaluationThreat() {
            return DEFAULT_THREAT;
        }

        @Override
        public @Nullable String conditionLabel() {
            return null;
        }
    }

    /**
     * Every batch is attacked with PGD-L∞ (random start) on the model's plain first pass in evaluation mode. A model
     * with its own adversarial objective (CNN-F) trains on it; any other on {@code (cleanWeight·CE(clean) +
     * CE(adv)) / 2}, or on {@code CE(adv)} alone without {@code clean}.
     *
     * @param threat radius, step and iterations of the training attack
     * @param clean include the clean cross-entropy terms ({@code --clean supclean}); false: adversarial only
     * @param cleanWeight weight of the clean terms, &ge; 0
     * @param mseWeight weight of the reconstruction terms of models that reconstruct their input, &ge; 0
     */
    record Pgd(ThreatSpec threat, boolean clean, double cleanWeight, double mseWeight) implements AdversarialTraining {
        /** The step of a new radius: this fraction of it (the CNN-F recipe's 0.0355 / 0.1). */
        public static final double STEP_RATIO = 0.355;

        public Pgd {
            Checks.nonNull(threat, "adversarial.threat");
            require(cleanWeight >= 0 && Checks.finite(cleanWeight), "adversarial.cleanWeight (--clean-weight)", ">= 0",
                    cleanWeight);
            require(mseWeight >= 0 && Checks.finite(mseWeight), "adversarial.mseWeight (--mse-weight)", ">= 0",
                    mseWeight);
        }

        /** PGD-7 at {@code eps}, step {@link #STEP_RATIO}·eps, clean terms of weight 1, reconstruction weight 0.1. */
        public static Pgd of(double eps) {
            return new Pgd(new ThreatSpec(eps, STEP_RATIO * eps, 7), true, 1.0, 0.1);
        }

        public Pgd withThreat(ThreatSpec t) {
            return new Pgd(t, clean, cleanWeight, mseWeight);
        }

        public Pgd withClean(boolean on, double weight) {
            return new Pgd(threat, on, weight, mseWeight);
        }

        public Pgd withMseWeight(double w) {
            return new Pgd(threat, clean, cleanWeight, w);
        }

        @Override
        public ThreatSpec evaluationThreat() {
            return threat;
        }

        @Override
        public String conditionLabel() {
            return "pgd-adv";
        }
    }

    /**
     * Free adversarial training: each minibatch is replayed {@code repeats} times from a zero perturbation, each
     * replay one training-mode forward and backward giving both the parameter step and the perturbation's step
     * {@code fgsmStep}·sign(input gradient), kept in the {@code eps} box.
     *
     * @param eps radius, in (0, 1]
     * @param fgsmStep the perturbation's step α, in (0, 1]
     * @param repeats replays m of each minibatch, &ge; 1
     */
    record Free(double eps, double fgsmStep, int repeats) implements AdversarialTraining {
        /** PGD-20 for the evaluation after free training. */
        public static final int EVALUATION_STEPS = 20;

        public Free {
            require(eps > 0 && eps <= 1, "adversarial.eps (--adv-eps)", "in (0, 1] ([0, 1] pixel units, e.g. 0.0314 for 8/255)",
                    eps);
            require(fgsmStep > 0 && fgsmStep <= 1, "adversarial.fgsmStep (--fgsm-step)", "in (0, 1] pixel units", fgsmStep);
            require(repeats >= 1, "adversarial.repeats (--adv-repeats)", ">= 1 (replays of each minibatch)", repeats);
        }

        /** The ConvNorm recipe: eps = α = 8/255, 4 replays. */
        public static Free defaults() {
            return new Free(8 / 255.0, 8 / 255.0, 4);
        }

        public Free withEps(double e) {
            return new Free(e, fgsmStep, repeats);
        }

        public Free withFgsmStep(double a) {
            return new Free(eps, a, repeats);
        }

        public Free withRepeats(int m) {
            return new Free(eps, fgsmStep, m);
        }

        @Override
        public ThreatSpec evaluationThreat() {
            return new ThreatSpec(eps, eps / 4, EVALUATION_STEPS);
        }

        @Override
        public String conditionLabel() {
            return "free-adv";
        }
    }
}
