package org.pnnlab.experiments.adversarial;

import java.util.List;
import java.util.Map;
import org.pnnlab.datasets.Normalization;
import org.pnnlab.experiments.ExperimentSpec;
import org.pnnlab.experiments.SpecExperiment;

/**
 * The reference's adversarial-training recipes (spec CNNF 5.5) for CNN-F and for the same network without
 * feedback ({@code cycles 0, ind 0, res 0}), which is also the transfer attacker of the evaluation (spec CNNF 7).
 *
 * <p>Everything is the recipe's except the number of epochs: 200 (Fashion-MNIST) and 500 (CIFAR-10) are days
 * on two CPU cores, so the defaults are small; {@code --epochs 200} runs the full recipe. The poly schedule is
 * laid over the epochs actually run. Radii are in [0, 1] pixel units: the reference's 0.2 / 0.071 on inputs in
 * [−1, 1] are 0.1 / 0.0355 here.
 */
public final class CnnfExperiments {
    static final List<String> EVALUATE = List.of("clean", "pgd", "spsa");

    private CnnfExperiments() {
    }

    /** Fashion-MNIST: SGD 0.05 heavy-ball, poly 0.9, clip 0.5, batch 256 (drop last), wd 5e-4, seed 1. */
    static ExperimentSpec.Training fashionTraining() {
        return ExperimentSpec.Training.constant(2, 256, 0.05, "momentum", 5e-4, 1).withPoly(0.9).withGradClip(0.5)
                .withDropLast(true);
    }

    /** CIFAR-10: as Fashion-MNIST but seed 0 and without dropping the last batch. */
    static ExperimentSpec.Training cifarTraining() {
        return ExperimentSpec.Training.constant(1, 256, 0.05, "momentum", 5e-4, 0).withPoly(0.9).withGradClip(0.5);
    }

    static ExperimentSpec fashion(String name, String description, Map<String, Object> modelOptions) {
        return new ExperimentSpec(name, description, "fashion-mnist", "cnnf", "conv", Map.of(), "conv", Map.of(),
                ExperimentSpec.VariedSlots.ALL, modelOptions, fashionTraining(), ExperimentSpec.Augmentation.NONE,
                Normalization.of(0.5, 0.5),
                new ExperimentSpec.Adversarial(0.1, 0.0355, 7, true, 0.1, 0.1, EVALUATE, 1000));
    }

    static ExperimentSpec cifar(String name, String description, Map<String, Object> modelOptions) {
        return new ExperimentSpec(name, description, "cifar-10", "cnnf_wrn", "conv", Map.of(), "conv", Map.of(),
                ExperimentSpec.VariedSlots.ALL, modelOptions, cifarTraining(), ExperimentSpec.Augmentation.CROP_FLIP,
                new Normalization(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5}),
                new ExperimentSpec.Adversarial(0.0315, 0.01, 7, true, 0.05, 0.1, EVALUATE, 640));
    }

    /** CNN-F on Fashion-MNIST (ind 2, 1 cycle, res 0.1, average output). */
    public static final class FashionCnnf extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return fashion("fmnist-cnnf-adv",
                    "CNN-F (ind 2, 1 cycle) adversarially trained on Fashion-MNIST, PGD-7 eps 0.1 (reference recipe, few epochs)",
                    Map.of("ind", 2, "cycles", 1, "res", 0.1, "output", "average"));
        }
    }

    /** The same network without feedback on Fashion-MNIST: the CNN baseline and transfer attacker. */
    public static final class FashionCnn extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return fashion("fmnist-cnn-adv",
                    "the CNN-F network without feedback (cycles 0, ind 0, res 0) adversarially trained on Fashion-MNIST",
                    Map.of("ind", 0, "cycles", 0, "res", 0.0, "output", "average"));
        }
    }

    /** CNN-F WRN-40-2 on CIFAR-10 (ind 5, 2 cycles). */
    public static final class CifarCnnf extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return cifar("cifar10-cnnf-adv",
                    "CNN-F WRN-40-2 (ind 5, 2 cycles) adversarially trained on CIFAR-10, PGD-7 eps 8/255 (needs CIFAR-10)",
                    Map.of("ind", 5, "cycles", 2, "res", 0.1, "output", "average"));
        }
    }

    /** WRN-40-2 without feedback on CIFAR-10. */
    public static final class CifarCnn extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return cifar("cifar10-cnn-adv",
                    "WRN-40-2 without feedback (cycles 0, ind 0, res 0) adversarially trained on CIFAR-10 (needs CIFAR-10)",
                    Map.of("ind", 0, "cycles", 0, "res", 0.0, "output", "average"));
        }
    }
}
