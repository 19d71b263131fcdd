package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pnnlab.experiments.cli.CliTest.assertUserError;
import static org.pnnlab.experiments.cli.CliTest.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

/** --label-noise, --noise-type, --noisy-validation, --subset and --validation on the command line. */
class ConditionsCliTest {

    static CliTest.Result run(Path runs, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "mnist-lenet-conv", "--dataset", "mnist-subset",
                "--train-limit", "300", "--epochs", "1", "--model-opt", "nfilters=4", "--runs-dir", runs.toString()));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    @Test
    void convNormOnAnInputSmallerThanItsKernelIsOneClearError() {
        // on 8x8 images simple_cnn's fifth slot sees 2x2 maps: ConvNorm's 3x3 kernel does not fit (conv would)
        assertEquals(0, cli("model", "simple_cnn", "--input", "1x8x8", "--layer", "conv").code());
        CliTest.Result r = cli("model", "simple_cnn", "--input", "1x8x8", "--layer", "convnorm");
        assertUserError(r, "ConvNorm's 3x3 kernel is larger than its 2x2 input");
    }

    @Test
    void freeAdversarialFlagsAreChecked(@TempDir Path runs) {
        assertUserError(run(runs, "--adv-repeats", "0"), "(--adv-repeats) must be >= 1");
        assertUserError(run(runs, "--fgsm-step", "2"), "(--fgsm-step) must be in (0, 1]");
        assertUserError(run(runs, "--adv-repeats", "2", "--clean", "no"), "belong to PGD training");
    }

    @Test
    void badValuesEndWithOneClearMessage(@TempDir Path runs) {
        CliTest.Result r = run(runs, "--label-noise", "1.5");
        assertUserError(r, "(--label-noise) must be in [0, 1)", "got 1.5");
        assertEquals("error: data.labelNoise (--label-noise) must be in [0, 1) (a fraction of the training labels), got 1.5",
                r.err().lines().findFirst().orElseThrow());
        assertUserError(run(runs, "--label-noise", "-0.2"), "--label-noise", "[0, 1)", "got -0.2");
        assertUserError(run(runs, "--subset", "0"), "(--subset) must be in (0, 1]", "got 0");
        assertUserError(run(runs, "--subset", "1.01"), "--subset", "(0, 1]", "got 1.01");
        assertUserError(run(runs, "--validation", "1"), "(--validation) must be in [0, 1)", "got 1");
        assertUserError(run(runs, "--noise-type", "pairflip", "--label-noise", "0.2"),
                "--noise-type must be one of symmetric, asymmetric", "pairflip");
        assertUserError(run(runs, "--label-noise", "0.2", "--noisy-validation"), "--noisy-validation", "--validation");
        assertUserError(run(runs, "--label-noise", "lots"), "--label-noise", "lots");
        assertTrue(!Files.exists(runs.resolve("mnist-lenet-conv")), "no run was started");
    }

    @Test
    void theFlagsReachRunJson(@TempDir Path runs) throws IOException {
        CliTest.Result r = run(runs, "--label-noise", "0.2", "--noise-type", "asymmetric", "--validation", "0.1",
                "--noisy-validation", "--subset", "0.8", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        Path dir;
        try (var dirs = Files.list(runs.resolve("mnist-lenet-conv"))) {
            dir = dirs.findFirst().orElseThrow();
        }
        assertTrue(dir.getFileName().toString().endsWith("-s3"), dir.toString());
        RunRecord rec = RunStore.read(dir.resolve("run.json"));
        assertTrue(dir.getFileName().toString().contains(rec.config().configHash()), dir.toString());
        assertEquals("asym-noise 20%, subset 80%", rec.config().condition().label());
        assertEquals(org.pnnlab.api.run.NoiseType.ASYMMETRIC, rec.config().data().noiseType());
        assertEquals(true, rec.config().data().noisyValidation());
        assertTrue(rec.facts().noisyLabels() > 0, rec.facts().toString());
        assertTrue(rec.facts().noisyValidationLabels() >= 0, rec.facts().toString());
        assertEquals(rec.facts().validationImages(), rec.epochs().get(0).validationTotal());
    }
}
