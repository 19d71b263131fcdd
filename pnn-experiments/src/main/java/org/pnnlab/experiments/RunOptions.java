package org.pnnlab.experiments;

import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the user asked for on the command line; null means "the experiment's default".
 *
 * @param model replaces the experiment's model (its slots are filled the same way)
 * @param layerParams parameters of the varied layer ({@code --layer-opt k=v})
 * @param modelOptions model options ({@code --model-opt k=v})
 * @param dataset replaces the experiment's dataset (e.g. {@code mnist-subset})
 * @param trainLimit use only the first N training images (0 = all)
 * @param training optimiser and adversarial-training overrides
 * @param conditions label noise, data scarcity and the validation split ({@link Conditions#NONE}: none)
 */
public record RunOptions(@Nullable Integer epochs, @Nullable Integer batchSize, @Nullable Double learningRate,
                         @Nullable Long seed, @Nullable String model, @Nullable String layer, Map<String, String> layerParams,
                         Map<String, String> modelOptions, @Nullable String dataset, @Nullable Path dataDir,
                         Path runsDir, boolean allowDownload, int trainLimit, TrainingOverrides training,
                         Conditions conditions) {
    public RunOptions {
        layerParams = Map.copyOf(layerParams);
        modelOptions = Map.copyOf(modelOptions);
        if (conditions == null) conditions = Conditions.NONE;
    }

    public RunOptions(@Nullable Integer epochs, @Nullable Integer batchSize, @Nullable Double learningRate,
                      @Nullable Long seed, @Nullable String model, @Nullable String layer, Map<String, String> layerParams,
                      Map<String, String> modelOptions, @Nullable String dataset, @Nullable Path dataDir,
                      Path runsDir, boolean allowDownload, int trainLimit, TrainingOverrides training) {
        this(epochs, batchSize, learningRate, seed, model, layer, layerParams, modelOptions, dataset, dataDir, runsDir,
                allowDownload, trainLimit, training, Conditions.NONE);
    }

    public RunOptions(@Nullable Integer epochs, @Nullable Integer batchSize, @Nullable Double learningRate,
                      @Nullable Long seed, @Nullable String model, @Nullable String layer, Map<String, String> layerParams,
                      Map<String, String> modelOptions, @Nullable String dataset, @Nullable Path dataDir,
                      Path runsDir, boolean allowDownload, int trainLimit) {
        this(epochs, batchSize, learningRate, seed, model, layer, layerParams, modelOptions, dataset, dataDir, runsDir,
                allowDownload, trainLimit, TrainingOverrides.NONE, Conditions.NONE);
    }

    /** These options with another seed. */
    public RunOptions withSeed(@Nullable Long newSeed) {
        return new RunOptions(epochs, batchSize, learningRate, newSeed, model, layer, layerParams, modelOptions, dataset,
                dataDir, runsDir, allowDownload, trainLimit, training, conditions);
    }

    /** These options with other experimental conditions. */
    public RunOptions withConditions(Conditions newConditions) {
        return new RunOptions(epochs, batchSize, learningRate, seed, model, layer, layerParams, modelOptions, dataset,
                dataDir, runsDir, allowDownload, trainLimit, training, newConditions);
    }

    public static RunOptions defaults(Path runsDir) {
        return new RunOptions(null, null, null, null, null, null, Map.of(), Map.of(), null, null, runsDir, true, 0);
    }

    /**
     * Overrides of the experiment's optimiser and adversarial settings; null means "the experiment's". Any
     * {@code adv*} value on an experiment without adversarial training turns it on (with PGD-7, eps 0.1, step
     * 0.355·eps in pixel units, clean weight 1, unless given).
     */
    public record TrainingOverrides(@Nullable String optimizer, @Nullable Double momentum, @Nullable Double weightDecay,
                                    @Nullable String schedule, @Nullable Double power, @Nullable Double gradClip,
                                    @Nullable Boolean dropLast, @Nullable Double advEps, @Nullable Double advStep,
                                    @Nullable Integer advSteps, @Nullable Boolean clean, @Nullable Double cleanWeight,
                                    @Nullable Double mseWeight, java.util.@Nullable List<String> evaluate,
                                    @Nullable Integer spsaLimit, @Nullable Integer advRepeats, @Nullable Double fgsmStep) {
        public static final TrainingOverrides NONE = new TrainingOverrides(null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);

        /** Without the free-training settings. */
        public TrainingOverrides(@Nullable String optimizer, @Nullable Double momentum, @Nullable Double weightDecay,
                                 @Nullable String schedule, @Nullable Double power, @Nullable Double gradClip,
                                 @Nullable Boolean dropLast, @Nullable Double advEps, @Nullable Double advStep,
                                 @Nullable Integer advSteps, @Nullable Boolean clean, @Nullable Double cleanWeight,
                                 @Nullable Double mseWeight, java.util.@Nullable List<String> evaluate,
                                 @Nullable Integer spsaLimit) {
            this(optimizer, momentum, weightDecay, schedule, power, gradClip, dropLast, advEps, advStep, advSteps, clean,
                    cleanWeight, mseWeight, evaluate, spsaLimit, null, null);
        }

        /** Whether any adversarial setting is given. */
        public boolean anyAdversarial() {
            return advEps != null || advStep != null || advSteps != null || clean != null || cleanWeight != null
                    || mseWeight != null || evaluate != null || spsaLimit != null || advRepeats != null
                    || fgsmStep != null;
        }
    }

    /**
     * Experimental conditions of the training data, applied after {@code --train-limit} in this order: the
     * class-balanced validation split and training subset, then label noise (see
     * {@link org.pnnlab.datasets.Conditions}). Bad values are rejected here with a message naming the flag.
     *
     * @param labelNoise fraction of training labels redrawn ({@code --label-noise}), in [0, 1)
     * @param noiseType {@code symmetric} (a uniform random class, possibly the true one) or {@code asymmetric} (a
     *     fixed map of similar classes)
     * @param noisyValidation whether validation labels get their own, independent noise draw as well
     * @param subset fraction of each class's training images kept ({@code --subset}), in (0, 1]
     * @param validation fraction of each class held out for validation ({@code --validation}), in [0, 1); 0 = none
     */
    public record Conditions(double labelNoise, String noiseType, boolean noisyValidation, double subset,
                             double validation) {
        public static final Conditions NONE = new Conditions(0, org.pnnlab.datasets.Conditions.SYMMETRIC, false, 1, 0);

        public Conditions {
            org.pnnlab.datasets.Conditions.checkLabelNoise(labelNoise);
            noiseType = org.pnnlab.datasets.Conditions.checkNoiseType(
                    noiseType == null ? org.pnnlab.datasets.Conditions.SYMMETRIC : noiseType);
            org.pnnlab.datasets.Conditions.checkSubset(subset);
            org.pnnlab.datasets.Conditions.checkValidation(validation);
            if (noisyValidation && validation == 0) {
                throw new org.pnnlab.api.PnnException(
                        "--noisy-validation needs a validation set: add --validation FRACTION (e.g. 0.1)");
            }
        }

        /** The short label of these conditions ({@code clean}, {@code sym-noise 40%}, ...), plus {@code extra}. */
        public String label(java.util.List<String> extra) {
            return org.pnnlab.datasets.Conditions.label(labelNoise, noiseType, subset, extra);
        }

        /** The run-folder tag ({@code -sym40}, {@code -sub10}, ...); empty without conditions. */
        public String tag() {
            return org.pnnlab.datasets.Conditions.tag(labelNoise, noiseType, subset);
        }
    }
}
