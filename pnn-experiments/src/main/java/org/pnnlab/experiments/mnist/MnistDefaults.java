package org.pnnlab.experiments.mnist;

import org.pnnlab.experiments.ExperimentSpec;

final class MnistDefaults {
    /** 3 epochs of Adam 1e-3 with batch 64 and the reproduction's L2 weight decay 1e-4, seed 1. */
    static final ExperimentSpec.Training TRAINING = ExperimentSpec.Training.constant(3, 64, 1e-3, "adam", 1e-4, 1);

    private MnistDefaults() {
    }
}
