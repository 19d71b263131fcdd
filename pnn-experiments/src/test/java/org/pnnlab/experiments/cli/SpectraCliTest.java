package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.LayerSpectrum;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

/** Layer spectra end to end (a tiny fmnist-convnorm run on the bundled subset, then pnn spectrum) and --ocnn's checks. */
class SpectraCliTest {
    private static Path onlyRun(Path runs) throws Exception {
        try (Stream<Path> s = Files.walk(runs)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().equals("run.json")).toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0).getParent();
        }
    }

    @Test
    void convNormRunRecordsSpectraEveryEpochAndPnnSpectrumPrintsThem(@TempDir Path runs) throws Exception {
        CliTest.Result r = CliTest.cli("run", "fmnist-convnorm", "--layer", "convnorm", "--dataset", "mnist-subset",
                "--train-limit", "256", "--epochs", "2", "--batch-size", "64", "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        Path dir = onlyRun(runs);
        RunRecord rec = RunStore.read(dir.resolve("run.json"));
        assertEquals(2, rec.epochs().size());
        for (EpochRecord e : rec.epochs()) {
            assertNotNull(e.spectra(), "epoch " + e.epoch());
            assertEquals(6, e.spectra().layers().size());
            for (LayerSpectrum l : e.spectra().layers()) {
                assertEquals(3, l.operator().size());
                assertTrue(l.operator().get(0) > 0 && l.operator().get(0) >= l.operator().get(2), l.toString());
                assertNotNull(l.folded(), "ConvNorm's batch norm is folded in: " + l.layer());
                assertNull(l.circular(), "ConvNorm's map is more than one kernel");
            }
            assertEquals(28, e.spectra().layers().get(0).height());
            assertEquals(14, e.spectra().layers().get(2).height());
        }
        assertNull(rec.epochs().get(0).spectra().localLipschitz());
        assertTrue(rec.epochs().get(1).spectra().localLipschitz() > 0);
        assertEquals(1000, rec.epochs().get(1).spectra().localImages(), "the subset's first 1000 test images");

        CliTest.Result s = CliTest.cli("spectrum", dir.toString());
        assertEquals(0, s.code(), s.err());
        for (String f : List.of("epoch 1", "epoch 2", "c1_convnorm", "c6_convnorm", "28x28", "product of sigma_max",
                "local estimate")) {
            assertTrue(s.out().contains(f), "missing '" + f + "' in:\n" + s.out());
        }
    }

    @Test
    void convRunRecordsTheCircularSpectrumToo(@TempDir Path runs) throws Exception {
        CliTest.Result r = CliTest.cli("run", "fmnist-convnorm", "--dataset", "mnist-subset", "--train-limit", "128",
                "--epochs", "1", "--batch-size", "64", "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        RunRecord rec = RunStore.read(onlyRun(runs).resolve("run.json"));
        LayerSpectrum first = rec.epochs().get(0).spectra().layers().get(0);
        assertEquals("c1_conv", first.layer());
        assertNotNull(first.circular());
        assertNotNull(first.circularFolded());
        assertEquals(first.folded().get(0), first.sigmaMax());
    }

    @Test
    void spectrumOnAFolderWithoutASavedRunIsOneLine(@TempDir Path dir) {
        CliTest.Result r = CliTest.cli("spectrum", dir.toString());
        CliTest.assertUserError(r, "run.json", "model.zip");
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void negativeOcnnIsOneLineAndNothingIsWritten(@TempDir Path runs) throws Exception {
        CliTest.Result r = CliTest.cli("run", "fmnist-convnorm", "--ocnn", "-1", "--dataset", "mnist-subset",
                "--runs-dir", runs.toString());
        CliTest.assertUserError(r, "--ocnn", ">= 0");
        assertEquals(1, r.err().strip().lines().count(), r.err());
        try (Stream<Path> s = Files.walk(runs)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().equals("run.json")));
        }
    }

    @Test
    void ocnnTrainsAndIsPartOfTheConfiguration(@TempDir Path runs) throws Exception {
        CliTest.Result r = CliTest.cli("run", "fmnist-convnorm", "--ocnn", "0.01", "--dataset", "mnist-subset",
                "--train-limit", "128", "--epochs", "1", "--batch-size", "64", "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        RunRecord rec = RunStore.read(onlyRun(runs).resolve("run.json"));
        assertEquals(RunRecord.COMPLETED, rec.status());
        assertEquals(0.01, rec.config().regularisation().ocnn());
        assertEquals(rec.config().runId(), rec.runId());
        assertFalse(rec.config().runId().equals(rec.config().withRegularisation(
                org.pnnlab.api.run.RegularisationConfig.NONE).runId()), "the regulariser changes the run id");
    }
}
