package org.pnnlab.api.run;

/**
 * What a run measured when it started, as opposed to what it was configured with: the size of its model and of
 * its data after the conditions were applied.
 *
 * @param parameterCount trainable parameters
 * @param fixedParameterCount stored but untrained values (noise masks, fixed binary filters)
 * @param trainImages training images after the conditions
 * @param validationImages held-out validation images (0 without a split)
 * @param testImages test images, all of them evaluated every epoch
 * @param iterationsPerEpoch optimiser steps of one epoch (before free training's replays)
 * @param noisyLabels training labels the label noise actually changed
 * @param noisyValidationLabels validation labels the noise changed (with a noisy validation set)
 */
public record RunFacts(long parameterCount, long fixedParameterCount, int trainImages, int validationImages,
                       int testImages, int iterationsPerEpoch, int noisyLabels, int noisyValidationLabels) {
}
