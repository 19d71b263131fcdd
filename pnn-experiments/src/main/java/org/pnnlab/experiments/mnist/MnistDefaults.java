package org.pnnlab.experiments.mnist;

import org.pnnlab.api.run.OptimConfig;

final class MnistDefaults {
    /** 3 epochs of Adam 1e-3 with batch 64 and the reproduction's L2 weight decay 1e-4. */
    static final OptimConfig OPTIM = OptimConfig.DEFAULTS.withWeightDecay(1e-4);

    private MnistDefaults() {
    }
}
