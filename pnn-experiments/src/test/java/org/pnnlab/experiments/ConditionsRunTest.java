package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.experiment.ExperimentRegistry;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.datasets.Datasets;

/** Label noise, a training subset and a validation split in a real (tiny) run on the bundled MNIST subset. */
class ConditionsRunTest {

    static Path train(Path runs, int limit, long seed, RunOptions.Conditions conditions) {
        RunOptions o = new RunOptions(2, 64, null, seed, null, null, Map.of(), Map.of("nfilters", "8"), "mnist-subset",
                null, runs, false, limit, RunOptions.TrainingOverrides.NONE, conditions);
        var e = ExperimentRegistry.load().get("mnist-lenet-conv");
        return Guice.createInjector(new CoreModule(o, Progress.NONE), e.module()).getInstance(Trainer.class).run();
    }

    @Test
    void aRunRecordsItsConditionsAndValidationAccuracy(@TempDir Path runs) {
        // --label-noise 0.4 --subset 0.5 --validation 0.2 on the first 1000 training images
        Path dir = train(runs, 1000, 4, new RunOptions.Conditions(0.4, "symmetric", false, 0.5, 0.2));
        assertTrue(dir.getFileName().toString().endsWith("-conv-s4-sym40-sub50"), dir.toString());
        RunRecord r = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.COMPLETED, r.status());
        Map<String, Object> c = r.configuration();
        assertEquals("sym-noise 40%, subset 50%", c.get("condition"));
        @SuppressWarnings("unchecked")
        Map<String, Object> cond = (Map<String, Object>) c.get("conditions");
        assertNotNull(cond, c.toString());
        assertEquals(0.4, ((Number) cond.get("labelNoise")).doubleValue());
        assertEquals("symmetric", cond.get("noiseType"));
        assertEquals(false, cond.get("noisyValidation"));
        assertEquals(0.5, ((Number) cond.get("subset")).doubleValue());
        assertEquals(0.2, ((Number) cond.get("validation")).doubleValue());
        int trainImages = ((Number) cond.get("trainImages")).intValue();
        int validationImages = ((Number) cond.get("validationImages")).intValue();
        int noisy = ((Number) cond.get("noisyLabels")).intValue();
        // per class: floor(0.2 n) held out, floor(half) of the rest trained on
        int[] counts = Datasets.load("mnist-subset", runs, false).train().head(1000).labelCounts();
        int expectTrain = 0;
        int expectValidation = 0;
        for (int n : counts) {
            expectValidation += (int) Math.floor(0.2 * n);
            expectTrain += (n - (int) Math.floor(0.2 * n)) / 2;
        }
        assertEquals(expectTrain, trainImages);
        assertEquals(expectValidation, validationImages);
        assertEquals(trainImages, ((Number) c.get("trainImages")).intValue());
        assertTrue(noisy > 0 && noisy <= Math.ceil(0.4 * trainImages), "noisy labels " + noisy);
        assertEquals(2, r.epochs().size());
        for (EpochRecord e : r.epochs()) {
            assertNotNull(e.validationAccuracy(), e.toString());
            assertEquals(validationImages, e.validationTotal());
            assertEquals((double) e.validationCorrect() / e.validationTotal(), e.validationAccuracy(), 1e-12);
            assertEquals(1000, e.testTotal(), "the test set is untouched");
        }
        FinalMetrics fm = r.finalMetrics();
        assertNotNull(fm);
        assertNotNull(fm.bestValidationEpoch());
        EpochRecord chosen = r.epochs().get(fm.bestValidationEpoch() - 1);
        assertEquals(chosen.testAccuracy(), fm.testAccuracyAtBestValidation());
        assertEquals(chosen.validationAccuracy(), fm.bestValidationAccuracy());
        for (EpochRecord e : r.epochs()) assertTrue(e.validationAccuracy() <= fm.bestValidationAccuracy());

        // the same seed draws the same subset and noise; the seed decides them
        RunRecord again = RunStore.read(train(runs, 1000, 4,
                new RunOptions.Conditions(0.4, "symmetric", false, 0.5, 0.2)).resolve("run.json"));
        assertEquals(cond, again.configuration().get("conditions"));
        assertEquals(r.epochs().get(0).validationCorrect(), again.epochs().get(0).validationCorrect());
    }

    @Test
    void aCleanRunKeepsItsNameAndIsLabelledClean(@TempDir Path runs) {
        Path dir = train(runs, 200, 2, RunOptions.Conditions.NONE);
        assertTrue(dir.getFileName().toString().endsWith("-conv-s2"), dir.toString());
        RunRecord r = RunStore.read(dir.resolve("run.json"));
        assertEquals("clean", r.configuration().get("condition"));
        @SuppressWarnings("unchecked")
        Map<String, Object> cond = (Map<String, Object>) r.configuration().get("conditions");
        assertEquals(0, ((Number) cond.get("noisyLabels")).intValue());
        assertEquals(200, ((Number) cond.get("trainImages")).intValue());
        assertEquals(0, ((Number) cond.get("validationImages")).intValue());
        assertEquals(null, r.epochs().get(0).validationAccuracy());
        assertEquals(null, r.finalMetrics().testAccuracyAtBestValidation());
    }

    @Test
    void badConditionsAreRejectedWithTheFlagAndTheRange() {
        PnnException e = assertThrows(PnnException.class, () -> new RunOptions.Conditions(1, "symmetric", false, 1, 0));
        assertEquals("--label-noise must be in [0, 1) (a fraction of the training labels), got 1", e.getMessage());
        e = assertThrows(PnnException.class, () -> new RunOptions.Conditions(0, "symmetric", false, 0, 0));
        assertEquals("--subset must be in (0, 1] (the fraction of each class kept for training), got 0", e.getMessage());
        e = assertThrows(PnnException.class, () -> new RunOptions.Conditions(0, "symmetric", true, 1, 0));
        assertTrue(e.getMessage().contains("--noisy-validation") && e.getMessage().contains("--validation"));
        assertEquals("sym-noise 40%, free-adv",
                new RunOptions.Conditions(0.4, "symmetric", false, 1, 0.1).label(List.of("free-adv")));
    }
}
