package org.pnnlab.experiments.adversarial;

import java.util.List;
import java.util.Map;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.Augmentation;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.OptimConfig;
import org.pnnlab.api.run.Optimizer;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.ThreatSpec;
import org.pnnlab.experiments.PresetExperiment;

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

    /** SGD 0.05 heavy-ball 0.9, poly 0.9 per iteration, clip 0.5, batch 256, wd 5e-4. */
    static OptimConfig optim(int epochs, boolean dropLast) {
        return OptimConfig.DEFAULTS.withOptimizer(Optimizer.MOMENTUM).withLearningRate(0.05).withMomentum(0.9)
                .withWeightDecay(5e-4).withPoly(0.9).withGradClip(0.5).withBatchSize(256).withEpochs(epochs)
                .withDropLast(dropLast);
    }

    static RunConfig fashion(String name, Map<String, Object> modelOptions) {
        return RunConfig.of(name, DataConfig.of("fashion-mnist"),
                        ModelConfig.everySlot("cnnf", modelOptions, LayerChoice.of("conv")))
                .withOptim(optim(2, true)).withNormalization(Normalization.of(0.5, 0.5))
                .withAdversarial(new AdversarialTraining.Pgd(new ThreatSpec(0.1, 0.0355, 7), true, 0.1, 0.1))
                .withEvaluation(EvaluationConfig.of(EVALUATE).withSpsa(1000, 128));
    }

    static RunConfig cifar(String name, Map<String, Object> modelOptions) {
        return RunConfig.of(name, DataConfig.of("cifar-10"),
                        ModelConfig.everySlot("cnnf_wrn", modelOptions, LayerChoice.of("conv")))
                .withOptim(optim(1, false)).withAugmentation(Augmentation.CROP_FLIP)
                .withNormalization(new Normalization(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5}))
                .withAdversarial(new AdversarialTraining.Pgd(new ThreatSpec(0.0315, 0.01, 7), true, 0.05, 0.1))
                .withEvaluation(EvaluationConfig.of(EVALUATE).withSpsa(640, 128)).withSeed(0);
    }

    /** CNN-F on Fashion-MNIST (ind 2, 1 cycle, res 0.1, average output). */
    public static final class FashionCnnf extends PresetExperiment {
        public FashionCnnf() {
            super("CNN-F (ind 2, 1 cycle) adversarially trained on Fashion-MNIST, PGD-7 eps 0.1 (reference recipe, few epochs)");
        }

        @Override
        public RunConfig preset() {
            return fashion("fmnist-cnnf-adv", Map.of("ind", 2, "cycles", 1, "res", 0.1, "output", "average"));
        }
    }

    /** The same network without feedback on Fashion-MNIST: the CNN baseline and transfer attacker. */
    public static final class FashionCnn extends PresetExperiment {
        public FashionCnn() {
            super("the CNN-F network without feedback (cycles 0, ind 0, res 0) adversarially trained on Fashion-MNIST");
        }

        @Override
        public RunConfig preset() {
            return fashion("fmnist-cnn-adv", Map.of("ind", 0, "cycles", 0, "res", 0.0, "output", "average"));
        }
    }

    /** CNN-F WRN-40-2 on CIFAR-10 (ind 5, 2 cycles). */
    public static final class CifarCnnf extends PresetExperiment {
        public CifarCnnf() {
            super("CNN-F WRN-40-2 (ind 5, 2 cycles) adversarially trained on CIFAR-10, PGD-7 eps 8/255 (needs CIFAR-10)");
        }

        @Override
        public RunConfig preset() {
            return cifar("cifar10-cnnf-adv", Map.of("ind", 5, "cycles", 2, "res", 0.1, "output", "average"));
        }
    }

    /** WRN-40-2 without feedback on CIFAR-10. */
    public static final class CifarCnn extends PresetExperiment {
        public CifarCnn() {
            super("WRN-40-2 without feedback (cycles 0, ind 0, res 0) adversarially trained on CIFAR-10 (needs CIFAR-10)");
        }

        @Override
        public RunConfig preset() {
            return cifar("cifar10-cnn-adv", Map.of("ind", 0, "cycles", 0, "res", 0.0, "output", "average"));
        }
    }
}
