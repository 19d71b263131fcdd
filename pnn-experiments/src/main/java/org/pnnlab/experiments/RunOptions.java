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
 */
public record RunOptions(@Nullable Integer epochs, @Nullable Integer batchSize, @Nullable Double learningRate,
                         @Nullable Long seed, @Nullable String model, @Nullable String layer, Map<String, String> layerParams,
                         Map<String, String> modelOptions, @Nullable String dataset, @Nullable Path dataDir,
                         Path runsDir, boolean allowDownload, int trainLimit) {
    public RunOptions {
        layerParams = Map.copyOf(layerParams);
        modelOptions = Map.copyOf(modelOptions);
    }

    public static RunOptions defaults(Path runsDir) {
        return new RunOptions(null, null, null, null, null, null, Map.of(), Map.of(), null, null, runsDir, true, 0);
    }
}
