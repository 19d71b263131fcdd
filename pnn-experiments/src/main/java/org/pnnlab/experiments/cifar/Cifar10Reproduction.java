package org.pnnlab.experiments.cifar;

import java.util.List;
import java.util.Map;
import org.pnnlab.api.run.Augmentation;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.OptimConfig;
import org.pnnlab.api.run.Optimizer;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.PresetExperiment;

/**
 * The reproduction's CIFAR-10 table, one experiment per row: SGD with Nesterov momentum, L2 1e-4, 150 epochs with the
 * rate times 0.2 from epochs 60, 90, 120 and 160, crop + flip augmentation; the first slot keeps its layer.
 */
public final class Cifar10Reproduction {
    private Cifar10Reproduction() {
    }

    static RunConfig row(String name, ModelConfig model, int batch, double lr) {
        return RunConfig.of(name, DataConfig.of("cifar-10"), model).withAugmentation(Augmentation.CROP_FLIP)
                .withOptim(OptimConfig.DEFAULTS.withOptimizer(Optimizer.SGD).withLearningRate(lr).withWeightDecay(1e-4)
                        .withBatchSize(batch).withEpochs(150).withStepDecay(List.of(60, 90, 120, 160), 0.2));
    }

    /** Row 1: the baseline, width cut to 44 to match the PNN's size (91.8% published) */
    public static final class Row1 extends PresetExperiment {
        public Row1() {
            super("CIFAR-10 row 1: resnet18, 44 filters (baseline, ~5.3M params), batch 10, lr 1e-3; published 91.8%");
        }

        @Override
        public RunConfig preset() {
            return row("cifar10-pnn-row1-resnet18-nf44", ModelConfig.firstAndRest("resnet18", Map.of("nfilters", 44), LayerChoice.of("conv"),
                    LayerChoice.of("conv")), 10, 1e-3);
        }
    }

    /** Row 2: the original authors' network, 7x7 first convolution (85.7% published) */
    public static final class Row2 extends PresetExperiment {
        public Row2() {
            super("CIFAR-10 row 2: noiseresnet18 (original NoiseLayer), 128 filters, first conv 7x7, batch 10, lr 1e-4; published 85.7%");
        }

        @Override
        public RunConfig preset() {
            return row("cifar10-pnn-row2-noiseresnet18-ffs7", ModelConfig.firstAndRest("noiseresnet18", Map.of("nfilters", 128, "first_filter_size", 7), LayerChoice.of("noise-original"),
                    LayerChoice.of("noise-original")), 10, 1e-4);
        }
    }

    /** Row 3: as row 2 with a 3x3 first convolution (86.2% published) */
    public static final class Row3 extends PresetExperiment {
        public Row3() {
            super("CIFAR-10 row 3: noiseresnet18, 128 filters, first conv 3x3, batch 10, lr 1e-4; published 86.2%");
        }

        @Override
        public RunConfig preset() {
            return row("cifar10-pnn-row3-noiseresnet18-ffs3", ModelConfig.firstAndRest("noiseresnet18", Map.of("nfilters", 128, "first_filter_size", 3), LayerChoice.of("noise-original"),
                    LayerChoice.of("noise-original")), 10, 1e-4);
        }
    }

    /** Row 4: perturb_resnet18 with 1x1 convolutions and no noise (85.5% published) */
    public static final class Row4 extends PresetExperiment {
        public Row4() {
            super("CIFAR-10 row 4: perturb_resnet18, 128 filters, first conv 3x3, 1x1 convs elsewhere, no noise, batch 16; published 85.5%");
        }

        @Override
        public RunConfig preset() {
            return row("cifar10-pnn-row4-1x1-no-noise", ModelConfig.firstAndRest("perturb_resnet18", Map.of("nfilters", 128), LayerChoice.of("perturbation", Map.of("filter_size", 3)),
                    LayerChoice.of("perturbation", Map.of("filter_size", 1))), 16, 1e-3);
        }
    }

    /** Row 5: noise in every layer including the first, one mask per channel (72.6% published) */
    public static final class Row5 extends PresetExperiment {
        public Row5() {
            super("CIFAR-10 row 5: perturb_resnet18, 128 filters, perturbation in all 17 slots, nmasks 1, batch 16; published 72.6%");
        }

        @Override
        public RunConfig preset() {
            return row("cifar10-pnn-row5-noise-everywhere", ModelConfig.firstAndRest("perturb_resnet18", Map.of("nfilters", 128), LayerChoice.of("perturbation", Map.of("nmasks", 1)),
                    LayerChoice.of("perturbation", Map.of("nmasks", 1))), 16, 1e-3);
        }
    }

    /** Row 6: fan-out 64, unique masks, mix_maps (82.7% published) */
    public static final class Row6 extends PresetExperiment {
        public Row6() {
            super("CIFAR-10 row 6: perturb_resnet18, 128 filters, first conv 3x3, nmasks 64 unique + mix_maps, batch 16; published 82.7%");
        }

        @Override
        public RunConfig preset() {
            return row("cifar10-pnn-row6-nmasks64-unique-mix", ModelConfig.firstAndRest("perturb_resnet18", Map.of("nfilters", 128), LayerChoice.of("perturbation", Map.of("filter_size", 3)),
                    LayerChoice.of("perturbation", Map.of("nmasks", 64, "unique_masks", true, "mix_maps", true))), 16, 1e-3);
        }
    }

    /** Row 7: fan-out 64, shared masks (82.4% published) */
    public static final class Row7 extends PresetExperiment {
        public Row7() {
            super("CIFAR-10 row 7: perturb_resnet18, 128 filters, first conv 3x3, nmasks 64 shared, batch 16; published 82.4%");
        }

        @Override
        public RunConfig preset() {
            return row("cifar10-pnn-row7-nmasks64-shared", ModelConfig.firstAndRest("perturb_resnet18", Map.of("nfilters", 128), LayerChoice.of("perturbation", Map.of("filter_size", 3)),
                    LayerChoice.of("perturbation", Map.of("nmasks", 64, "unique_masks", false))), 16, 1e-3);
        }
    }

    /** Row 8: as row 7 with trainable masks (85.9% published) */
    public static final class Row8 extends PresetExperiment {
        public Row8() {
            super("CIFAR-10 row 8: as row 7 with trainable masks, batch 16; published 85.9%");
        }

        @Override
        public RunConfig preset() {
            return row("cifar10-pnn-row8-nmasks64-shared-trained", ModelConfig.firstAndRest("perturb_resnet18", Map.of("nfilters", 128), LayerChoice.of("perturbation", Map.of("filter_size", 3)),
                    LayerChoice.of("perturbation", Map.of("nmasks", 64, "unique_masks", false, "train_masks", true))), 16, 1e-3);
        }
    }
}
