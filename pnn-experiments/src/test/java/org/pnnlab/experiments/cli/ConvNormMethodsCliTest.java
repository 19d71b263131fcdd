package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.layers.dl4j.OniConv;
import org.pnnlab.layers.dl4j.ShiftedRelu;
import org.pnnlab.layers.dl4j.SpectralNormConv;

/**
 * {@code pnn run fmnist-convnorm} with the ConvNorm comparison's layers: {@code --layer sn-conv}, {@code --layer
 * oni-conv} and {@code --layer-opt act=srelu} train (bundled subset, one small step) and the saved model holds
 * those layers in every slot but the first; their bad settings are one-line errors.
 */
class ConvNormMethodsCliTest {
    static Path singleRun(Path runs) throws Exception {
        try (Stream<Path> s = Files.list(runs.resolve("fmnist-convnorm"))) {
            List<Path> dirs = s.toList();
            assertEquals(1, dirs.size(), dirs.toString());
            return dirs.get(0);
        }
    }

    static long countLayers(Path run, Class<?> type) throws Exception {
        ComputationGraph net = ModelSerializer.restoreComputationGraph(run.resolve("model.zip").toFile(), false);
        return Stream.of(net.getLayers()).filter(l -> type.isInstance(l.conf().getLayer())).count();
    }

    static CliTest.Result train(Path runs, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "fmnist-convnorm", "--dataset", "mnist-subset",
                "--train-limit", "64", "--batch-size", "32", "--epochs", "1", "--runs-dir", runs.toString()));
        args.addAll(List.of(extra));
        return CliTest.cli(args.toArray(new String[0]));
    }

    @Test
    void snConvTrains(@TempDir Path runs) throws Exception {
        CliTest.Result r = train(runs, "--layer", "sn-conv");
        assertEquals(0, r.code(), r.err());
        Path run = singleRun(runs);
        assertEquals(RunRecord.COMPLETED, RunStore.read(run.resolve("run.json")).status());
        assertEquals("sn-conv", RunStore.read(run.resolve("run.json")).config().model().layer().id());
        assertEquals(6, countLayers(run, SpectralNormConv.class), "every slot of the simple CNN");
        assertSpectraOfEverySlot(run);
    }

    /** The layer spectra of the run's last epoch cover every slot, with the exact circular values of its kernel. */
    static void assertSpectraOfEverySlot(Path run) {
        var spectra = RunStore.read(run.resolve("run.json")).epochs().get(0).spectra();
        assertNotNull(spectra);
        assertEquals(6, spectra.layers().size(), spectra.toString());
        for (var l : spectra.layers()) {
            assertNotNull(l.circular(), l.layer() + " applies one kernel");
            assertTrue(l.operator().get(0) > 0, l.toString());
        }
    }

    @Test
    void oniConvTrains(@TempDir Path runs) throws Exception {
        CliTest.Result r = train(runs, "--layer", "oni-conv", "--layer-opt", "T=2");
        assertEquals(0, r.code(), r.err());
        Path run = singleRun(runs);
        assertEquals(RunRecord.COMPLETED, RunStore.read(run.resolve("run.json")).status());
        assertEquals(6, countLayers(run, OniConv.class));
        assertSpectraOfEverySlot(run);
    }

    @Test
    void shiftedReluReplacesTheModelsRelu(@TempDir Path runs) throws Exception {
        CliTest.Result r = train(runs, "--layer-opt", "act=srelu");
        assertEquals(0, r.code(), r.err());
        Path run = singleRun(runs);
        assertEquals("srelu", RunStore.read(run.resolve("run.json")).config().model().layer().params().get("act"));
        assertEquals(6, countLayers(run, ShiftedRelu.class), "a shifted ReLU ends every slot");
    }

    @Test
    void badSettingsAreOneLineErrors(@TempDir Path runs) {
        CliTest.assertUserError(train(runs, "--layer", "oni-conv", "--layer-opt", "T=0"), "'T'", "0", "range");
        CliTest.assertUserError(train(runs, "--layer", "sn-conv", "--layer-opt", "power_iterations=0"),
                "power_iterations", "range");
        CliTest.assertUserError(CliTest.cli("run", "mnist-lenet-perturb", "--layer-opt", "act=srelu", "--runs-dir",
                runs.toString()), "srelu", "act");
        assertTrue(!Files.exists(runs.resolve("fmnist-convnorm")) || runs.resolve("fmnist-convnorm").toFile().list().length == 0,
                "nothing saved");
    }
}
