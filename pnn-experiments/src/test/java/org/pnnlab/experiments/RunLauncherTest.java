package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.datasets.Datasets;
import org.pnnlab.datasets.Split;
import org.pnnlab.experiments.train.RunContext;
import org.pnnlab.experiments.train.TrainListener;
import org.pnnlab.experiments.train.TrainingParts;

/** Real training on the bundled MNIST subset: what a run saves, that it is reproducible, and exact resume. */
class RunLauncherTest {

    @Test
    void aRunSavesItsRecordAndModel(@TempDir Path runs) throws Exception {
        RunConfig c = TestRuns.small("mnist-lenet-perturb", 1920, 2, 3, 16);
        Path dir = TestRuns.train(c, runs);
        assertEquals(runs.resolve("mnist-lenet-perturb"), dir.getParent());
        assertTrue(dir.getFileName().toString().matches("mnist-lenet-perturb-perturbation-[0-9a-f]{8}-s3"), dir.toString());
        RunRecord r = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.SCHEMA_VERSION, r.schemaVersion());
        assertEquals(RunRecord.COMPLETED, r.status());
        assertEquals("mnist-lenet-perturb", r.experiment());
        assertEquals("perturbation", r.layer());
        assertEquals(3, r.seed());
        assertEquals(2, r.epochs().size());
        assertEquals(2, r.plannedEpochs());
        // 16 filters: conv slot 1->16 (144 + 32) + 2 perturbation slots (16*16+16+32) + fc 256*128+128 + 256 + 1290
        assertEquals(144 + 32 + 2 * (256 + 16 + 32) + 256 * 128 + 128 + 256 + 1290, r.facts().parameterCount());
        assertEquals(16 * 14 * 14 + 16 * 7 * 7, r.facts().fixedParameterCount());
        for (EpochRecord e : r.epochs()) {
            assertEquals(1000, e.testTotal());
            assertEquals((double) e.testCorrect() / e.testTotal(), e.testAccuracy(), 1e-12);
            assertTrue(Double.isFinite(e.trainLoss()));
            assertNotNull(e.legacySmoothedAccuracy());
            var confusion = e.testConfusion();
            assertNotNull(confusion, "per-class test accuracy is recorded");
            long diagonal = 0;
            long all = 0;
            for (int i = 0; i < confusion.classes(); i++) {
                diagonal += confusion.counts().get(i).get(i);
                all += confusion.counts().get(i).stream().mapToLong(Long::longValue).sum();
            }
            assertEquals(e.testCorrect(), diagonal);
            assertEquals(e.testTotal(), all);
        }
        assertNotNull(r.finalMetrics());
        assertEquals(r.epochs().get(1).testAccuracy(), r.finalMetrics().testAccuracy(), 0);
        assertTrue(r.finalMetrics().testAccuracy() > 0.5, "a small lenet learns something: " + r.finalMetrics());
        assertEquals(1920, r.facts().trainImages());
        // the record holds the resolved configuration: every layer parameter with its default
        assertEquals(1, r.config().model().otherSlots().params().get("nmasks"));
        assertEquals(r.config(), r.config().withSeed(3));
        assertTrue(r.environment().javaVersion().startsWith("17") || !r.environment().javaVersion().isBlank());
        // the saved model gives the recorded accuracy on the whole test set
        ComputationGraph net = ModelSerializer.restoreComputationGraph(dir.resolve("model.zip").toFile(), true);
        Split data = Datasets.load("mnist-subset", runs, false);
        Evaluation ev = Evaluation.run(net, data.testFeatures(), Evaluation.labelVector(data.test().labels()),
                new int[]{1, 28, 28}, 100);
        assertEquals(r.finalMetrics().testCorrect(), ev.correct());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    @Test
    void theSameSeedGivesTheSameRunAndAShowsAsARepetition(@TempDir Path runs) {
        RunConfig c = TestRuns.small("mnist-lenet-conv", 256, 1, 11, 8);
        Path first = TestRuns.train(c, runs);
        Path second = TestRuns.train(c, runs);
        Path other = TestRuns.train(c.withSeed(12), runs);
        assertEquals(first.getFileName() + "-r2", second.getFileName().toString(), "a rerun is visible as such");
        assertTrue(other.getFileName().toString().startsWith(first.getFileName().toString().replace("-s11", "-s12")));
        RunRecord a = RunStore.read(first.resolve("run.json"));
        RunRecord b = RunStore.read(second.resolve("run.json"));
        RunRecord d = RunStore.read(other.resolve("run.json"));
        assertEquals(a.epochs().get(0).testCorrect(), b.epochs().get(0).testCorrect());
        assertEquals(a.epochs().get(0).trainLoss(), b.epochs().get(0).trainLoss(), 0);
        assertTrue(a.epochs().get(0).trainLoss() != d.epochs().get(0).trainLoss(), "another seed, another run");
    }

    /** Stops training after a number of steps as a kill would: no status is written. */
    static final class Kill extends Error {
        Kill() {
            super("simulated kill", null, false, false);
        }
    }

    @Test
    void aRunStoppedMidEpochResumesToTheSameParametersAndMetrics(@TempDir Path runs) throws Exception {
        RunConfig c = TestRuns.small("mnist-lenet-perturb", 640, 2, 5, 8);
        Path straight = TestRuns.train(c, runs.resolve("straight"));
        // the same run, checkpointing after every step, stopped in the middle of the second epoch
        int[] steps = {0};
        TrainListener killer = new TrainListener() {
            @Override
            public void onBatchEnd(RunContext run, BatchEnd b) {
                if (++steps[0] == 14) throw new Kill();
            }
        };
        var launcher = com.google.inject.Guice.createInjector(new CoreModule(),
                        binder -> TrainingParts.listeners(binder).addBinding().toInstance(killer))
                .getInstance(org.pnnlab.experiments.train.RunLauncher.class);
        var ws = TestRuns.workspace(runs.resolve("killed")).withCheckpointEvery(Duration.ofNanos(1));
        assertThrows(Kill.class, () -> launcher.start(c, ws));
        Path dir = runs.resolve("killed").resolve(straight.getParent().getFileName()).resolve(straight.getFileName());
        RunRecord killed = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.RUNNING, killed.status(), "a kill writes no status");
        assertEquals(1, killed.epochs().size());
        // this process is alive, so the record counts as running: mark it as a killed process would leave it
        RunStore.write(dir.resolve("run.json"), killed.finish(RunRecord.INTERRUPTED, null, 1, "2026-01-01T00:00:00Z"));
        Path resumed = TestRuns.launcher(c).resume(dir, TestRuns.workspace(runs.resolve("killed")));
        RunRecord a = RunStore.read(straight.resolve("run.json"));
        RunRecord b = RunStore.read(resumed.resolve("run.json"));
        assertEquals(RunRecord.COMPLETED, b.status());
        assertEquals(a.finalMetrics(), b.finalMetrics());
        assertEquals(a.epochs().stream().map(EpochRecord::trainLoss).toList(),
                b.epochs().stream().map(EpochRecord::trainLoss).toList());
        ComputationGraph x = ModelSerializer.restoreComputationGraph(straight.resolve("model.zip").toFile(), true);
        ComputationGraph y = ModelSerializer.restoreComputationGraph(resumed.resolve("model.zip").toFile(), true);
        assertArrayEquals(x.params().toFloatVector(), y.params().toFloatVector(), "identical parameters");
        assertArrayEquals(x.getUpdater().getStateViewArray().toFloatVector(),
                y.getUpdater().getStateViewArray().toFloatVector(), "identical optimiser state");
        // a completed run is not resumed again
        PnnException e = assertThrows(PnnException.class,
                () -> TestRuns.launcher(c).resume(resumed, TestRuns.workspace(runs)));
        assertTrue(e.getMessage().contains("already completed"), e.getMessage());
    }

    @Test
    void resumeRejectsWhatItCannotContinue(@TempDir Path runs) throws Exception {
        RunConfig c = TestRuns.small("mnist-lenet-conv", 128, 1, 2, 8);
        var launcher = TestRuns.launcher(c);
        var ws = TestRuns.workspace(runs);
        PnnException e = assertThrows(PnnException.class, () -> launcher.resume(runs, ws));
        assertTrue(e.getMessage().contains("is not a run folder"), e.getMessage());
        Path dir = TestRuns.train(c, runs);
        RunRecord done = RunStore.read(dir.resolve("run.json"));
        RunStore.write(dir.resolve("run.json"), done.finish(RunRecord.FAILED, null, 1, "2026-01-01T00:00:00Z"));
        String checkpoint = Files.readString(dir.resolve("checkpoint.json"));
        String zipName = checkpoint.replaceAll("(?s).*\"modelFile\" : \"([^\"]+)\".*", "$1");
        byte[] before = Files.readAllBytes(dir.resolve(zipName));
        Files.write(dir.resolve(zipName), new byte[] {1, 2, 3});
        e = assertThrows(PnnException.class, () -> launcher.resume(dir, ws));
        assertTrue(e.getMessage().contains("cannot be read as a saved network"), e.getMessage());
        assertEquals(RunRecord.FAILED, RunStore.read(dir.resolve("run.json")).status(), "nothing saved is changed");
        Files.write(dir.resolve(zipName), before);
        RunRecord live = new RunRecord(done.schemaVersion(), done.runId(), RunRecord.RUNNING, done.config(), done.facts(),
                done.environment(), org.pnnlab.api.run.ProcessInfo.current(), done.epochs(), null, 1, done.startedAt(),
                done.updatedAt(), null, List.of());
        RunStore.write(dir.resolve("run.json"), live);
        e = assertThrows(PnnException.class, () -> launcher.resume(dir, ws));
        assertTrue(e.getMessage().contains("still being trained by process " + ProcessHandle.current().pid()), e.getMessage());
    }
}
