package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

class ReportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void corruptRunIsSkippedAndListedInWarnings() throws IOException {
        Path runs = tmp.resolve("runs");
        RunRecord good = Fixtures.sample().get(2);
        RunStore.write(runs.resolve(good.experiment()).resolve(good.runId()).resolve(RunStore.RUN_JSON), good);
        Path corrupt = runs.resolve("mnist-lenet-conv").resolve("broken-run").resolve(RunStore.RUN_JSON);
        Files.createDirectories(corrupt.getParent());
        Files.writeString(corrupt, "{\"schemaVersion\": 1, \"runId\": \"broken", StandardCharsets.UTF_8);

        Path out = ReportCommand.write(runs, tmp.resolve("site/report.html"));

        assertTrue(out.isAbsolute());
        assertEquals(tmp.resolve("site/report.html").toAbsolutePath(), out);
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(html.contains("1 run</strong>"), "only the readable run is counted");
        assertTrue(html.contains(good.runId()));
        int warnings = html.indexOf("<section id=\"warnings\"");
        assertTrue(warnings >= 0, "warnings section present");
        String section = html.substring(warnings, html.indexOf("</section>", warnings));
        assertTrue(section.contains(corrupt.toAbsolutePath().normalize().toString()), section);
        assertTrue(section.contains("is not valid JSON"), section);
        assertTrue(section.contains("line 1"), "says where the JSON breaks: " + section);
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void loadReportsEveryDamagedFile() throws IOException {
        Path runs = tmp.resolve("runs");
        Files.createDirectories(runs.resolve("a/1"));
        Files.createDirectories(runs.resolve("a/2"));
        Files.writeString(runs.resolve("a/1/run.json"), "[]");
        Files.writeString(runs.resolve("a/2/run.json"), "{\"schemaVersion\": 99}");
        ReportCommand.LoadedRuns loaded = ReportCommand.load(runs);
        assertEquals(0, loaded.runs().size());
        assertEquals(2, loaded.files());
        assertEquals(2, loaded.warnings().size());
        assertTrue(loaded.warnings().get(1).contains("schema version 99"), loaded.warnings().toString());

        PnnException e = assertThrows(PnnException.class, () -> ReportCommand.write(runs, tmp.resolve("r.html")));
        assertTrue(e.getMessage().contains("none of the 2 run.json files"), e.getMessage());
    }

    @Test
    void emptyFolderIsAnErrorThatSaysWhatToDo() throws IOException {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        PnnException e = assertThrows(PnnException.class, () -> ReportCommand.write(runs, tmp.resolve("r.html")));
        assertEquals("no runs found under " + runs.toAbsolutePath().normalize()
                + "; run an experiment first, e.g. 'pnn run mnist-lenet-conv'", e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("r.html")));
    }

    @Test
    void missingFolderAndFolderAsOutputAreErrors() throws IOException {
        assertThrows(PnnException.class, () -> ReportCommand.write(tmp.resolve("nope"), tmp.resolve("r.html")));
        Path runs = tmp.resolve("runs");
        RunRecord good = Fixtures.sample().get(0);
        RunStore.write(runs.resolve("e/1/run.json"), good);
        PnnException e = assertThrows(PnnException.class, () -> ReportCommand.write(runs, tmp));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
    }

    @Test
    void runJsonMissingARequiredFieldIsListedInWarningsWithTheFieldName() throws IOException {
        Path runs = tmp.resolve("runs");
        RunRecord good = Fixtures.sample().get(0);
        RunStore.write(runs.resolve("e/good/run.json"), good);
        List<String> required = List.of("runId", "experiment", "status", "layer", "dataset", "model",
                "configuration", "environment", "epochs", "startedAt", "updatedAt");
        for (int i = 0; i < required.size(); i++) {
            ObjectNode tree = (ObjectNode) RunStore.mapper().readTree(RunStore.toJson(good));
            tree.remove(required.get(i));
            Path file = runs.resolve("e/missing-" + (char) ('a' + i) + "/run.json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, RunStore.mapper().writeValueAsString(tree), StandardCharsets.UTF_8);
        }

        ReportCommand.LoadedRuns loaded = ReportCommand.load(runs);

        assertEquals(required.size() + 1, loaded.files());
        assertEquals(List.of(good.runId()), loaded.runs().stream().map(RunRecord::runId).toList());
        assertEquals(required.size(), loaded.warnings().size(), loaded.warnings().toString());
        for (int i = 0; i < required.size(); i++) {
            Path file = runs.resolve("e/missing-" + (char) ('a' + i) + "/run.json");
            String field = required.get(i);
            String warning = loaded.warnings().stream().filter(w -> w.contains(file.toString())).findFirst()
                    .orElseThrow(() -> new AssertionError("no warning for " + file + ": " + loaded.warnings()));
            assertTrue(warning.contains("'" + field + "'"), "names the missing field " + field + ": " + warning);
            assertTrue(warning.contains("does not match the run schema"), warning);
        }

        Path out = ReportCommand.write(runs, tmp.resolve("report.html"));
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(html.contains("1 run</strong>"), "only the complete record is shown");
        assertTrue(html.contains(required.size() + " warnings</a>"), "warnings linked from the header");
        assertTrue(html.contains("run record has no &#39;updatedAt&#39;"), "field named in the page");
    }

    @Test
    void nanTrainingLossSurvivesTheRoundTrip() throws IOException {
        RunRecord r = Fixtures.sample().get(0);
        var epochs = new java.util.ArrayList<>(r.epochs());
        var e0 = epochs.get(0);
        epochs.set(0, new org.pnnlab.api.run.EpochRecord(e0.epoch(), Double.NaN, e0.testAccuracy(), e0.testCorrect(),
                e0.testTotal(), null, e0.seconds()));
        RunRecord diverged = new RunRecord(r.schemaVersion(), r.runId(), r.experiment(), r.status(), r.layer(),
                r.seed(), r.dataset(), r.model(), r.plannedEpochs(), r.parameterCount(), r.fixedParameterCount(),
                r.configuration(), r.environment(), epochs, r.finalMetrics(), r.wallTimeSeconds(), r.startedAt(),
                r.updatedAt(), r.finishedAt());
        Path runs = tmp.resolve("runs");
        RunStore.write(runs.resolve("e/1/run.json"), diverged);
        ReportCommand.LoadedRuns loaded = ReportCommand.load(runs);
        assertEquals(List.of(), loaded.warnings());
        assertTrue(Double.isNaN(loaded.runs().get(0).epochs().get(0).trainLoss()));
    }
}
