package org.pnnlab.experiments.fmnist;

import java.util.Map;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.OptimConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.PresetExperiment;

/** The four variants of the Fashion-MNIST study; each is its own experiment. */
public final class FmnistStudy {
    static final Map<String, Object> OPTIONS = Map.of("nfilters", 32);
    /** 3 epochs of Adam 1e-3 (L2 1e-4), batch 64: minutes per seed on 2 cores. */
    static final OptimConfig OPTIM = OptimConfig.DEFAULTS.withWeightDecay(1e-4);

    private FmnistStudy() {
    }

    static RunConfig preset(String name, ModelConfig model) {
        return RunConfig.of(name, DataConfig.of("fashion-mnist"), model).withOptim(OPTIM);
    }

    /** (a) 3x3 convolutions in every slot. */
    public static final class Conv extends PresetExperiment {
        public Conv() {
            super("Fashion-MNIST study (a): lenet, 32 filters, 3x3 conv + BN + ReLU in all slots");
        }

        @Override
        public RunConfig preset() {
            return FmnistStudy.preset("fmnist-study-conv", ModelConfig.everySlot("lenet", OPTIONS, LayerChoice.of("conv")));
        }
    }

    /** (b) perturbation layers, one mask per input channel. */
    public static final class Perturb extends PresetExperiment {
        public Perturb() {
            super("Fashion-MNIST study (b): conv slot 1, perturbation slots 2-3 (nmasks 1, unique, level 0.5)");
        }

        @Override
        public RunConfig preset() {
            return FmnistStudy.preset("fmnist-study-perturb", ModelConfig.firstAndRest("lenet", OPTIONS,
                    LayerChoice.of("conv"), LayerChoice.of("perturbation", Map.of("nmasks", 1))));
        }
    }

    /** (c) perturbation layers with fan-out and a second 1x1 convolution. */
    public static final class PerturbMix extends PresetExperiment {
        public PerturbMix() {
            super("Fashion-MNIST study (c): conv slot 1, perturbation slots 2-3 with nmasks 4 and mix_maps");
        }

        @Override
        public RunConfig preset() {
            return FmnistStudy.preset("fmnist-study-perturb-mix", ModelConfig.firstAndRest("lenet", OPTIONS,
                    LayerChoice.of("conv"), LayerChoice.of("perturbation", Map.of("nmasks", 4, "mix_maps", true))));
        }
    }

    /** (d) the control: the same network with 1x1 convolutions and no noise. */
    public static final class OneByOne extends PresetExperiment {
        public OneByOne() {
            super("Fashion-MNIST study (d, control): conv slot 1, plain 1x1 conv + BN + ReLU slots 2-3, no noise");
        }

        @Override
        public RunConfig preset() {
            return FmnistStudy.preset("fmnist-study-1x1", ModelConfig.firstAndRest("lenet", OPTIONS,
                    LayerChoice.of("conv"), LayerChoice.of("perturbation", Map.of("filter_size", 1))));
        }
    }
}
