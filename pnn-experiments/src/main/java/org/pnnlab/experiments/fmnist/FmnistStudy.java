package org.pnnlab.experiments.fmnist;

import java.util.Map;
import org.pnnlab.experiments.ExperimentSpec;
import org.pnnlab.experiments.SpecExperiment;

/** The four variants of the Fashion-MNIST study; each is its own experiment. */
public final class FmnistStudy {
    static final int FILTERS = 32;
    /** 3 epochs of Adam 1e-3 (L2 1e-4), batch 64: minutes per seed on 2 cores. */
    static final ExperimentSpec.Training TRAINING = ExperimentSpec.Training.constant(3, 64, 1e-3, "adam", 1e-4, 1);

    private FmnistStudy() {
    }

    static ExperimentSpec spec(String name, String description, String layer, Map<String, Object> layerParams,
                               ExperimentSpec.VariedSlots varied) {
        return new ExperimentSpec(name, description, "fashion-mnist", "lenet", "conv", Map.of(), layer, layerParams,
                varied, Map.of("nfilters", FILTERS), TRAINING, ExperimentSpec.Augmentation.NONE);
    }

    /** (a) 3x3 convolutions in every slot. */
    public static final class Conv extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return FmnistStudy.spec("fmnist-study-conv",
                    "Fashion-MNIST study (a): lenet, 32 filters, 3x3 conv + BN + ReLU in all slots",
                    "conv", Map.of(), ExperimentSpec.VariedSlots.ALL);
        }
    }

    /** (b) perturbation layers, one mask per input channel. */
    public static final class Perturb extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return FmnistStudy.spec("fmnist-study-perturb",
                    "Fashion-MNIST study (b): conv slot 1, perturbation slots 2-3 (nmasks 1, unique, level 0.5)",
                    "perturbation", Map.of("nmasks", 1), ExperimentSpec.VariedSlots.ALL_BUT_FIRST);
        }
    }

    /** (c) perturbation layers with fan-out and a second 1x1 convolution. */
    public static final class PerturbMix extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return FmnistStudy.spec("fmnist-study-perturb-mix",
                    "Fashion-MNIST study (c): conv slot 1, perturbation slots 2-3 with nmasks 4 and mix_maps",
                    "perturbation", Map.of("nmasks", 4, "mix_maps", true), ExperimentSpec.VariedSlots.ALL_BUT_FIRST);
        }
    }

    /** (d) the control: the same network with 1x1 convolutions and no noise. */
    public static final class OneByOne extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return FmnistStudy.spec("fmnist-study-1x1",
                    "Fashion-MNIST study (d, control): conv slot 1, plain 1x1 conv + BN + ReLU slots 2-3, no noise",
                    "perturbation", Map.of("filter_size", 1), ExperimentSpec.VariedSlots.ALL_BUT_FIRST);
        }
    }
}
