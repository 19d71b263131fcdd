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
                             VariedSlots variedSlots, Map<String, Object> modelOptions, Training training,
                             Augmentation augmentation) {

    /** Which slots {@code --layer} replaces. */
    public enum VariedSlots {
        /** every slot, the first included */
        ALL,
        /** every slot but the first */
        ALL_BUT_FIRST
    }

    /**
     * Training settings and their defaults.
     *
     * @param optimizer {@code adam} or {@code sgd} (Nesterov momentum 0.9)
     * @param lrDecayEpochs 1-based epochs t at which the learning rate is multiplied by {@code lrDecay}
     *     (the reproduction's schedule: set at the start of epoch t); empty for a constant rate
     */
    public record Training(int epochs, int batchSize, double learningRate, String optimizer, double weightDecay,
                           long seed, java.util.List<Integer> lrDecayEpochs, double lrDecay) {
        public Training {
            lrDecayEpochs = java.util.List.copyOf(lrDecayEpochs);
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
