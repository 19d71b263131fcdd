package org.pnnlab.datasets;

import org.pnnlab.api.data.Normalization;

/**
 * A dataset's training and test parts, with the normalisation its catalogue entry prescribes
 * (computed on the full training set).
 */
public record Split(LabeledImages train, LabeledImages test, Normalization normalization) {

    public Split {
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()
                || train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException("train (" + train.shape() + ") and test (" + test.shape() + ") differ");
        }
        if (normalization.channels() != train.channels()) {
            throw new IllegalArgumentException("the normalisation has " + normalization.channels() + " channel(s), the images "
                    + train.channels());
        }
    }

    /** The training images normalised, {@code [count, C*H*W]} FLOAT. */
    public org.nd4j.linalg.api.ndarray.INDArray trainFeatures() {
        return train.features(normalization);
    }

    /** The test images normalised, {@code [count, C*H*W]} FLOAT. */
    public org.nd4j.linalg.api.ndarray.INDArray testFeatures() {
        return test.features(normalization);
    }
}
