package org.pnnlab.experiments;

import java.util.Map;

/**
 * Everything an experiment fixes: the data, the model and which layer plugin fills which slots, and the
 * training defaults. A run may override the varied layer ({@code layer}), its parameters, and the
 * training settings from the command line; the first slot stays as the experiment defines it unless
 * {@code variedSlots} is {@link VariedSlots#ALL}.
 */
public record ExperimentSpec(String name, String description, String dataset, String model, String firstLayer,
                             Map<String, Object> firstLayerParams, String layer, Map<String, Object> layerParams,
                             VariedSlots variedSlots, Map<String, Object> modelOptions, Training training) {

    /** Which slots {@code --layer} replaces. */
    public enum VariedSlots {
        /** every slot, the first included */
        ALL,
        /** every slot but the first */
        ALL_BUT_FIRST
    }

    /** Training settings and their defaults. */
    public record Training(int epochs, int batchSize, double learningRate, String optimizer, double weightDecay,
                           long seed) {
    }

    public ExperimentSpec {
        firstLayerParams = Map.copyOf(firstLayerParams);
        layerParams = Map.copyOf(layerParams);
        modelOptions = Map.copyOf(modelOptions);
    }
}
