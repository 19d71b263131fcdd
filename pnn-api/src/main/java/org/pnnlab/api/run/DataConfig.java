package org.pnnlab.api.run;

import static org.pnnlab.api.run.Checks.require;

/**
 * The training data of a run and its experimental conditions, applied in this order: the first {@code trainLimit}
 * images, the class-balanced validation split and training subset, then label noise (drawn once from the seed).
 *
 * @param dataset a dataset name ({@code mnist}, {@code fashion-mnist}, {@code cifar-10}, {@code mnist-subset}, ...)
 * @param trainLimit use only the first this many training images (0: all); {@code --train-limit}
 * @param validation fraction of each class held out for validation, evaluated every epoch, in [0, 1); 0: none
 * @param subset fraction of each class's remaining images kept for training, in (0, 1]
 * @param labelNoise fraction of training labels redrawn, in [0, 1)
 * @param noiseType how noisy labels are drawn
 * @param noisyValidation the validation labels get their own, independent noise draw as well
 */
public record DataConfig(String dataset, int trainLimit, double validation, double subset, double labelNoise,
                         NoiseType noiseType, boolean noisyValidation) {
    public DataConfig {
        Checks.nonNull(dataset, "data.dataset");
        Checks.nonNull(noiseType, "data.noiseType");
        require(!dataset.isBlank(), "data.dataset (--dataset)", "a dataset name", "''");
        require(trainLimit >= 0, "data.trainLimit (--train-limit)", ">= 0 (0 = all images)", trainLimit);
        require(validation >= 0 && validation < 1, "data.validation (--validation)",
                "in [0, 1) (the fraction of each class held out for validation, 0 = none)", validation);
        require(subset > 0 && subset <= 1, "data.subset (--subset)",
                "in (0, 1] (the fraction of each class kept for training)", subset);
        require(labelNoise >= 0 && labelNoise < 1, "data.labelNoise (--label-noise)",
                "in [0, 1) (a fraction of the training labels)", labelNoise);
        if (noisyValidation && validation == 0) {
            throw new org.pnnlab.api.PnnException(
                    "data.noisyValidation (--noisy-validation) needs a validation set: add --validation FRACTION (e.g. 0.1)");
        }
    }

    /** All images of {@code dataset}, clean labels, no validation split. */
    public static DataConfig of(String dataset) {
        return new DataConfig(dataset, 0, 0, 1, 0, NoiseType.SYMMETRIC, false);
    }

    public DataConfig withDataset(String d) {
        return new DataConfig(d, trainLimit, validation, subset, labelNoise, noiseType, noisyValidation);
    }

    public DataConfig withTrainLimit(int n) {
        return new DataConfig(dataset, n, validation, subset, labelNoise, noiseType, noisyValidation);
    }

    public DataConfig withValidation(double fraction) {
        return new DataConfig(dataset, trainLimit, fraction, subset, labelNoise, noiseType, noisyValidation);
    }

    public DataConfig withSubset(double fraction) {
        return new DataConfig(dataset, trainLimit, validation, fraction, labelNoise, noiseType, noisyValidation);
    }

    public DataConfig withLabelNoise(double rate, NoiseType type) {
        return new DataConfig(dataset, trainLimit, validation, subset, rate, type, noisyValidation);
    }

    public DataConfig withNoisyValidation(boolean on) {
        return new DataConfig(dataset, trainLimit, validation, subset, labelNoise, noiseType, on);
    }
}
