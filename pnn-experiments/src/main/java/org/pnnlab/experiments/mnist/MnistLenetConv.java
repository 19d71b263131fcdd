package org.pnnlab.experiments.mnist;

import java.util.Map;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.PresetExperiment;

/** lenet on MNIST with 3x3 convolutions in every slot: the baseline. */
public final class MnistLenetConv extends PresetExperiment {
    public MnistLenetConv() {
        super("MNIST, lenet (64 filters) with 3x3 convolution + BN + ReLU in all 3 slots; Adam 1e-3, batch 64, 3 epochs");
    }

    @Override
    public RunConfig preset() {
        return RunConfig.of("mnist-lenet-conv", DataConfig.of("mnist"),
                ModelConfig.everySlot("lenet", Map.of("nfilters", 64), LayerChoice.of("conv")))
                .withOptim(MnistDefaults.OPTIM);
    }
}
