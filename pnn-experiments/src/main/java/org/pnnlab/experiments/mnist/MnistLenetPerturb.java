package org.pnnlab.experiments.mnist;

import java.util.Map;
import org.pnnlab.experiments.ExperimentSpec;
import org.pnnlab.experiments.SpecExperiment;

/**
 * lenet on MNIST in the PNN paper's design: an ordinary 3x3 convolution in the first slot, perturbation
 * layers (the reproduction's defaults: 1 mask per channel, unique masks, level 0.5) in the other two.
 * {@code --layer} replaces the perturbation slots with any plugin.
 */
public final class MnistLenetPerturb extends SpecExperiment {
    @Override
    protected ExperimentSpec spec() {
        return new ExperimentSpec("mnist-lenet-perturb",
                "MNIST, lenet (64 filters): 3x3 conv in slot 1, perturbation layers in slots 2-3; Adam 1e-3, batch 64, 3 epochs",
                "mnist", "lenet", "conv", Map.of(), "perturbation", Map.of(), ExperimentSpec.VariedSlots.ALL_BUT_FIRST,
                Map.of("nfilters", 64), MnistDefaults.TRAINING, ExperimentSpec.Augmentation.NONE);
    }
}
