package org.pnnlab.experiments.mnist;

import java.util.Map;
import org.pnnlab.experiments.ExperimentSpec;
import org.pnnlab.experiments.SpecExperiment;

/** lenet on MNIST with 3x3 convolutions in every slot: the baseline. */
public final class MnistLenetConv extends SpecExperiment {
    @Override
    protected ExperimentSpec spec() {
        return new ExperimentSpec("mnist-lenet-conv",
                "MNIST, lenet (64 filters) with 3x3 convolution + BN + ReLU in all 3 slots; Adam 1e-3, batch 64, 3 epochs",
                "mnist", "lenet", "conv", Map.of(), "conv", Map.of(), ExperimentSpec.VariedSlots.ALL,
                Map.of("nfilters", 64), MnistDefaults.TRAINING, ExperimentSpec.Augmentation.NONE);
    }
}
