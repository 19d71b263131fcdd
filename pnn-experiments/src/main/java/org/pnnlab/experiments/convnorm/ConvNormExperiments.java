package org.pnnlab.experiments.convnorm;

import java.util.List;
import java.util.Map;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.Augmentation;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.OptimConfig;
import org.pnnlab.api.run.Optimizer;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.PresetExperiment;

/**
 * The ConvNorm comparisons (spec CONVNORM 3). Every one varies the layer of all convolution slots: the default
 * {@code conv} (convolution + batch norm) and {@code --layer convnorm}, or any other convolution-like plugin. The
 * conditions of the paper's experiments are flags of any run: {@code --label-noise 0.4}, {@code --subset 0.1},
 * {@code --validation 0.1}; the robust experiments train "free" adversarially (spec 3.6) and then evaluate clean,
 * FGSM and PGD accuracy (spec 4).
 *
 * <p>Fashion-MNIST defaults are sized for two CPU cores: the simple CNN, SGD with momentum 0.9, lr 0.05, weight
 * decay 1e-4 on every parameter, batch 128; 2 epochs, the second at lr 0.005 (robust: 1 epoch of 4 replays).
 * CIFAR-10 follows the reference's recipe exactly (ResNet-18, lr 0.1, milestones 40/80 of 120 epochs; robust: 30
 * epochs, milestones 10/20, m = 4, ε = α = 8/255, PGD-20 of step 2/255).
 */
public final class ConvNormExperiments {
    static final EvaluationConfig EVALUATE = EvaluationConfig.of(List.of("clean", "fgsm", "pgd"));

    private ConvNormExperiments() {
    }

    static OptimConfig sgd(double lr, int epochs, List<Integer> decayAt) {
        return OptimConfig.DEFAULTS.withOptimizer(Optimizer.MOMENTUM).withLearningRate(lr).withMomentum(0.9)
                .withWeightDecay(1e-4).withBatchSize(128).withEpochs(epochs).withStepDecay(decayAt, 0.1);
    }

    static RunConfig fashion(String name, int epochs) {
        return RunConfig.of(name, DataConfig.of("fashion-mnist"),
                ModelConfig.everySlot("simple_cnn", Map.of(), LayerChoice.of("conv"))).withOptim(sgd(0.05, epochs, List.of(2)));
    }

    static RunConfig cifar(String name, int epochs, List<Integer> decayAt, long seed) {
        return RunConfig.of(name, DataConfig.of("cifar-10"),
                        ModelConfig.everySlot("resnet18", Map.of("conv", "layer"), LayerChoice.of("conv")))
                .withOptim(sgd(0.1, epochs, decayAt)).withAugmentation(Augmentation.CROP_FLIP).withSeed(seed);
    }

    /** Simple CNN on Fashion-MNIST, conv + BN by default. */
    public static final class Fashion extends PresetExperiment {
        public Fashion() {
            super("simple CNN on Fashion-MNIST: conv + BN vs --layer convnorm; add --label-noise/--subset for the conditions");
        }

        @Override
        public RunConfig preset() {
            return fashion("fmnist-convnorm", 2);
        }
    }

    /** The same, trained free-adversarially (m = 4, ε = α = 0.1) and evaluated with FGSM and PGD-20. */
    public static final class FashionRobust extends PresetExperiment {
        public FashionRobust() {
            super("simple CNN on Fashion-MNIST, free adversarial training (m 4, eps = alpha = 0.1 px), then FGSM and PGD-20");
        }

        @Override
        public RunConfig preset() {
            return fashion("fmnist-convnorm-robust", 1).withAdversarial(new AdversarialTraining.Free(0.1, 0.1, 4))
                    .withEvaluation(EVALUATE);
        }
    }

    /** ResNet-18 on CIFAR-10, the reference's standard recipe (needs CIFAR-10). */
    public static final class Cifar extends PresetExperiment {
        public Cifar() {
            super("ResNet-18 on CIFAR-10 (120 epochs, lr 0.1, x0.1 at 40/80): conv + BN vs --layer convnorm (needs CIFAR-10)");
        }

        @Override
        public RunConfig preset() {
            return cifar("cifar10-convnorm", 120, List.of(41, 81), 12);
        }
    }

    /** ResNet-18 on CIFAR-10, free adversarial training then FGSM and PGD-20 at 8/255 (needs CIFAR-10). */
    public static final class CifarRobust extends PresetExperiment {
        public CifarRobust() {
            super("ResNet-18 on CIFAR-10, free adversarial training (30 epochs, m 4, eps = alpha = 8/255), FGSM and PGD-20 (needs CIFAR-10)");
        }

        @Override
        public RunConfig preset() {
            return cifar("cifar10-convnorm-robust", 30, List.of(11, 21), 8)
                    .withAdversarial(AdversarialTraining.Free.defaults()).withEvaluation(EVALUATE);
        }
    }
}
