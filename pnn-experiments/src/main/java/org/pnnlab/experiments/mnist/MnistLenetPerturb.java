package org.pnnlab.experiments.mnist;

import java.util.Map;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.PresetExperiment;

/**
 * lenet on MNIST in the PNN paper's design: an ordinary 3x3 convolution in the first slot, perturbation
 * layers (the reproduction's defaults: 1 mask per channel, unique masks, level 0.5) in the other two.
 * {@code --layer} replaces the perturbation slots with any plugin.
 */
public final class MnistLenetPerturb extends PresetExperiment {
    public MnistLenetPerturb() {
        super("MNIST, lenet (64 filters): 3x3 conv in slot 1, perturbation layers in slots 2-3; Adam 1e-3, batch 64, 3 epochs");
    }

    @Override
    public RunConfig preset() {
        return RunConfig.of("mnist-lenet-perturb", DataConfig.of("mnist"),
                ModelConfig.firstAndRest("lenet", Map.of("nfilters", 64), LayerChoice.of("conv"),
                        LayerChoice.of("perturbation")))
                .withOptim(MnistDefaults.OPTIM);
    }
}
