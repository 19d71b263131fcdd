package org.pnnlab.experiments.convnorm;

import java.util.List;
import java.util.Map;
import org.pnnlab.experiments.ExperimentSpec;
import org.pnnlab.experiments.SpecExperiment;

/**
 * The ConvNorm comparisons (spec CONVNORM 3). Every one varies the layer of all convolution slots: the default
 * {@code conv} (convolution + batch norm) and {@code --layer convnorm}, or any other convolution-like plugin. The
 * conditions of the paper's experiments are flags of any run: {@code --label-noise 0.4}, {@code --subset 0.1},
 * {@code --validation 0.1}; the robust experiments train "free" adversarially (spec 3.6) and then evaluate clean,
 * FGSM and PGD accuracy (spec 4).
 *
 * <p>Fashion-MNIST defaults are sized for two CPU cores: the simple CNN, SGD with momentum 0.9, lr 0.05, weight
 * decay 1e-4 on every parameter, batch 128; 2 epochs, the second at lr 0.005 (robust: 1 epoch of 4 replays). CIFAR-10 follows the reference's
 * recipe exactly (ResNet-18, lr 0.1, milestones 40/80 of 120 epochs; robust: 30 epochs, milestones 10/20, m = 4,
 * ε = α = 8/255, PGD-20 of step 2/255).
 */
public final class ConvNormExperiments {
    static final List<String> EVALUATE = List.of("clean", "fgsm", "pgd");

    private ConvNormExperiments() {
    }

    static ExperimentSpec.Training fashionTraining(int epochs, int decayAt) {
        return new ExperimentSpec.Training(epochs, 128, 0.05, "momentum", 1e-4, 1, List.of(decayAt), 0.1);
    }

    /** Simple CNN on Fashion-MNIST, conv + BN by default. */
    public static final class Fashion extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return new ExperimentSpec("fmnist-convnorm",
                    "simple CNN on Fashion-MNIST: conv + BN vs --layer convnorm; add --label-noise/--subset for the conditions",
                    "fashion-mnist", "simple_cnn", "conv", Map.of(), "conv", Map.of(), ExperimentSpec.VariedSlots.ALL,
                    Map.of(), fashionTraining(2, 2), ExperimentSpec.Augmentation.NONE);
        }
    }

    /** The same, trained free-adversarially (m = 4, ε = α = 0.1) and evaluated with FGSM and PGD-20. */
    public static final class FashionRobust extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return new ExperimentSpec("fmnist-convnorm-robust",
                    "simple CNN on Fashion-MNIST, free adversarial training (m 4, eps = alpha = 0.1 px), then FGSM and PGD-20",
                    "fashion-mnist", "simple_cnn", "conv", Map.of(), "conv", Map.of(), ExperimentSpec.VariedSlots.ALL,
                    Map.of(), fashionTraining(1, 2), ExperimentSpec.Augmentation.NONE, null,
                    ExperimentSpec.Adversarial.free(0.1, 0.1, 4, 0.025, 20, EVALUATE));
        }
    }

    static ExperimentSpec.Training cifarTraining(int epochs, List<Integer> milestones, long seed) {
        return new ExperimentSpec.Training(epochs, 128, 0.1, "momentum", 1e-4, seed, milestones, 0.1);
    }

    /** ResNet-18 on CIFAR-10, the reference's standard recipe (needs CIFAR-10). */
    public static final class Cifar extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return new ExperimentSpec("cifar10-convnorm",
                    "ResNet-18 on CIFAR-10 (120 epochs, lr 0.1, x0.1 at 40/80): conv + BN vs --layer convnorm (needs CIFAR-10)",
                    "cifar-10", "resnet18", "conv", Map.of(), "conv", Map.of(), ExperimentSpec.VariedSlots.ALL,
                    Map.of("conv", "layer"), cifarTraining(120, List.of(41, 81), 12), ExperimentSpec.Augmentation.CROP_FLIP);
        }
    }

    /** ResNet-18 on CIFAR-10, free adversarial training then FGSM and PGD-20 at 8/255 (needs CIFAR-10). */
    public static final class CifarRobust extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return new ExperimentSpec("cifar10-convnorm-robust",
                    "ResNet-18 on CIFAR-10, free adversarial training (30 epochs, m 4, eps = alpha = 8/255), FGSM and PGD-20 (needs CIFAR-10)",
                    "cifar-10", "resnet18", "conv", Map.of(), "conv", Map.of(), ExperimentSpec.VariedSlots.ALL,
                    Map.of("conv", "layer"), cifarTraining(30, List.of(11, 21), 8), ExperimentSpec.Augmentation.CROP_FLIP,
                    null, ExperimentSpec.Adversarial.free(8 / 255.0, 8 / 255.0, 4, 2 / 255.0, 20, EVALUATE));
        }
    }
}
