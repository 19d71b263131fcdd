package org.pnnlab.experiments.cifar;

import java.util.List;
import java.util.Map;
import org.pnnlab.experiments.ExperimentSpec;
import org.pnnlab.experiments.SpecExperiment;

/** The reproduction's CIFAR-10 table, one experiment per row. */
public final class Cifar10Reproduction {
    private Cifar10Reproduction() {
    }

    static ExperimentSpec.Training training(int batch, double lr) {
        return new ExperimentSpec.Training(150, batch, lr, "sgd", 1e-4, 1, List.of(60, 90, 120, 160), 0.2);
    }

    static ExperimentSpec row(String name, String description, String model, String first, Map<String, Object> firstParams,
                              String layer, Map<String, Object> layerParams, Map<String, Object> options, int batch,
                              double lr) {
        return new ExperimentSpec(name, description, "cifar-10", model, first, firstParams, layer, layerParams,
                ExperimentSpec.VariedSlots.ALL_BUT_FIRST, options, training(batch, lr),
                ExperimentSpec.Augmentation.CROP_FLIP);
    }

    /** Row 1: the baseline, width cut to 44 to match the PNN's size (91.8% published). */
    public static final class Row1 extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return row("cifar10-pnn-row1-resnet18-nf44", "CIFAR-10 row 1: resnet18, 44 filters (baseline, ~5.3M params), batch 10, lr 1e-3; published 91.8%",
                    "resnet18", "conv", Map.of(), "conv", Map.of(), Map.of("nfilters", 44), 10, 1e-3);
        }
    }

    /** Row 2: the original authors' network, 7x7 first convolution (85.7% published). */
    public static final class Row2 extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return row("cifar10-pnn-row2-noiseresnet18-ffs7", "CIFAR-10 row 2: noiseresnet18 (original NoiseLayer), 128 filters, first conv 7x7, batch 10, lr 1e-4; published 85.7%",
                    "noiseresnet18", "noise-original", Map.of(), "noise-original", Map.of(),
                    Map.of("nfilters", 128, "first_filter_size", 7), 10, 1e-4);
        }
    }

    /** Row 3: as row 2 with a 3x3 first convolution (86.2% published). */
    public static final class Row3 extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return row("cifar10-pnn-row3-noiseresnet18-ffs3", "CIFAR-10 row 3: noiseresnet18, 128 filters, first conv 3x3, batch 10, lr 1e-4; published 86.2%",
                    "noiseresnet18", "noise-original", Map.of(), "noise-original", Map.of(),
                    Map.of("nfilters", 128, "first_filter_size", 3), 10, 1e-4);
        }
    }

    /** Row 4: perturb_resnet18 with 1x1 convolutions and no noise (85.5% published). */
    public static final class Row4 extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return row("cifar10-pnn-row4-1x1-no-noise", "CIFAR-10 row 4: perturb_resnet18, 128 filters, first conv 3x3, 1x1 convs elsewhere, no noise, batch 16; published 85.5%",
                    "perturb_resnet18", "perturbation", Map.of("filter_size", 3), "perturbation", Map.of("filter_size", 1),
                    Map.of("nfilters", 128), 16, 1e-3);
        }
    }

    /** Row 5: noise in every layer including the first, one mask per channel (72.6% published). */
    public static final class Row5 extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return row("cifar10-pnn-row5-noise-everywhere", "CIFAR-10 row 5: perturb_resnet18, 128 filters, perturbation in all 17 slots, nmasks 1, batch 16; published 72.6%",
                    "perturb_resnet18", "perturbation", Map.of("nmasks", 1), "perturbation", Map.of("nmasks", 1),
                    Map.of("nfilters", 128), 16, 1e-3);
        }
    }

    /** Row 6: fan-out 64, unique masks, mix_maps (82.7% published). */
    public static final class Row6 extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return row("cifar10-pnn-row6-nmasks64-unique-mix", "CIFAR-10 row 6: perturb_resnet18, 128 filters, first conv 3x3, nmasks 64 unique + mix_maps, batch 16; published 82.7%",
                    "perturb_resnet18", "perturbation", Map.of("filter_size", 3), "perturbation",
                    Map.of("nmasks", 64, "unique_masks", true, "mix_maps", true), Map.of("nfilters", 128), 16, 1e-3);
        }
    }

    /** Row 7: fan-out 64, shared masks (82.4% published). */
    public static final class Row7 extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return row("cifar10-pnn-row7-nmasks64-shared", "CIFAR-10 row 7: perturb_resnet18, 128 filters, first conv 3x3, nmasks 64 shared, batch 16; published 82.4%",
                    "perturb_resnet18", "perturbation", Map.of("filter_size", 3), "perturbation",
                    Map.of("nmasks", 64, "unique_masks", false), Map.of("nfilters", 128), 16, 1e-3);
        }
    }

    /** Row 8: as row 7 with trainable masks (85.9% published). */
    public static final class Row8 extends SpecExperiment {
        @Override
        protected ExperimentSpec spec() {
            return row("cifar10-pnn-row8-nmasks64-shared-trained", "CIFAR-10 row 8: as row 7 with trainable masks, batch 16; published 85.9%",
                    "perturb_resnet18", "perturbation", Map.of("filter_size", 3), "perturbation",
                    Map.of("nmasks", 64, "unique_masks", false, "train_masks", true), Map.of("nfilters", 128), 16, 1e-3);
        }
    }
}
