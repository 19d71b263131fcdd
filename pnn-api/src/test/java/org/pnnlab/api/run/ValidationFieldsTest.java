package org.pnnlab.api.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional validation figures of epochs and final metrics: written when present, absent in older files. */
class ValidationFieldsTest {

    @Test
    void validationFiguresRoundTrip(@TempDir Path dir) {
        List<EpochRecord> epochs = List.of(
                EpochRecord.of(1, 0.9, 700, 1000, 1).withValidation(60, 100),
                EpochRecord.of(2, 0.7, 800, 1000, 1).withValidation(80, 100).withLegacySmoothedAccuracy(0.5),
                EpochRecord.of(3, 0.6, 750, 1000, 1).withValidation(80, 100),
                EpochRecord.of(4, 0.5, 900, 1000, 1).withValidation(70, 100));
        RunRecord r = RunStoreTest.sample();
        for (EpochRecord e : epochs) r = r.withEpoch(e, 1);
        FinalMetrics fm = new FinalMetrics(0.9, 900, 1000, 0.9, 4, null).withValidation(r.epochs());
        assertEquals(0.8, fm.bestValidationAccuracy());
        assertEquals(3, fm.bestValidationEpoch(), "a tie goes to the later epoch");
        assertEquals(0.75, fm.testAccuracyAtBestValidation());
        assertEquals(0.5, r.epochs().get(1).legacySmoothedAccuracy(), "withLegacy keeps the validation figures");
        assertEquals(0.8, r.epochs().get(1).validationAccuracy());
        r = r.finish(RunRecord.COMPLETED, fm, 5, "2026-01-01T00:01:00Z");
        Path f = dir.resolve("run.json");
        RunStore.write(f, r);
        RunRecord back = RunStore.read(f);
        assertEquals(r, back);
        assertEquals(80L, back.epochs().get(2).validationCorrect());
        assertEquals(100L, back.epochs().get(2).validationTotal());
        assertEquals(0.75, back.finalMetrics().testAccuracyAtBestValidation());
    }

    @Test
    void withoutValidationNothingIsWrittenAndOldFilesLoad(@TempDir Path dir) throws Exception {
        EpochRecord e = EpochRecord.of(1, 0.5, 980, 1000, 12.5);
        FinalMetrics fm = new FinalMetrics(0.98, 980, 1000, 0.98, 1, 0.99);
        assertSame(fm, fm.withValidation(List.of(e)), "no validation figures, nothing to add");
        RunRecord r = RunStoreTest.sample().withEpoch(e, 13).finish(RunRecord.COMPLETED, fm, 14, "2026-01-01T00:01:00Z");
        String json = RunStore.toJson(r);
        assertFalse(json.contains("validationAccuracy") || json.contains("validationCorrect")
                || json.contains("bestValidation") || json.contains("AtBestValidation"), json);
        // a file from before the fields existed (written by hand here) loads with them null
        Path f = dir.resolve("run.json");
        Files.writeString(f, json);
        RunRecord back = RunStore.read(f);
        assertNull(back.epochs().get(0).validationAccuracy());
        assertNull(back.finalMetrics().bestValidationEpoch());
        assertNull(back.finalMetrics().testAccuracyAtBestValidation());
        assertEquals(r, back);
        assertTrue(json.contains("\"bestLegacySmoothedAccuracy\""), json);
    }
}
