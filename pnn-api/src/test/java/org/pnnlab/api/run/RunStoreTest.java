package org.pnnlab.api.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;

class RunStoreTest {
    static RunRecord sample() {
        EnvironmentInfo env = new EnvironmentInfo("17", "v", "linux", 2, "cpu", "openblas", "abc", "dev");
        RunConfig c = RunConfig.of("exp", DataConfig.of("mnist"),
                ModelConfig.everySlot("lenet", Map.of("nfilters", 8), LayerChoice.of("conv", Map.of("act", "relu"))));
        return new RunRecord(RunRecord.SCHEMA_VERSION, "r1", RunRecord.RUNNING, c, new RunFacts(100, 5, 60, 0, 10, 1, 0, 0),
                env, new ProcessInfo(1, "nowhere", null), List.of(), null, 0, "2026-01-01T00:00:00Z",
                "2026-01-01T00:00:00Z", null, List.of());
    }

    @Test
    void roundTripKeepsEverything(@TempDir Path dir) {
        RunRecord r = sample().withEpoch(EpochRecord.of(1, 0.5, 980, 1000, 12.5).withLegacySmoothedAccuracy(0.99), 13)
                .finish(RunRecord.COMPLETED, new FinalMetrics(0.98, 980, 1000, 0.98, 1, 0.99), 14, "2026-01-01T00:01:00Z");
        Path f = dir.resolve("run.json");
        RunStore.write(f, r);
        RunRecord back = RunStore.read(f);
        assertEquals(r, back);
        assertTrue(RunStore.toJson(r).contains("\"final\""), "outcome is stored under 'final'");
        assertEquals(0.98, back.epochs().get(0).testAccuracy(), 0);
    }

    @Test
    void maskingChecksAndCorruptionsRoundTrip(@TempDir Path dir) {
        GradientMaskingChecks m = new GradientMaskingChecks("average", 200, true, 0.1, 0.015, 0.42,
                List.of(new GradientMaskingChecks.SweepPoint(0, 0.9), new GradientMaskingChecks.SweepPoint(1, 0.05)),
                0.25, 0.0, List.of(GradientMaskingChecks.CheckResult.of(GradientMaskingChecks.Check.GRADIENTS, false,
                0.25, "25.0% zero"), GradientMaskingChecks.CheckResult.skipped(GradientMaskingChecks.Check.BLACK_BOX,
                "not registered")));
        CorruptionAccuracies c = new CorruptionAccuracies(100, 3, false, List.of(
                new CorruptionAccuracies.Corruption("contrast", List.of(0.9, 0.8, 0.7, 0.6, 0.5))));
        RobustnessRecord pgd = new RobustnessRecord("pgd-average", "pgd", "average", "average", 0.5, 50, 100, 10_000,
                true, 3, java.util.Map.of("eps", 0.1), java.util.Map.of(), null, 2.5, "2026-01-01T00:02:00Z")
                .withMasking(m);
        RobustnessRecord corr = new RobustnessRecord("corruptions", "corruptions", "none", "average", c.meanAccuracy(),
                350, 500, 50_000, true, 3, java.util.Map.of(), java.util.Map.of(), null, 1, "2026-01-01T00:02:00Z", null,
                null, c);
        RunRecord r = sample().withRobustness(List.of(pgd, corr));
        Path f = dir.resolve("run.json");
        RunStore.write(f, r);
        RunRecord back = RunStore.read(f);
        assertEquals(r.robustness(), back.robustness());
        assertFalse(back.robustness("pgd-average").masking().passed());
        assertEquals(GradientMaskingChecks.Outcome.SKIPPED,
                back.robustness("pgd-average").masking().result(GradientMaskingChecks.Check.BLACK_BOX).outcome());
        assertEquals(0.7, back.robustness("corruptions").corruptions().meanAccuracy(), 1e-12);
        assertTrue(back.robustness("pgd-average").attacksTheClassifier());
    }

    @Test
    void robustnessEntriesRoundTripAndReplaceByName(@TempDir Path dir) {
        RobustnessRecord pgd = new RobustnessRecord("pgd-first", "pgd", "first", "average", 0.5, 50, 100, 10_000, true, 3,
                java.util.Map.of("eps", 0.1, "steps", 7), java.util.Map.of("step", 0.071), null, 2.5, "2026-01-01T00:02:00Z");
        RobustnessRecord clean = new RobustnessRecord("clean", "clean", "none", "average", 0.9, 9_000, 10_000, 10_000,
                false, 3, java.util.Map.of(), java.util.Map.of(), null, 1, "2026-01-01T00:02:00Z");
        RunRecord r = sample().withRobustness(java.util.List.of(pgd, clean));
        Path f = dir.resolve("run.json");
        RunStore.write(f, r);
        RunRecord back = RunStore.read(f);
        assertEquals(r.robustness(), back.robustness());
        assertEquals(0.5, back.robustness("pgd-first").accuracy());
        RobustnessRecord pgd2 = new RobustnessRecord("pgd-first", "pgd", "first", "average", 0.4, 4_000, 10_000, 10_000,
                false, 4, java.util.Map.of(), java.util.Map.of(), null, 9, "2026-01-01T00:03:00Z");
        RunRecord again = back.withRobustness(java.util.List.of(pgd2));
        assertEquals(java.util.List.of("clean", "pgd-first"), again.robustness().stream().map(RobustnessRecord::name).toList());
        assertEquals(0.4, again.robustness("pgd-first").accuracy());
        // a record without the field (older runs) reads as none
        assertTrue(RunStore.toJson(sample()).indexOf("robustness") < 0);
        RunStore.write(f, sample());
        assertTrue(RunStore.read(f).robustness().isEmpty());
    }

    @Test
    void damagedAndForeignFilesAreRejectedWithTheReason(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("run.json");
        Files.writeString(f, "{\"schemaVersion\": 1, \"runId\": ", StandardCharsets.UTF_8);
        PnnException e = assertThrows(PnnException.class, () -> RunStore.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("not valid JSON"), e.getMessage());
        Files.writeString(f, "{\"schemaVersion\": 99}");
        e = assertThrows(PnnException.class, () -> RunStore.read(f));
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("newer"), e.getMessage());
        Files.writeString(f, "{\"hello\": 1}");
        e = assertThrows(PnnException.class, () -> RunStore.read(f));
        assertTrue(e.getMessage().contains("schemaVersion"), e.getMessage());
        String noRunId = RunStore.toJson(sample()).replace("\"runId\" : \"r1\",", "");
        Files.writeString(f, noRunId);
        e = assertThrows(PnnException.class, () -> RunStore.read(f));
        assertTrue(e.getMessage().contains("'runId'"), e.getMessage());
    }

    @Test
    void aFailedWriteLeavesTheOldFileWhole(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("run.json");
        RunStore.write(f, sample());
        String before = Files.readString(f);
        assertThrows(RuntimeException.class, () -> AtomicFiles.write(f, out -> {
            out.write("{\"partial\": ".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals(before, Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file is left behind");
        }
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
}
