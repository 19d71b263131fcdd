package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.NoiseType;
import org.pnnlab.api.run.RunConfig;

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

    static Path train(Path runs, int limit, long seed, DataConfig data) {
        RunConfig c = TestRuns.small("mnist-lenet-conv", limit, 2, seed, 8);
        return TestRuns.train(c.withData(data.withDataset("mnist-subset").withTrainLimit(limit)), runs);
    }

    @Test
    void aRunRecordsItsConditionsAndValidationAccuracy(@TempDir Path runs) {
        // --label-noise 0.4 --subset 0.5 --validation 0.2 on the first 1000 training images
        DataConfig conditions = DataConfig.of("mnist-subset").withLabelNoise(0.4, NoiseType.SYMMETRIC).withSubset(0.5)
                .withValidation(0.2);
        Path dir = train(runs, 1000, 4, conditions);
        RunRecord r = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.COMPLETED, r.status());
        assertEquals("sym-noise 40%, subset 50%", r.config().condition().label());
        DataConfig d = r.config().data();
        assertEquals(0.4, d.labelNoise());
        assertEquals(NoiseType.SYMMETRIC, d.noiseType());
        assertEquals(false, d.noisyValidation());
        assertEquals(0.5, d.subset());
        assertEquals(0.2, d.validation());
        int trainImages = r.facts().trainImages();
        int validationImages = r.facts().validationImages();
        int noisy = r.facts().noisyLabels();
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

        // the same seed draws the same subset and noise: a rerun of the same configuration, saved as a repetition
        Path againDir = train(runs, 1000, 4, conditions);
        assertEquals(dir.getFileName() + "-r2", againDir.getFileName().toString());
        RunRecord again = RunStore.read(againDir.resolve("run.json"));
        assertEquals(r.facts(), again.facts());
        assertEquals(r.epochs().get(0).validationCorrect(), again.epochs().get(0).validationCorrect());
    }

    @Test
    void aCleanRunIsLabelledCleanAndConditionsChangeTheRunId(@TempDir Path runs) {
        Path dir = train(runs, 200, 2, DataConfig.of("mnist-subset"));
        RunRecord r = RunStore.read(dir.resolve("run.json"));
        assertEquals("clean", r.config().condition().label());
        assertEquals(0, r.facts().noisyLabels());
        assertEquals(200, r.facts().trainImages());
        assertEquals(0, r.facts().validationImages());
        assertEquals(null, r.epochs().get(0).validationAccuracy());
        assertEquals(null, r.finalMetrics().testAccuracyAtBestValidation());
        RunConfig noisy = r.config().withData(r.config().data().withLabelNoise(0.2, NoiseType.SYMMETRIC));
        assertNotEquals(r.config().configHash(), noisy.configHash());
    }
}
