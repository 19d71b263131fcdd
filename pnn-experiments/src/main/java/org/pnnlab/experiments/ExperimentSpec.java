package org.pnnlab.experiments;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pnnlab.datasets.Normalization;

/**
 * Everything an experiment fixes: the data, the model and which layer plugin fills which slots, and the
 * training defaults. A run may override the varied layer ({@code layer}), its parameters, and the
 * training settings from the command line; the first slot stays as the experiment defines it unless
 * {@code variedSlots} is {@link VariedSlots#ALL}.
 *
 * @param normalization the input normalisation, replacing the dataset's own (null: the dataset's)
 * @param adversarial adversarial training and the robustness evaluation after it (null: ordinary training)
 */
public record ExperimentSpec(String name, String description, String dataset, String model, String firstLayer,
                             Map<String, Object> firstLayerParams, String layer, Map<String, Object> layerParams,
                             VariedSlots variedSlots, Map<String, Object> modelOptions, Training training,
                             Augmentation augmentation, @Nullable Normalization normalization,
                             @Nullable Adversarial adversarial) {

    /** An experiment with ordinary training on the dataset's normalisation. */
    public ExperimentSpec(String name, String description, String dataset, String model, String firstLayer,
                          Map<String, Object> firstLayerParams, String layer, Map<String, Object> layerParams,
                          VariedSlots variedSlots, Map<String, Object> modelOptions, Training training,
                          Augmentation augmentation) {
        this(name, description, dataset, model, firstLayer, firstLayerParams, layer, layerParams, variedSlots,
                modelOptions, training, augmentation, null, null);
    }

    /** Which slots {@code --layer} replaces. */
    public enum VariedSlots {
        /** every slot, the first included */
        ALL,
        /** every slot but the first */
        ALL_BUT_FIRST
    }

    /** The optimisers a run can use. */
    public static final List<String> OPTIMIZERS = List.of("adam", "sgd", "momentum");
    /** The learning-rate schedules a run can use. */
    public static final List<String> SCHEDULES = List.of("constant", "step", "poly", "cos");

    /**
     * Training settings and their defaults.
     *
     * @param optimizer {@code adam}, {@code sgd} (Nesterov momentum) or {@code momentum} (classical heavy-ball
     *     momentum, PyTorch's {@code SGD(momentum=…)})
     * @param lrDecayEpochs 1-based epochs t at which the learning rate is multiplied by {@code lrDecay}
     *     (the reproduction's schedule: set at the start of epoch t); used by the {@code step} schedule
     * @param schedule {@code constant}, {@code step} (lrDecayEpochs), {@code poly} ({@code (1 − t/T)^power}
     *     per iteration t of T) or {@code cos} (cosine per iteration, to 1e-5 of the rate)
     * @param momentum momentum of {@code sgd} and {@code momentum}
     * @param gradClip the largest global L2 norm of the trainable parameters' gradient (larger ones are scaled
     *     down to it); 0 for none
     * @param dropLast drop the last, incomplete batch of each epoch
     */
    public record Training(int epochs, int batchSize, double learningRate, String optimizer, double weightDecay,
                           long seed, List<Integer> lrDecayEpochs, double lrDecay, String schedule, double power,
                           double momentum, double gradClip, boolean dropLast) {
        public Training {
            lrDecayEpochs = List.copyOf(lrDecayEpochs);
        }

        /** The original settings: a constant rate, or the step schedule when decay epochs are given. */
        public Training(int epochs, int batchSize, double learningRate, String optimizer, double weightDecay,
                        long seed, List<Integer> lrDecayEpochs, double lrDecay) {
            this(epochs, batchSize, learningRate, optimizer, weightDecay, seed, lrDecayEpochs, lrDecay,
                    lrDecayEpochs.isEmpty() ? "constant" : "step", 0.9, 0.9, 0, false);
        }

        /** This training with a poly schedule (per iteration) of the given power. */
        public Training withPoly(double p) {
            return new Training(epochs, batchSize, learningRate, optimizer, weightDecay, seed, lrDecayEpochs, lrDecay,
                    "poly", p, momentum, gradClip, dropLast);
        }

        /** This training with the global gradient norm clipped to {@code maxNorm}. */
        public Training withGradClip(double maxNorm) {
            return new Training(epochs, batchSize, learningRate, optimizer, weightDecay, seed, lrDecayEpochs, lrDecay,
                    schedule, power, momentum, maxNorm, dropLast);
        }

        /** This training without the last incomplete batch of an epoch. */
        public Training withDropLast(boolean drop) {
            return new Training(epochs, batchSize, learningRate, optimizer, weightDecay, seed, lrDecayEpochs, lrDecay,
                    schedule, power, momentum, gradClip, drop);
        }

        /** A constant learning rate. */
        public static Training constant(int epochs, int batchSize, double lr, String optimizer, double weightDecay, long seed) {
            return new Training(epochs, batchSize, lr, optimizer, weightDecay, seed, java.util.List.of(), 1.0);
        }

        /** The learning rate of 1-based epoch t. */
        public double learningRateAt(double baseLr, int t) {
            double lr = baseLr;
            for (int e : lrDecayEpochs) if (t >= e) lr *= lrDecay;
            return lr;
        }
    }

    /**
     * Adversarial training (spec CNNF 5.2) and the robustness evaluation that follows it. The threat model is in
     * [0, 1] pixel units; it is converted to the model's input units through the normalisation.
     *
     * <p>Every batch is attacked with PGD-L∞ (random start) on the model's plain first pass in evaluation mode.
     * A feedback network (CNN-F) is then trained on the CNN-F objective: the clean and adversarial cross-
     * entropies of every pass plus the reconstruction losses. Any other network is trained on
     * {@code (cleanWeight·CE(clean) + CE(adversarial)) / 2}, or on {@code CE(adversarial)} alone without
     * {@code clean} — the same objective with no cycles.
     *
     * @param eps radius, [0, 1] pixel units
     * @param step PGD step, pixel units
     * @param steps PGD iterations
     * @param clean include the clean cross-entropy terms ({@code --clean supclean}); false: adversarial only
     * @param cleanWeight λc, weight of the clean terms
     * @param mseWeight λm, weight of the reconstruction terms (feedback networks only)
     * @param evaluate attacks to evaluate after training ({@code clean}, {@code pgd}, {@code spsa}, …)
     * @param spsaLimit SPSA attacks only the first this many test images (it costs 1 792 forward passes an image)
     * @param repeats 0 for the PGD training above; m &gt; 0 for "free" training (spec CONVNORM 3.6): each minibatch is
     *     replayed m times, every replay one SGD step on the current perturbation δ (training mode), whose input
     *     gradient from that same backward pass moves δ by {@code fgsmStep}·sign within the eps box; δ starts at 0
     *     for every minibatch. {@code step} and {@code steps} are then only the PGD evaluation's.
     * @param fgsmStep α of free training, pixel units
     */
    public record Adversarial(double eps, double step, int steps, boolean clean, double cleanWeight, double mseWeight,
                              List<String> evaluate, int spsaLimit, int repeats, double fgsmStep) {
        public Adversarial {
            evaluate = List.copyOf(evaluate);
        }

        /** PGD adversarial training. */
        public Adversarial(double eps, double step, int steps, boolean clean, double cleanWeight, double mseWeight,
                           List<String> evaluate, int spsaLimit) {
            this(eps, step, steps, clean, cleanWeight, mseWeight, evaluate, spsaLimit, 0, 0);
        }

        /** Free adversarial training with m replays and step α, then the given evaluation (PGD step and steps). */
        public static Adversarial free(double eps, double fgsmStep, int repeats, double pgdStep, int pgdSteps,
                                       List<String> evaluate) {
            return new Adversarial(eps, pgdStep, pgdSteps, false, 0, 0, evaluate, 0, repeats, fgsmStep);
        }

        /** Whether this is free training (replays) rather than PGD training. */
        public boolean isFree() {
            return repeats > 0;
        }

        public Adversarial withEpsilon(double e, double s, int n) {
            return new Adversarial(e, s, n, clean, cleanWeight, mseWeight, evaluate, spsaLimit, repeats, fgsmStep);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            if (isFree()) {
                m.put("method", "free");
                m.put("epsPixels", eps);
                m.put("fgsmStepPixels", fgsmStep);
                m.put("repeats", repeats);
                m.put("perturbationReset", "every minibatch");
                m.put("trainingMode", "every replay (batch norm statistics and running normalisers move)");
                m.put("evaluate", evaluate);
                m.put("evalPgdStepPixels", step);
                m.put("evalPgdSteps", steps);
                return m;
            }
            m.put("method", "pgd");
            m.put("epsPixels", eps);
            m.put("stepPixels", step);
            m.put("steps", steps);
            m.put("randomStart", true);
            m.put("attackedFunction", "first pass, evaluation mode");
            m.put("clean", clean ? "supclean" : "no");
            m.put("cleanWeight", cleanWeight);
            m.put("mseWeight", mseWeight);
            m.put("evaluate", evaluate);
            m.put("spsaLimit", spsaLimit);
            return m;
        }
    }

    /** Training-time augmentation of the images. */
    public enum Augmentation {
        NONE,
        /** random 32x32 crop of the image zero-padded by 4 pixels, then a horizontal flip with p = 0.5 */
        CROP_FLIP
    }

    public ExperimentSpec {
        firstLayerParams = Map.copyOf(firstLayerParams);
        layerParams = Map.copyOf(layerParams);
        modelOptions = Map.copyOf(modelOptions);
    }
}
