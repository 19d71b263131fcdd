package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.experiment.ExperimentRegistry;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.datasets.Datasets;
import org.pnnlab.datasets.Split;

/** Real training on the bundled MNIST subset: what a run saves, and that it is reproducible. */
class TrainerTest {

    static Path train(String experiment, Path runs, int limit, int epochs, long seed) {
        RunOptions o = new RunOptions(epochs, 64, null, seed, null, null, Map.of(), Map.of("nfilters", "16"), "mnist-subset",
                null, runs, false, limit);
        var e = ExperimentRegistry.load().get(experiment);
        return Guice.createInjector(new CoreModule(o, Progress.NONE), e.module()).getInstance(Trainer.class).run();
    }

    @Test
    void aRunSavesItsRecordAndModel(@TempDir Path runs) throws Exception {
        Path dir = train("mnist-lenet-perturb", runs, 1920, 2, 3);
        assertEquals(runs.resolve("mnist-lenet-perturb"), dir.getParent());
        RunRecord r = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.SCHEMA_VERSION, r.schemaVersion());
        assertEquals(RunRecord.COMPLETED, r.status());
        assertEquals("mnist-lenet-perturb", r.experiment());
        assertEquals("perturbation", r.layer());
        assertEquals(3, r.seed());
        assertEquals(2, r.epochs().size());
        assertEquals(2, r.plannedEpochs());
        // 16 filters: conv slot 1->16 (144 + 32) + 2 perturbation slots (16*16+16+32) + fc 256*128+128 + 256 + 1290
        assertEquals(144 + 32 + 2 * (256 + 16 + 32) + 256 * 128 + 128 + 256 + 1290, r.parameterCount());
        assertEquals(16 * 14 * 14 + 16 * 7 * 7, r.fixedParameterCount());
        for (EpochRecord e : r.epochs()) {
            assertEquals(1000, e.testTotal());
            assertEquals((double) e.testCorrect() / e.testTotal(), e.testAccuracy(), 1e-12);
            assertTrue(Double.isFinite(e.trainLoss()));
            assertNotNull(e.legacySmoothedAccuracy());
        }
        assertNotNull(r.finalMetrics());
        assertEquals(r.epochs().get(1).testAccuracy(), r.finalMetrics().testAccuracy(), 0);
        assertTrue(r.finalMetrics().testAccuracy() > 0.5, "a small lenet learns something: " + r.finalMetrics());
        assertEquals(1920, ((Number) r.configuration().get("trainImages")).intValue());
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
    void theSameSeedGivesTheSameRun(@TempDir Path runs) {
        RunRecord a = RunStore.read(train("mnist-lenet-conv", runs, 256, 1, 11).resolve("run.json"));
        RunRecord b = RunStore.read(train("mnist-lenet-conv", runs, 256, 1, 11).resolve("run.json"));
        RunRecord c = RunStore.read(train("mnist-lenet-conv", runs, 256, 1, 12).resolve("run.json"));
        assertEquals(a.epochs().get(0).testCorrect(), b.epochs().get(0).testCorrect());
        assertEquals(a.epochs().get(0).trainLoss(), b.epochs().get(0).trainLoss(), 1e-6);
        assertTrue(a.epochs().get(0).trainLoss() != c.epochs().get(0).trainLoss(), "another seed, another run");
    }
}
