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
 */
public record RunOptions(@Nullable Integer epochs, @Nullable Integer batchSize, @Nullable Double learningRate,
                         @Nullable Long seed, @Nullable String model, @Nullable String layer, Map<String, String> layerParams,
                         Map<String, String> modelOptions, @Nullable String dataset, @Nullable Path dataDir,
                         Path runsDir, boolean allowDownload, int trainLimit, TrainingOverrides training) {
    public RunOptions {
        layerParams = Map.copyOf(layerParams);
        modelOptions = Map.copyOf(modelOptions);
    }

    public RunOptions(@Nullable Integer epochs, @Nullable Integer batchSize, @Nullable Double learningRate,
                      @Nullable Long seed, @Nullable String model, @Nullable String layer, Map<String, String> layerParams,
                      Map<String, String> modelOptions, @Nullable String dataset, @Nullable Path dataDir,
                      Path runsDir, boolean allowDownload, int trainLimit) {
        this(epochs, batchSize, learningRate, seed, model, layer, layerParams, modelOptions, dataset, dataDir, runsDir,
                allowDownload, trainLimit, TrainingOverrides.NONE);
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
                                    @Nullable Integer spsaLimit) {
        public static final TrainingOverrides NONE = new TrainingOverrides(null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);

        /** Whether any adversarial setting is given. */
        public boolean anyAdversarial() {
            return advEps != null || advStep != null || advSteps != null || clean != null || cleanWeight != null
                    || mseWeight != null || evaluate != null || spsaLimit != null;
        }
    }
}
